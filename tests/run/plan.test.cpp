// run/plan: a plan from the options as the command line gives them: batches, schedule, turns and their checks.
#include <catch2/catch.hpp>

#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/run/plan.hpp"

using Catch::Matchers::Contains;

namespace {

gbench::run::plan plan_of(const gbench::run::plan_options& po) {
  const auto catalog = gbench::config::load_presets(std::string(GBENCH_CONFIGS) + "/presets.json");
  return gbench::run::make_plan(po, catalog, std::string(GBENCH_CONFIGS) + "/models");
}

gbench::run::plan_options tiny(std::vector<std::string> presets = {"default"}) {
  gbench::run::plan_options po;
  po.model = "tiny-mlp";
  po.batches = {"8", "2"};
  po.presets = std::move(presets);
  return po;
}

} // namespace

TEST_CASE("plan: batches are whole numbers in range", "[run][plan]") {
  CHECK(gbench::run::parse_batches({"256", "32", "1"}) == std::vector<std::int64_t>{256, 32, 1});
  CHECK_THROWS_WITH(gbench::run::parse_batches({"8x"}), Contains("--batch: '8x' is not a whole number"));
  CHECK_THROWS_WITH(gbench::run::parse_batches({"0"}), Contains("--batch: 0 is not a batch size"));
}

TEST_CASE("plan: the schedule is lockstep with two presets or more, rounds with one, as asked otherwise",
          "[run][plan]") {
  const auto one = plan_of(tiny());
  CHECK(one.model.name == "tiny-mlp");
  CHECK(one.batches == std::vector<std::int64_t>{8, 2});
  CHECK(one.schedule == gbench::run::schedule::rounds);
  const auto two = plan_of(tiny({"default", "thp"}));
  CHECK(two.presets.size() == 2);
  CHECK(two.schedule == gbench::run::schedule::lockstep);
  auto po = tiny({"default", "thp"});
  po.schedule = "rounds";
  CHECK(plan_of(po).schedule == gbench::run::schedule::rounds);
  po.schedule = "duet";
  po.turn_ms = 20;
  po.cycles = 7;
  const auto duet = plan_of(po);
  CHECK(duet.schedule == gbench::run::schedule::duet);
  CHECK(duet.turn_s == Approx(0.02));
  CHECK(duet.cycles == 7);
  CHECK(gbench::run::name_of(duet.schedule) == "duet");
  po.schedule = "sometimes";
  CHECK_THROWS_WITH(plan_of(po), Contains("--schedule: unknown schedule 'sometimes'"));
  po.schedule = "lockstep";
  po.turn_ms = 0.5;
  CHECK_THROWS_WITH(plan_of(po), Contains("--turn-ms: 0.5 is not a turn length"));
  po.turn_ms = 100;
  po.cycles = 0;
  CHECK_THROWS_WITH(plan_of(po), Contains("--cycles: 0"));
}

TEST_CASE("plan: unknown presets and models are refused with the fix, and a time limit is derived", "[run][plan]") {
  CHECK_THROWS_AS(plan_of(tiny({"no-such-preset"})), gbench::input_error);
  auto po = tiny();
  po.model = "no-such-model";
  CHECK_THROWS_AS(plan_of(po), gbench::input_error);
  const auto p = plan_of(tiny());
  CHECK(gbench::run::default_timeout(p) >= 120);
  auto longer = p;
  longer.max_time = 100;
  CHECK(gbench::run::default_timeout(longer) > gbench::run::default_timeout(p));
}

// tune/runners: the search's processes and process sets as a run's, on tiny-mlp: the memory check that decides
// between lockstep and rounds, and one real process set whose workers take turns.
#include <catch2/catch.hpp>

#include <string>

#include "gbench/config/preset.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/tune/runners.hpp"

using Catch::Matchers::Contains;

namespace {

gbench::run::plan tiny_plan() {
  gbench::run::plan_options po;
  po.model = "tiny-mlp";
  po.batches = {"4"};
  po.presets = {"default"};
  po.warmup = std::to_string(1); // a literal here trips GCC 12's -Wrestrict (a false positive)
  po.iterations = 5;
  po.profile = false;
  po.cycles = 3;
  po.turn_ms = 5;
  const auto catalog = gbench::config::load_presets(std::string(GBENCH_CONFIGS) + "/presets.json");
  return gbench::run::make_plan(po, catalog, std::string(GBENCH_CONFIGS) + "/models");
}

} // namespace

TEST_CASE("tune runners: co-resident workers that would not fit in memory are said so", "[tune][runners]") {
  const auto plan = tiny_plan();
  const auto one = plan.model.estimate_bytes(4);
  REQUIRE(one > 0);
  // Room for three workers at batch 4, not for four.
  const auto runner = gbench::tune::lockstep_runner_of(plan, GBENCH_BINARY, 3 * one + one / 2);
  CHECK(runner.fits(3, {4}).empty());
  CHECK_THAT(runner.fits(4, {4}), Contains("the 4 candidates' workers would not fit in memory together") &&
                                      Contains("GiB available"));
  // A larger batch needs more: at batch 4096 three do not fit either.
  CHECK_FALSE(runner.fits(3, {4, 4096}).empty());
  // Memory not known: they fit.
  CHECK(gbench::tune::lockstep_runner_of(plan, GBENCH_BINARY, 0).fits(64, {4}).empty());
}

TEST_CASE("tune runners: a process set runs every candidate as a worker taking turns", "[tune][runners][e2e]") {
  const auto plan = tiny_plan();
  const auto runner = gbench::tune::lockstep_runner_of(plan, GBENCH_BINARY, 0);
  auto a = plan.presets.front();
  a.name = "default";
  auto b = a;
  b.name = "KNOB=1";
  const auto runs = runner.run({{a, {4}, false}, {b, {4}, false}}, 3);
  REQUIRE(runs.size() == 2);
  for (const auto& r : runs) {
    INFO(r.preset.name << ": " << r.error);
    CHECK(r.ok);
    CHECK(r.design == gbench::record::design::lockstep);
    CHECK(r.repetition == 3); // the stage's set, whose turn order is its own
    REQUIRE(r.batches.size() == 1);
    CHECK(r.batches[0].batch == 4);
    REQUIRE(r.batches[0].turns);
    // One chunk per cycle: the engine pairs the workers' turns cycle by cycle.
    CHECK(r.batches[0].chunk_size > 0);
    CHECK(r.batches[0].samples_ns.size() == static_cast<std::size_t>(3 * r.batches[0].chunk_size));
  }
  CHECK(runs[0].preset.name == "default");
  CHECK(runs[1].preset.name == "KNOB=1");
  // The screening's and the rounds' processes: one at a time, as a run's.
  const auto alone = gbench::tune::process_runner_of(plan, GBENCH_BINARY)({b, {4}, false});
  CHECK(alone.ok);
  CHECK(alone.design == gbench::record::design::rounds);
  REQUIRE(alone.batches.size() == 1);
  CHECK(alone.batches[0].samples_ns.size() == 5);
}

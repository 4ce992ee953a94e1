// record/settings: how the runs were asked for, where they ran, and how a run until precise ended, in JSON.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/record/settings.hpp"

using Catch::Matchers::Contains;
using namespace gbench;

TEST_CASE("settings survive their own to_json, and what older reports lack is written only when set", "[record]") {
  record::settings s;
  s.batches = {32, 10};
  s.warmup = 5;
  s.iterations = 30;
  s.threads = 2;
  s.managed_env = {"THP_MEM_ALLOC_ENABLE"};
  s.env_overrides = {{"THP_MEM_ALLOC_ENABLE", "1"}};
  auto j = record::to_json(s);
  CHECK_FALSE(j.contains("warmup_auto"));
  CHECK_FALSE(j.contains("timeout_s"));
  CHECK_FALSE(j.contains("turn_s")); // rounds: no turns
  record::settings back;
  from_json(record::node(j, "r.json", "settings"), back);
  CHECK(record::to_json(back) == j);
  CHECK(back.threads == 2);

  s.warmup_auto = true;
  s.timeout_s = 60;
  s.schedule = "lockstep";
  s.turn_s = 0.005;
  s.cycles = 4;
  j = record::to_json(s);
  from_json(record::node(j, "r.json", "settings"), back);
  CHECK(record::to_json(back) == j);
  CHECK(back.cycles == 4);
  j["schedule"] = "shuffled";
  CHECK_THROWS_AS(from_json(record::node(j, "r.json", "settings"), back), report_error);
  CHECK_THROWS_WITH(from_json(record::node(j, "r.json", "settings"), back),
                    Contains("settings.schedule: expected \"rounds\", \"lockstep\" or \"duet\", found \"shuffled\""));
}

TEST_CASE("run conditions and a precision that was never reached survive their own to_json", "[record]") {
  record::run_conditions c;
  c.cpus_mode = "auto";
  c.cpu_order = {1, 0};
  c.placement_reason = "the least busy CPUs";
  c.other_load_before = 0.25;
  c.precision = record::precision_outcome{.target = 0.03,
                                          .reached = std::numeric_limits<double>::infinity(),
                                          .rounds = 3,
                                          .widest = "bf16 @ 32",
                                          .stopped = "--max-time reached",
                                          .settled = {{.batch = 256, .after = 3}}};
  const auto j = record::to_json(c);
  CHECK(j["precision"]["reached"].is_null()); // infinite: not estimable
  record::run_conditions back;
  from_json(record::node(j, "r.json", "conditions"), back);
  CHECK(record::to_json(back) == j);
  REQUIRE(back.precision);
  CHECK(std::isinf(back.precision->reached));
  CHECK(back.cpu_order == std::vector<int>{1, 0});
  REQUIRE(back.precision->settled.size() == 1);
  CHECK(back.precision->settled[0].batch == 256);
  CHECK(back.precision->settled[0].after == 3);
}

// record/profile: a profile's operator table survives a JSON report, and a broken one is refused.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/record/run.hpp"
#include "profile/golden_events.hpp"

using namespace gbench;
using gbench_test::golden_events;

TEST_CASE("a table survives a JSON report", "[profile]") {
  for (const bool by_shape : {false, true}) {
    const auto t = profile::aggregate(golden_events(), by_shape);
    const auto j = nlohmann::json::parse(record::to_json(t).dump());
    profile::table back;
    from_json(record::node(j, "r.json"), back);
    REQUIRE(back.ops.size() == t.ops.size());
    CHECK(back.self_cpu_total_us == t.self_cpu_total_us);
    for (std::size_t i = 0; i < t.ops.size(); ++i) {
      CHECK(back.ops[i].name == t.ops[i].name);
      CHECK(back.ops[i].input_shapes == t.ops[i].input_shapes);
      CHECK(back.ops[i].count == t.ops[i].count);
      CHECK(back.ops[i].self_cpu_us == t.ops[i].self_cpu_us);
      CHECK(back.ops[i].cpu_total_us == t.ops[i].cpu_total_us);
      CHECK(back.ops[i].is_async == t.ops[i].is_async);
    }
    CHECK(profile::format_table(back, "self_cpu_time_total", 100, by_shape) ==
          profile::format_table(t, "self_cpu_time_total", 100, by_shape));
  }
  const auto j = record::to_json(profile::aggregate({{"mm", 0, 3'000, 1, false, false, "[[2, 2]]"}}, true));
  CHECK(j.at("ops").at(0).at("input_shapes") == "[[2, 2]]");
  CHECK(j.at("ops").at(0).at("cpu_avg_us") == 3.0);
  auto broken = j;
  broken["ops"][0].erase("count");
  profile::table none;
  CHECK_THROWS_AS(from_json(record::node(broken, "r.json"), none), report_error);
  CHECK_THROWS_WITH(from_json(record::node(broken, "r.json"), none), Catch::Contains("r.json: ops[0]: missing key 'count'"));
}

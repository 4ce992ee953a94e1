// report/google_benchmark: a report in Google Benchmark's JSON format (graviton-bench export --format gbench).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/report/google_benchmark.hpp"
#include "stored_reports.hpp"

using json = nlohmann::json;
using gbench_test::report;
using gbench_test::result;
using gbench_test::run;
using gbench_test::stored;

TEST_CASE("export as Google Benchmark JSON: one benchmark per (preset, batch), one repetition per sample", "[regression]") {
  json failed = {{"batch", 4}, {"status", "failed"}, {"error", "out of memory"}};
  const auto r = stored(report({run("default", {result(8, {100, 200, 300}), failed}), run("bf16", {result(8, {50, 60})}),
                                run("default", {result(8, {400}), result(4, {10})}, 2)},
                               {8, 4}),
                        "r.json");
  const auto g = gbench::report::to_google_benchmark_json(r);
  CHECK(g["context"]["executable"] == "graviton-bench");
  CHECK(g["context"]["num_cpus"] == 2);
  CHECK(g["context"]["graviton_bench"]["libtorch"] == "2.13.0");
  const auto& b = g["benchmarks"];
  std::map<std::string, std::vector<json>> by_name;
  for (const auto& e : b) {
    by_name[e["name"].get<std::string>()].push_back(e);
  }
  // The repetitions of default @ 8 are pooled: 4 samples.
  const auto& d8 = by_name["tiny-mlp/default/batch:8"];
  REQUIRE(d8.size() == 4);
  for (std::size_t i = 0; i < d8.size(); ++i) {
    CHECK(d8[i]["run_type"] == "iteration");
    CHECK(d8[i]["repetition_index"] == i);
    CHECK(d8[i]["repetitions"] == 4);
    CHECK(d8[i]["iterations"] == 1);
    CHECK(d8[i]["time_unit"] == "ns");
    CHECK(d8[i]["real_time"] == d8[i]["cpu_time"]);
    CHECK(d8[i]["family_index"] == 0);
    CHECK(d8[i]["per_family_instance_index"] == 0);
  }
  CHECK(d8[3]["real_time"] == 400);
  CHECK(d8[0]["items_per_second"].get<double>() == Approx(8e9 / 100));
  CHECK(by_name["tiny-mlp/default/batch:8_mean"].at(0)["real_time"].get<double>() == Approx(250));
  CHECK(by_name["tiny-mlp/default/batch:8_median"].at(0)["real_time"].get<double>() == Approx(250));
  CHECK(by_name["tiny-mlp/default/batch:8_median"].at(0)["run_type"] == "aggregate");
  CHECK(by_name["tiny-mlp/default/batch:8_median"].at(0)["aggregate_name"] == "median");
  CHECK(by_name["tiny-mlp/default/batch:8_cv"].at(0)["aggregate_unit"] == "percentage");
  CHECK(by_name.count("tiny-mlp/default/batch:8_stddev") == 1);
  CHECK(by_name.count("tiny-mlp/default/batch:8_p99") == 1);
  // A batch that failed in one repetition is a failed benchmark, as Google Benchmark writes SkipWithError.
  const auto& d4 = by_name["tiny-mlp/default/batch:4"];
  REQUIRE(d4.size() == 1);
  CHECK(d4[0]["error_occurred"] == true);
  CHECK(d4[0]["error_message"] == "out of memory");
  CHECK(d4[0]["per_family_instance_index"] == 1);
  const auto& bf = by_name["tiny-mlp/bf16/batch:8"];
  REQUIRE(bf.size() == 2);
  CHECK(bf[0]["family_index"] == 1);
}

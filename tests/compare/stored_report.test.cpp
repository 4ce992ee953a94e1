// compare/stored_report: reports read back from their files, pooled by side, and refused with the file named.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/compare/report_diff.hpp"
#include "gbench/compare/stored_report.hpp"
#include "gbench/error.hpp"
#include "gbench/util/files.hpp"
#include "stored_reports.hpp"

using Catch::Matchers::Contains;
using json = nlohmann::json;
using gbench_test::report;
using gbench_test::result;
using gbench_test::run;
using gbench_test::spread;
using gbench_test::stored;

TEST_CASE("repetitions of a preset are pooled, and several reports of a side too", "[regression]") {
  const auto base = report({run("default", {result(8, spread(20, 100e3, 1))}, 1),
                            run("bf16", {result(8, spread(20, 90e3, 5))}, 1),
                            run("default", {result(8, spread(20, 100e3, 2))}, 2)});
  // A stored report is read as the run wrote it: processes intact, each with its round.
  const auto s = stored(base);
  REQUIRE(s.report.runs.size() == 3);
  CHECK(s.report.runs[2].repetition == 2);
  CHECK(s.report.runs[2].batches[0].samples_ns.size() == 20);

  // Pooled, the second report's rounds follow the first's; the comparison sees every process.
  const auto pooled = gbench::compare::pool_reports({stored(base, "a1.json"), stored(base, "a2.json")}, false);
  CHECK(pooled.name == "a1.json + a2.json");
  REQUIRE(pooled.report.runs.size() == 6);
  CHECK(pooled.report.runs[5].repetition == 4);
  const auto diff = gbench::compare::diff_reports(pooled, pooled, {});
  REQUIRE(diff.rows.size() == 2);
  CHECK(diff.rows[0].preset == "default");
  CHECK(diff.rows[0].repetitions_baseline == 4);
  CHECK(diff.rows[0].comparison->samples_baseline == 80);
  CHECK(diff.rows[0].comparison->processes_baseline == 4);
  CHECK(diff.rows[1].preset == "bf16");
  json other_host = base;
  other_host["context"]["host"]["cpu_model"] = "Neoverse-N1";
  CHECK_THROWS_AS(gbench::compare::pool_reports({stored(base, "a1.json"), stored(other_host, "a2.json")}, false),
                  gbench::mismatch_error);
}

TEST_CASE("corrupt, truncated or wrong-schema reports are refused, naming the file", "[regression]") {
  const std::string good = report({run("default", {result(8, spread(5, 100e3, 1))})}).dump(2);
  auto with = [&](const std::function<void(json&)>& f) {
    json j = json::parse(good);
    f(j);
    return j.dump();
  };
  struct bad_case {
    std::string what;
    std::string text;
    std::string message;
  };
  const std::vector<bad_case> cases{
      {"empty", "", "the file is empty"},
      {"blank", "  \n", "the file is empty"},
      {"truncated", good.substr(0, good.size() / 2), "malformed JSON (the file ends too early: truncated?)"},
      {"not JSON", "schema: graviton\n", "bad.json:1:1: malformed JSON"},
      {"array", "[1, 2]", "expected an object, found array"},
      {"other schema", with([](json& j) { j["schema"] = "something-else"; }), "\"something-else\" is not a graviton-bench report"},
      {"no schema", with([](json& j) { j.erase("schema"); }), "missing key 'schema'"},
      {"newer", with([](json& j) { j["schema_version"] = 3; }), "schema_version: 3 is newer than this graviton-bench reads"},
      {"version type", with([](json& j) { j["schema_version"] = "1"; }), "schema_version: expected a whole number, found string"},
      {"no runs", with([](json& j) { j.erase("runs"); }), "missing key 'runs'"},
      {"empty runs", with([](json& j) { j["runs"] = json::array(); }), "runs: holds no result"},
      {"runs type", with([](json& j) { j["runs"] = 3; }), "runs: expected an array, found number 3"},
      {"no host", with([](json& j) { j["context"].erase("host"); }), "context: missing key 'host'"},
      {"hidden type", with([](json& j) { j["model"]["hidden"] = "128"; }), "model.hidden: expected an array"},
      {"sample text", with([](json& j) { j["runs"][0]["results"][0]["samples_ns"][2] = "fast"; }),
       "runs[0].results[0].samples_ns[2]: expected a positive number of nanoseconds, found string \"fast\""},
      {"sample negative", with([](json& j) { j["runs"][0]["results"][0]["samples_ns"][0] = -5; }),
       "runs[0].results[0].samples_ns[0]: expected a positive number"},
      {"no samples", with([](json& j) { j["runs"][0]["results"][0].erase("samples_ns"); }),
       "runs[0].results[0]: missing key 'samples_ns'"},
      {"status", with([](json& j) { j["runs"][0]["status"] = "maybe"; }), "runs[0].status: expected \"ok\" or \"failed\""},
      {"batch", with([](json& j) { j["runs"][0]["results"][0]["batch"] = 0; }), "runs[0].results[0].batch: 0 is not a batch size"},
      {"preset name", with([](json& j) { j["runs"][0]["preset"].erase("name"); }), "runs[0].preset: missing key 'name'"},
      {"google benchmark", R"({"context": {}, "benchmarks": []})", "this is Google Benchmark JSON"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    try {
      (void)gbench::compare::parse_stored_report(c.text, "bad.json");
      FAIL("accepted");
    } catch (const gbench::report_error& e) {
      CHECK(e.code() == gbench::exit_code::unusable_report);
      CHECK_THAT(e.what(), Contains("bad.json") && Contains(c.message));
    }
  }
  gbench::util::temp_dir dir;
  CHECK_THROWS_WITH(gbench::compare::load_stored_report(dir.path() / "missing.json"), Contains("missing.json: no such file"));
  CHECK_THROWS_WITH(gbench::compare::load_stored_report(dir.path()), Contains("is a directory"));
  std::ofstream(dir.path() / "empty.json").flush();
  CHECK_THROWS_WITH(gbench::compare::load_stored_report(dir.path() / "empty.json"), Contains("empty.json: the file is empty"));
}

// report/json_reporter: the JSON report, against the published schema.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/record/report.hpp"
#include "report/synthetic_report.hpp"
#include "schema_check.hpp"

using namespace gbench;
using gbench_test::render;

TEST_CASE("json output is the report", "[report]") {
  const auto j = nlohmann::json::parse(render("json"));
  gbench_test::check_schema(j, "report");
  CHECK(j["schema_version"] == record::schema_version);
  CHECK(j["runs"][0]["results"][0]["samples_ns"].size() == 4);
  CHECK(j["runs"][1]["results"][1]["status"] == "failed");
  CHECK(j["runs"][0]["results"][0]["statistics_ns"]["median"].get<double>() == Approx(1'150'000));
  CHECK(j["comparison"].size() == 4);
  CHECK(j["comparison"][2]["vs_baseline"]["speedup"].get<double>() == Approx(1'150'000.0 / 925.0));
  CHECK(j["context"]["peak"]["fp32_gemm"]["gflops"] == 200.0);
  CHECK(j["comparison"][0]["roofline"]["bound"] == "compute");
  CHECK(j["comparison"][1]["roofline"]["bound"] == "memory");
  CHECK_FALSE(j["comparison"][3].contains("roofline")); // failed: nothing measured to place
}

// report/diff_text: a comparison of two reports as a table, as markdown for a pull request, and as JSON.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/compare/report_diff.hpp"
#include "gbench/error.hpp"
#include "schema_check.hpp"
#include "stored_reports.hpp"

using Catch::Matchers::Contains;
using json = nlohmann::json;
using gbench_test::compare;
using gbench_test::report;
using gbench_test::result;
using gbench_test::run;
using gbench_test::spread;
using gbench_test::text_of;

TEST_CASE("compare formats: table, markdown for a pull request, json", "[regression]") {
  auto side = [](double at8, std::uint64_t seed) {
    std::vector<json> runs;
    for (int i = 0; i < 3; ++i) {
      const auto s = seed + static_cast<std::uint64_t>(10 * i);
      runs.push_back(run("default", {result(8, spread(30, at8, s)), result(4, spread(30, 50e3, s + 1))}, i + 1));
    }
    return report(runs, {8, 4});
  };
  const auto base = side(100e3, 1);
  const auto cand = side(120e3, 2);
  const auto r = compare(base, cand);
  const auto table = text_of(r, "table");
  CHECK_THAT(table, Contains("baseline   base.json") && Contains("candidate  new.json") && Contains("regression") &&
                        Contains("unchanged") && Contains("decided by Welch's t") && Contains("95% CI") &&
                        Contains("result: REGRESSION (1 regression, 1 unchanged)"));
  const auto md = text_of(r, "markdown");
  CHECK_THAT(md, Contains("### graviton-bench: ❌ REGRESSION") && Contains("| preset | batch | baseline |") &&
                     Contains("| :--- | ---: |") && Contains("**regression**") && Contains("| **geomean** |") &&
                     Contains("<details>"));
  const auto j = json::parse(text_of(r, "json"));
  gbench_test::check_schema(j, "comparison");
  CHECK(j["schema"] == "graviton-bench-comparison");
  CHECK(j["regressed"] == true);
  CHECK(j["counts"]["regression"] == 1);
  CHECK(j["rows"][0]["verdict"] == "regression");
  CHECK(j["rows"][0]["comparison"]["p_value"].get<double>() < 0.05);
  CHECK(j["rows"][0]["comparison"]["design"] == "independent");
  CHECK(j["options"]["metric"] == "median");
  const auto fine = compare(base, base);
  CHECK_THAT(text_of(fine, "markdown"), Contains("✅ no regression"));
  CHECK_THROWS_WITH(text_of(r, "yaml"), Contains("unknown format 'yaml'"));
  CHECK_THROWS_AS(gbench::compare::parse_metric("mean"), gbench::input_error);
  gbench::compare::diff_options bad;
  bad.alpha = 1.5;
  CHECK_THROWS_WITH(compare(base, cand, bad), Contains("--alpha"));
}

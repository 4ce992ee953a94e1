// record/json_reader: a record of the wrong shape, or a document cut short, is refused naming the file and the
// JSON path. (The errors of whole report files: tests/compare/stored_report.test.cpp.)
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/record/report.hpp"
#include "gbench/record/run.hpp"

using Catch::Matchers::Contains;
using namespace gbench;

TEST_CASE("a record of the wrong shape is refused with its file and JSON path", "[record]") {
  const auto j = nlohmann::json::parse(R"({"batch": 8, "status": "ok", "samples_ns": [1, 2],
                                           "profile": {"table": {"ops": [{"name": "mm"}], "self_cpu_total_us": 1}}})");
  record::batch_result b;
  try {
    from_json(record::node(j, "r.json", "runs[0].results[1]"), b);
    FAIL("accepted");
  } catch (const report_error& e) {
    CHECK(e.code() == exit_code::unusable_report);
    CHECK_THAT(e.what(), Contains("r.json: runs[0].results[1].profile.table.ops[0]: missing key 'count'"));
  }
  const auto typed = nlohmann::json::parse(R"({"batch": "8", "status": "ok"})");
  CHECK_THROWS_WITH(from_json(record::node(typed, "r.json"), b),
                    Contains("r.json: batch: expected a whole number, found string \"8\""));
  CHECK_THROWS_WITH(record::parse_report("{\"schema\": ", "cut.json"),
                    Contains("cut.json:1:12: malformed JSON (the file ends too early: truncated?)"));
}

// report/jsonl_reporter (and the JSON writer it shares with json_reporter): bytes that are not UTF-8 do not
// lose the report.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "gbench/report/reporter.hpp"
#include "gbench/util/json_text.hpp"
#include "report/synthetic_report.hpp"

using namespace gbench;
using gbench_test::synthetic_report;

TEST_CASE("a byte that is not UTF-8 in a worker's stderr or an error does not lose the report", "[report]") {
  // A worker's stderr tail is cut at a byte count, which can fall inside a character; a model path may be in
  // another encoding. The JSON writers replace such bytes with U+FFFD rather than throw.
  auto r = synthetic_report();
  r.runs[1].ok = false;
  r.runs[1].error = "cannot open /models/caf\xe9.pt";
  r.runs[1].stderr_tail = "worker: 12 \xc2"; // the first byte of a two-byte character, cut there
  const std::string replacement = "\xef\xbf\xbd";
  for (const char* format : {"json", "jsonl"}) {
    std::ostringstream out;
    REQUIRE_NOTHROW(report::make_reporter(format)->write(r, out));
    std::string text = out.str();
    if (std::string(format) == "jsonl") {
      std::ostringstream streamed;
      const auto reporter = report::make_reporter(format);
      REQUIRE_NOTHROW(reporter->begin(r, streamed));
      REQUIRE_NOTHROW(reporter->on_run(r.runs[1], streamed));
      text = streamed.str();
    }
    INFO(format);
    CHECK_THAT(text, Catch::Matchers::Contains("caf" + replacement + ".pt"));
    CHECK_THAT(text, Catch::Matchers::Contains("12 " + replacement));
  }
  CHECK(util::json_dump(nlohmann::json("ok \xff"), -1) == "\"ok " + replacement + "\"");
}

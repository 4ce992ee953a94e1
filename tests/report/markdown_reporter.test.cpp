// report/markdown_reporter: the markdown report, against its golden file.
#include <catch2/catch.hpp>

#include "report/synthetic_report.hpp"

using gbench_test::check_baseline;
using gbench_test::render;

TEST_CASE("markdown output matches its baseline", "[report][golden]") {
  check_baseline("report-markdown.md", render("markdown"));
}

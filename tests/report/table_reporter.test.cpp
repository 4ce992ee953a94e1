// report/table_reporter: the table for people, against its golden file.
#include <catch2/catch.hpp>

#include "report/synthetic_report.hpp"

using gbench_test::check_baseline;
using gbench_test::render;

TEST_CASE("table output matches its baseline", "[report][golden]") { check_baseline("report-table.txt", render("table")); }

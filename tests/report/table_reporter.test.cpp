// report/table_reporter: the table for people, against its golden file; the lines above it.
#include <catch2/catch.hpp>

#include "gbench/report/columns.hpp"
#include "report/synthetic_report.hpp"

using gbench_test::check_baseline;
using gbench_test::render;

TEST_CASE("table output matches its baseline", "[report][golden]") { check_baseline("report-table.txt", render("table")); }

TEST_CASE("the model line names the design, and the batches a run until precise settled early", "[report]") {
  auto r = gbench_test::synthetic_report();
  r.settings.schedule = "lockstep";
  r.settings.repetitions = 12;
  r.settings.cycles = 10;
  r.settings.turn_s = 0.1;
  gbench::record::precision_outcome o;
  o.settled = {{32, 3}};
  r.conditions = gbench::record::run_conditions{};
  r.conditions->precision = o;
  CHECK_THAT(
      gbench::report::model_line(r),
      Catch::Matchers::EndsWith("lockstep: 12 process sets of 10 cycles of 100 ms turns; settled: batch 32 after 3"));
}

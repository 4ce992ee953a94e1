// stats/precision: how precise a set of comparisons is, and how many processes would make it precise enough.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gbench/stats/precision.hpp"
#include "gbench/stats/processes.hpp"
#include "stats/simulator.hpp"

using namespace gbench::stats;

using gbench_test::simulator;

TEST_CASE("precision: infinite with one process a side, reached with tight processes, more wanted with loose ones",
          "[stats][precision]") {
  simulator sim(11);
  process_test_options o;
  o.resamples = 500;
  const std::vector<precision_row> single_process{{"x @ 8", sim.group(1, 300, 100, 0.05, 0.02), sim.group(1, 300, 100, 0.05, 0.02)}};
  CHECK(std::isinf(assess_precision(single_process, 0.03, o).worst));
  const std::vector<precision_row> tight{{"tight @ 8", sim.group(6, 300, 100, 0.002, 0.02), sim.group(6, 300, 100, 0.002, 0.02)}};
  const auto t = assess_precision(tight, 0.03, o);
  CHECK(t.worst < 0.03);
  CHECK(t.worst_row == "tight @ 8");
  const std::vector<precision_row> both{tight[0], {"loose @ 8", sim.group(4, 300, 100, 0.10, 0.02), sim.group(4, 300, 100, 0.10, 0.02)}};
  const auto l = assess_precision(both, 0.03, o);
  CHECK(l.worst > 0.03);
  CHECK(l.worst_row == "loose @ 8");
  CHECK(l.processes_wanted > 6);
  // One preset alone: the interval of its estimate.
  const std::vector<precision_row> alone{{"default @ 8", sim.group(5, 300, 100, 0.002, 0.02), {}}};
  CHECK(assess_precision(alone, 0.03, o).worst < 0.03);
}

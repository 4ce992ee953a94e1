// stats/drift: when warm-up has reached a steady state, and a trend across a process's samples.
#include <catch2/catch.hpp>

#include <vector>

#include "gbench/stats/drift.hpp"

using namespace gbench::stats;

TEST_CASE("steady state: reached after warm-up stops improving", "[stats][drift]") {
  steady_state s(0.02, 3);
  CHECK_FALSE(s.add_block(200)); // first forwards: page faults, cold caches
  CHECK_FALSE(s.add_block(150));
  CHECK_FALSE(s.add_block(110));
  CHECK_FALSE(s.add_block(100));
  CHECK_FALSE(s.add_block(101));
  CHECK_FALSE(s.add_block(99));  // median of the last three 100, of the three before 150: still improving
  CHECK_FALSE(s.add_block(130)); // 101 against 110
  CHECK(s.add_block(100));       // 100 against 101: within 2%, steady
  CHECK(s.blocks() == 8);
  CHECK(s.add_block(50)); // stays reached
  // One lucky block among steady ones does not reset it: the windows' medians hold.
  steady_state noisy(0.02, 3);
  for (const double m : {100.0, 102.0, 99.0, 101.0, 80.0, 100.0}) {
    noisy.add_block(m);
  }
  CHECK(noisy.reached());
}

TEST_CASE("Mann-Kendall trend and Theil-Sen drift match values computed with SciPy", "[stats][drift]") {
  const std::vector<double> rising{5, 4, 6, 7, 8, 8, 9, 12};
  const auto t = mann_kendall(rising);
  CHECK(t.z == Approx(2.992217885724178));
  CHECK(t.p_value == Approx(0.002769585154720983).epsilon(1e-6));
  CHECK(t.relative_drift == Approx(0.9333333333333333)); // scipy.stats.theilslopes slope * 7 / median
  CHECK(t.flagged());
  const std::vector<double> flat{10, 10.1, 9.9, 10, 10.05, 9.95, 10, 10.1};
  CHECK_FALSE(mann_kendall(flat).flagged());
  CHECK(mann_kendall(std::vector<double>{1, 2, 3}).p_value == 1); // too few points
}

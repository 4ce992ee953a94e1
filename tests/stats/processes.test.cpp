#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gbench/error.hpp"
#include "gbench/stats/compare.hpp"
#include "gbench/stats/distributions.hpp"
#include "gbench/stats/drift.hpp"
#include "gbench/stats/robust.hpp"
#include "gbench/stats/precision.hpp"
#include "gbench/stats/processes.hpp"
#include "stats/simulator.hpp"

using namespace gbench::stats;

using gbench_test::simulator;
using gbench_test::single;

TEST_CASE("Student's t and the normal quantile agree with SciPy", "[stats][processes]") {
  CHECK(student_t_cdf(2.0, 5) == Approx(0.9490302605850708).epsilon(1e-10));
  CHECK(student_t_cdf(-1.3, 2.5) == Approx(0.15024339463535416).epsilon(1e-9));
  CHECK(student_t_quantile(0.975, 10) == Approx(2.228138851986274).epsilon(1e-9));
  CHECK(student_t_quantile(0.8, 4) == Approx(0.9409645772351816).epsilon(1e-9));
  CHECK(student_t_quantile(0.025, 10) == Approx(-2.228138851986274).epsilon(1e-9));
  // Tails too small for 1 - p to exist in a double (--alpha 1e-30) keep their precision.
  CHECK(student_t_sf(30.0, 8) == Approx(8.26762837589488e-10).epsilon(1e-8));
  CHECK(student_t_upper_quantile(5e-31, 8) == Approx(13525.466226557179).epsilon(1e-8));
  CHECK(student_t_upper_quantile(0.025, 10) == Approx(2.2281388519862753).epsilon(1e-9));
  CHECK(student_t_upper_quantile(0.975, 10) == Approx(-2.2281388519862753).epsilon(1e-9));
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-12));
  CHECK(normal_quantile(1e-6) == Approx(-4.753424308822899).epsilon(1e-10));
  CHECK(incomplete_beta(0.3, 2.5, 3.5) == Approx(0.29675298929566646).epsilon(1e-10));
  CHECK_THROWS_AS(student_t_quantile(1.0, 3), gbench::input_error);
}

TEST_CASE("variance components match a one-way ANOVA computed by hand", "[stats][processes]") {
  // Chunks of one sample: the chunk medians are the values. Grand mean 136/9; MS within 1.25; Searle's n0
  // = (9 - 29/9) / 2; between = (MS between - MS within) / n0 = 18.5 (checked with NumPy).
  const std::vector<process_samples> g{{{10, 11, 12}, 1}, {{14, 15, 16, 17}, 1}, {{20, 21}, 1}};
  const auto c = estimate_components(g);
  CHECK(c.processes == 3);
  CHECK(c.chunks == 9);
  CHECK(c.grand_mean == Approx(15.111111111111111));
  CHECK(c.within == Approx(1.25));
  CHECK(c.between == Approx(18.5));
  CHECK(c.between_cv() == Approx(std::sqrt(18.5) / 15.111111111111111));
}

TEST_CASE("a process's estimate is its lowest chunk median: a slow episode does not move it", "[stats][processes]") {
  const process_samples steady{{10, 10, 11, 10, 11, 10, 10, 10, 11}, 3};
  const process_samples episode{{10, 10, 11, 14, 15, 14, 10, 10, 11}, 3}; // the middle chunk +40%
  CHECK(process_estimate(steady) == 10);
  CHECK(process_estimate(episode) == 10);
  CHECK(chunk_medians(episode.samples, 3) == std::vector<double>{10, 14, 10});
  // Unchunked, the median of the same samples moves with the episode.
  CHECK(process_estimate({episode.samples, 0}) == 11);
}

TEST_CASE("the hierarchical interval widens with the variance between processes and is reproducible",
          "[stats][processes]") {
  simulator sim(5);
  const auto tight = sim.group(6, 400, 1000, 0.0, 0.03);
  const auto loose = sim.group(6, 400, 1000, 0.08, 0.03);
  process_test_options o;
  o.seed = 42;
  const auto gt = estimate_group(tight, o);
  const auto gl = estimate_group(loose, o);
  CHECK(gt.ci_low <= gt.estimate);
  CHECK(gt.ci_high >= gt.estimate);
  CHECK((gl.ci_high - gl.ci_low) / gl.estimate > 3 * (gt.ci_high - gt.ci_low) / gt.estimate);
  CHECK(gl.components.between_cv() > 0.03);
  CHECK(gt.components.between_cv() < 0.01);
  const auto again = estimate_group(loose, o);
  CHECK(again.ci_low == gl.ci_low);
  CHECK(again.ci_high == gl.ci_high);
}


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

TEST_CASE("planning: chunks per process follow the components", "[stats][processes]") {
  variance_components within_only;
  within_only.within = 4;
  CHECK(optimal_chunks(within_only, 1.0, 0.01, 1, 20) == 20);
  variance_components between_heavy;
  between_heavy.within = 1e-4;
  between_heavy.between = 1;
  CHECK(optimal_chunks(between_heavy, 1.0, 0.01, 2, 20) == 2);
}

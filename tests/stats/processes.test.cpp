// stats/processes: samples grouped by the process that measured them: each process's estimate, the variance
// components between and within processes, the hierarchical bootstrap interval, and planning.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gbench/stats/processes.hpp"
#include "stats/simulator.hpp"

using namespace gbench::stats;

using gbench_test::simulator;

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

TEST_CASE("planning: chunks per process follow the components", "[stats][processes]") {
  variance_components within_only;
  within_only.within = 4;
  CHECK(optimal_chunks(within_only, 1.0, 0.01, 1, 20) == 20);
  variance_components between_heavy;
  between_heavy.within = 1e-4;
  between_heavy.between = 1;
  CHECK(optimal_chunks(between_heavy, 1.0, 0.01, 2, 20) == 2);
}

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gbench/error.hpp"
#include "gbench/stats/compare.hpp"
#include "gbench/stats/distributions.hpp"
#include "gbench/stats/drift.hpp"
#include "gbench/stats/precision.hpp"
#include "gbench/stats/processes.hpp"

using namespace gbench::stats;

namespace {

// Synthetic timings, deterministic: every process has its own level (lognormal around `level`, spread
// `between_cv`) and its samples scatter around it (`within_cv`), as timings of one build on a noisy machine.
struct simulator {
  std::mt19937_64 engine;
  explicit simulator(std::uint64_t seed) : engine(seed) {}
  double normal() {
    const double u1 = (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53;
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.14159265358979 * u2);
  }
  std::vector<process_samples> group(int processes, int samples, double level, double between_cv, double within_cv,
                                     std::size_t chunk = 50) {
    std::vector<process_samples> g;
    for (int p = 0; p < processes; ++p) {
      const double process_level = level * std::exp(between_cv * normal());
      process_samples s;
      s.chunk_size = chunk;
      for (int i = 0; i < samples; ++i) {
        s.samples.push_back(process_level * std::exp(within_cv * normal()));
      }
      g.push_back(std::move(s));
    }
    return g;
  }
};

process_samples single(double x) { return {{x}, 0}; }

} // namespace

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

TEST_CASE("Welch's test on log process estimates matches SciPy", "[stats][processes]") {
  const std::vector<process_samples> a{single(100), single(102), single(98), single(101)};
  const std::vector<process_samples> b{single(110), single(111), single(109), single(112), single(108)};
  const auto r = compare_groups(a, b, {});
  REQUIRE(r.p_value);
  // scipy.stats.ttest_ind(log(a), log(b), equal_var=False).pvalue
  CHECK(*r.p_value == Approx(0.00013730978853924856).epsilon(1e-6));
  CHECK(r.ratio == Approx(100.25 / 110.0));
  CHECK(r.significant);
  REQUIRE(r.mde);
  CHECK(*r.mde > 0);
  CHECK(*r.mde < 0.09); // smaller than the 9% difference it found
}

TEST_CASE("processes of the same rounds are paired: the paired t-test matches SciPy", "[stats][processes]") {
  // The machine's speed wanders between rounds; b is 3% slower than a in every round.
  const std::vector<double> la{100, 120, 90, 110, 105};
  const std::vector<double> lb{103.5, 123.0, 92.4, 113.6, 108.0};
  std::vector<process_samples> a;
  std::vector<process_samples> b;
  for (std::size_t i = 0; i < la.size(); ++i) {
    a.push_back({{la[i]}, 0, i + 1});
    b.push_back({{lb[i]}, 0, i + 1});
  }
  std::reverse(b.begin(), b.end()); // the same rounds, listed in another order
  const auto r = compare_groups(b, a, {});
  CHECK(r.paired);
  REQUIRE(r.p_value);
  REQUIRE(r.df);
  CHECK(*r.df == 4);
  CHECK(*r.p_value == Approx(8.745675506148889e-05).epsilon(1e-6)); // scipy.stats.ttest_rel(log(b), log(a))
  CHECK(r.ratio == Approx(1.0295238095238095));
  CHECK(r.significant);
  CHECK(r.ci_low > 1.0);
  REQUIRE(r.mde);
  CHECK(*r.mde < 0.03);
  CHECK(processes_needed(r, 0.03, 0.05, 0.8) <= 5);

  // Without rounds the drift between rounds swamps the change: Welch's t on the same estimates.
  std::vector<process_samples> a0 = a;
  for (auto& p : a0) {
    p.round = 0;
  }
  const auto u = compare_groups(b, a0, {});
  CHECK_FALSE(u.paired);
  CHECK(*u.p_value == Approx(0.6779390727949354).epsilon(1e-6)); // scipy.stats.ttest_ind(equal_var=False)
  CHECK_FALSE(u.significant);
  CHECK(processes_needed(u, 0.03, 0.05, 0.8) > 5);

  // Rounds that do not match one to one pair nothing.
  auto twice = b;
  twice[1].round = twice[0].round;
  CHECK_FALSE(compare_groups(twice, a, {}).paired);
  auto other = b;
  other[4].round = 9;
  CHECK_FALSE(compare_groups(other, a, {}).paired);
}

TEST_CASE("A/A and a 3% change under drift between rounds: pairing keeps alpha and gains power",
          "[stats][processes][simulation]") {
  // Every round runs at its own speed (5% between rounds), each process adds 1% of its own, samples 3%.
  simulator sim(314);
  const auto rounds = [&](int n, double level, const std::vector<double>& speed) {
    auto g = sim.group(n, 100, level, 0.01, 0.03);
    for (std::size_t i = 0; i < g.size(); ++i) {
      g[i].round = i + 1;
      for (double& x : g[i].samples) {
        x *= speed[i];
      }
    }
    return g;
  };
  int aa_alarms = 0;
  int paired_caught = 0;
  int welch_caught = 0;
  constexpr int trials = 200;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> speed;
    for (int i = 0; i < 6; ++i) {
      speed.push_back(std::exp(0.05 * sim.normal()));
    }
    process_test_options o;
    o.resamples = 200;
    o.seed = static_cast<std::uint64_t>(t);
    const auto base = rounds(6, 50e3, speed);
    aa_alarms += compare_groups(rounds(6, 50e3, speed), base, o).significant ? 1 : 0;
    auto slow = rounds(6, 51.5e3, speed);
    paired_caught += compare_groups(slow, base, o).significant ? 1 : 0;
    for (auto& p : slow) {
      p.round = 0;
    }
    welch_caught += compare_groups(slow, base, o).significant ? 1 : 0;
  }
  CHECK(aa_alarms <= trials * 8 / 100); // alpha 5%, plus the binomial spread of 200 trials
  CHECK(paired_caught >= trials * 9 / 10);
  CHECK(welch_caught < trials / 2);
}

TEST_CASE("with one process a side there is no test, only an interval", "[stats][processes]") {
  simulator sim(7);
  const auto a = sim.group(1, 500, 100, 0.05, 0.02);
  const auto b = sim.group(1, 500, 100, 0.05, 0.02);
  const auto r = compare_groups(a, b, {});
  CHECK_FALSE(r.p_value);
  CHECK_FALSE(r.mde);
  CHECK_FALSE(r.significant);
}

TEST_CASE("A/A on synthetic noisy processes: the process-level test alarms at about alpha, the sample test does not",
          "[stats][processes][simulation]") {
  // Processes 5% apart (between), samples 3% around their process: the situation of a shared VM.
  simulator sim(20261126);
  int process_alarms = 0;
  int sample_alarms = 0;
  constexpr int trials = 200;
  for (int t = 0; t < trials; ++t) {
    const auto a = sim.group(4, 200, 50e3, 0.05, 0.03);
    const auto b = sim.group(4, 200, 50e3, 0.05, 0.03);
    process_test_options o;
    o.resamples = 200;
    o.seed = static_cast<std::uint64_t>(t);
    process_alarms += compare_groups(a, b, o).significant ? 1 : 0;
    std::vector<double> pa;
    std::vector<double> pb;
    for (const auto& p : a) {
      pa.insert(pa.end(), p.samples.begin(), p.samples.end());
    }
    for (const auto& p : b) {
      pb.insert(pb.end(), p.samples.begin(), p.samples.end());
    }
    sample_alarms += mann_whitney_u(pa, pb).p_value < 0.05 ? 1 : 0;
  }
  CHECK(process_alarms <= trials * 8 / 100); // alpha 5%, plus the binomial spread of 200 trials
  CHECK(sample_alarms > trials / 2);         // the old test on pooled samples takes process luck for evidence
}

TEST_CASE("a 10% slowdown is detected across 6 processes a side, and the MDE says it could be",
          "[stats][processes][simulation]") {
  simulator sim(99);
  int detected = 0;
  double mde_sum = 0;
  constexpr int trials = 100;
  for (int t = 0; t < trials; ++t) {
    const auto base = sim.group(6, 300, 50e3, 0.02, 0.03);
    const auto slow = sim.group(6, 300, 55e3, 0.02, 0.03);
    process_test_options o;
    o.resamples = 200;
    const auto r = compare_groups(slow, base, o);
    detected += r.significant && r.ratio > 1 ? 1 : 0;
    mde_sum += r.mde.value_or(1.0);
  }
  CHECK(detected >= 95);
  CHECK(mde_sum / trials < 0.10);
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

TEST_CASE("planning: processes needed and chunks per process follow the components", "[stats][processes]") {
  const int few = processes_needed(0.0001, 0.0001, 0.03, 0.05, 0.8);
  const int many = processes_needed(0.01, 0.01, 0.03, 0.05, 0.8);
  CHECK(few >= 2);
  CHECK(many > few);
  CHECK(processes_needed(0.0, 0.0, 0.03, 0.05, 0.8) == 2);
  CHECK(processes_needed(1.0, 1.0, 0.001, 0.05, 0.8, 50) == 50);
  variance_components within_only;
  within_only.within = 4;
  CHECK(optimal_chunks(within_only, 1.0, 0.01, 1, 20) == 20);
  variance_components between_heavy;
  between_heavy.within = 1e-4;
  between_heavy.between = 1;
  CHECK(optimal_chunks(between_heavy, 1.0, 0.01, 2, 20) == 2);
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

TEST_CASE("an outlier process among its preset's is flagged, none among few or identical", "[stats][drift]") {
  const std::vector<double> est{28.0, 28.2, 27.9, 28.1, 37.4, 28.0};
  const auto flags = outlier_processes(est);
  CHECK(flags == std::vector<bool>{false, false, false, false, true, false});
  CHECK(outlier_processes(std::vector<double>{1, 2}) == std::vector<bool>{false, false});
  CHECK(outlier_processes(std::vector<double>{5, 5, 5, 9}) == std::vector<bool>{false, false, false, false});
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

// stats/compare: the two-sample tests on samples (Mann-Whitney U), the bootstrap interval of a ratio of
// medians, and the geometric mean of ratios.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gbench/error.hpp"
#include "gbench/stats/compare.hpp"

using namespace gbench::stats;

// Expected values come from scipy 1.17.1 / numpy 2.4.6, run once outside the project (scipy is not a
// dependency); each number names the call that produced it.

namespace {

// numpy.random.default_rng(20240601): round(10 + normal(0, 0.25, 30), 3), a second such draw, and
// round(11 + normal(0, 0.275, 30), 3): the same spread, 10% slower. Both 10 ms samples hold ties (9.909
// twice in base; 10.162 in base and same).
const std::vector<double> base{10.162, 10.117, 9.839, 9.705, 9.964, 10.301, 10.333, 10.227, 10.087, 10.400,
                               10.308, 9.945,  9.735, 9.909, 9.895, 10.172, 9.525,  9.952,  10.418, 9.770,
                               9.810,  9.979,  9.646, 9.968, 9.996, 9.999,  9.753,  9.909,  10.163, 9.821};
const std::vector<double> same{10.137, 10.164, 9.643, 9.839, 10.164, 10.123, 10.045, 9.913,  10.027, 10.469,
                               9.945,  10.145, 9.896, 9.950, 10.162, 9.768,  9.939,  9.847,  9.785,  10.044,
                               10.310, 10.055, 9.905, 9.637, 10.205, 10.053, 9.842,  10.215, 10.394, 9.592};
const std::vector<double> shifted{11.162, 11.233, 11.160, 11.440, 11.172, 10.752, 12.045, 11.040, 11.408, 11.541,
                                  11.242, 10.506, 10.531, 10.814, 11.009, 10.618, 10.742, 10.878, 10.869, 11.052,
                                  11.020, 10.989, 10.830, 10.771, 10.474, 11.349, 11.054, 11.102, 10.528, 11.207};

// p-values are compared closely: both sides evaluate the same closed form through erfc.
Approx close(double x) {
  return Approx(x).epsilon(1e-9);
}

} // namespace

TEST_CASE("Mann-Whitney: identical samples give p = 1", "[stats][compare]") {
  const std::vector<double> reversed(base.rbegin(), base.rend());
  // mannwhitneyu(base, base[::-1], alternative='two-sided', method='asymptotic', use_continuity=True)
  // -> statistic 450.0, pvalue 1.0
  const auto r = mann_whitney_u(base, reversed);
  CHECK(r.u == 450.0);
  CHECK(r.p_value == 1.0);
  CHECK(r.z == 0.0);
  CHECK(r.n1 == 30);
  CHECK(r.n2 == 30);
}

TEST_CASE("Mann-Whitney: two draws of one distribution, with ties", "[stats][compare]") {
  // mannwhitneyu(base, same, ...asymptotic, continuity) -> statistic 431.5, pvalue 0.790132818434192
  const auto r = mann_whitney_u(base, same);
  CHECK(r.u == 431.5);
  CHECK(r.p_value == close(0.790132818434192));
  CHECK(r.z < 0); // U below its mean 450: base tends to be the smaller
}

TEST_CASE("Mann-Whitney: a 10% shift with 30 samples each is clear", "[stats][compare]") {
  // mannwhitneyu(base, shifted, ...) -> statistic 0.0, pvalue 3.0179667984904466e-11
  const auto r = mann_whitney_u(base, shifted);
  CHECK(r.u == 0.0);
  CHECK(r.p_value == close(3.0179667984904466e-11));
  CHECK(r.p_value < 0.01);
  CHECK(r.z < 0);
  // mannwhitneyu(shifted, base, ...) -> statistic 900.0, the same pvalue: U is of the first sample.
  const auto swapped = mann_whitney_u(shifted, base);
  CHECK(swapped.u == 900.0);
  CHECK(swapped.p_value == close(3.0179667984904466e-11));
  CHECK(swapped.z == Approx(-r.z));
  CHECK(enough_samples_for(30, 30, 0.01));
}

TEST_CASE("Mann-Whitney: a 10% shift with 3 samples each cannot be significant", "[stats][compare]") {
  const std::vector<double> a{10.162, 10.117, 9.839};
  const std::vector<double> b{11.162, 11.233, 11.160};
  // mannwhitneyu(a, b, ...) -> statistic 0.0, pvalue 0.08085559837005224: complete separation, yet p > 0.05.
  const auto r = mann_whitney_u(a, b);
  CHECK(r.u == 0.0);
  CHECK(r.p_value == close(0.08085559837005224));
  CHECK(r.p_value > 0.05);
  CHECK_FALSE(enough_samples_for(3, 3, 0.05));
}

TEST_CASE("Mann-Whitney: the tie correction matches scipy", "[stats][compare]") {
  const std::vector<double> a{1, 2, 2, 3, 3, 3, 4, 5};
  const std::vector<double> b{3, 3, 4, 4, 5, 5, 6, 7, 7};
  // mannwhitneyu(a, b, ...) -> statistic 11.0, pvalue 0.01630200829707017
  const auto r = mann_whitney_u(a, b);
  CHECK(r.u == 11.0);
  CHECK(r.p_value == close(0.01630200829707017));
  // mannwhitneyu([2,2,2], [2,2,2,2], ...) -> statistic 6.0, pvalue 1.0 (zero variance)
  const auto all_tied = mann_whitney_u(std::vector<double>{2, 2, 2}, std::vector<double>{2, 2, 2, 2});
  CHECK(all_tied.u == 6.0);
  CHECK(all_tied.p_value == 1.0);
}

TEST_CASE("enough_samples_for follows the smallest attainable p-value", "[stats][compare]") {
  // mannwhitneyu(range(n1), range(100, 100 + n2), ...) pvalues: (1,50) 0.0960, (2,8) 0.0502, (2,9) 0.0451,
  // (3,4) 0.0518, (3,5) 0.0369, (4,4) 0.0304.
  CHECK_FALSE(enough_samples_for(1, 50, 0.05));
  CHECK_FALSE(enough_samples_for(2, 8, 0.05));
  CHECK(enough_samples_for(2, 9, 0.05));
  CHECK_FALSE(enough_samples_for(3, 4, 0.05));
  CHECK(enough_samples_for(3, 5, 0.05));
  CHECK(enough_samples_for(4, 4, 0.05));
  CHECK_FALSE(enough_samples_for(4, 4, 0.03));
  CHECK_FALSE(enough_samples_for(0, 10, 0.05));
  // The smallest p of a design is what the test reports for complete separation.
  CHECK(mann_whitney_u(std::vector<double>{1, 2, 3, 4}, std::vector<double>{5, 6, 7, 8}).p_value ==
        close(0.03038282197657749));
}

TEST_CASE("Mann-Whitney rejects empty and non-finite samples", "[stats][compare]") {
  CHECK_THROWS_AS(mann_whitney_u(std::vector<double>{}, base), gbench::input_error);
  CHECK_THROWS_AS(mann_whitney_u(base, std::vector<double>{1.0, std::nan("")}), gbench::input_error);
}

TEST_CASE("bootstrap median ratio: contains the true shift, reproducible for a seed", "[stats][compare]") {
  const auto r = bootstrap_median_ratio(shifted, base, 0.95, 2000, 42);
  // numpy.median(shifted) / numpy.median(base) -> 1.1067629941802126
  CHECK(r.ratio == Approx(1.1067629941802126));
  CHECK(r.confidence == 0.95);
  // The populations differ by exactly 11/10.
  CHECK(r.low < 1.1);
  CHECK(r.high > 1.1);
  CHECK(r.low < r.ratio);
  CHECK(r.ratio < r.high);
  // Pinned so a change of generator or drawing order shows up. Cross-checked with an independent
  // Python re-implementation (std::mt19937_64 by its published recurrence, the same rejection draw,
  // numpy.quantile): 1.0858920329119002, 1.1211879845561494.
  CHECK(r.low == Approx(1.0858920329119002).epsilon(1e-12));
  CHECK(r.high == Approx(1.1211879845561494).epsilon(1e-12));

  const auto again = bootstrap_median_ratio(shifted, base, 0.95, 2000, 42);
  CHECK(again.low == r.low);
  CHECK(again.high == r.high);
  const auto other_seed = bootstrap_median_ratio(shifted, base, 0.95, 2000, 43);
  CHECK(other_seed.ratio == r.ratio);
  CHECK((other_seed.low != r.low || other_seed.high != r.high));
}

TEST_CASE("bootstrap median ratio validates its inputs", "[stats][compare]") {
  CHECK_THROWS_AS(bootstrap_median_ratio({}, base, 0.95, 100, 1), gbench::input_error);
  CHECK_THROWS_AS(bootstrap_median_ratio(base, std::vector<double>{1.0, 0.0}, 0.95, 100, 1), gbench::input_error);
  CHECK_THROWS_AS(bootstrap_median_ratio(base, base, 1.0, 100, 1), gbench::input_error);
  CHECK_THROWS_AS(bootstrap_median_ratio(base, base, 0.95, 0, 1), gbench::input_error);
}

TEST_CASE("geometric mean of ratios", "[stats][compare]") {
  // scipy.stats.gmean([1.1, 0.9, 2.0, 1.47, 3.2]) -> 1.5625232945988525
  CHECK(geometric_mean(std::vector<double>{1.1, 0.9, 2.0, 1.47, 3.2}) == Approx(1.5625232945988525).epsilon(1e-12));
  CHECK(geometric_mean(std::vector<double>{2.0, 0.5}) == Approx(1.0));
  CHECK_THROWS_AS(geometric_mean(std::vector<double>{}), gbench::input_error);
  CHECK_THROWS_AS(geometric_mean(std::vector<double>{1.0, -1.0}), gbench::input_error);
}

#pragma once

#include <cstddef>
#include <span>
#include <vector>

/// Trimmed means and the tests on them (Yuen 1974; Tukey and McLaughlin 1963; Wilcox, "Introduction to Robust
/// Estimation and Hypothesis Testing", 2017, ch. 4-5). A process or a cycle that ran through a slow episode of
/// the machine (+30% to +60% for a few hundred milliseconds) is one value far out on one side: the mean and
/// its t-test follow it, a 20%-trimmed mean does not, and the test on it keeps its level under normality while
/// losing little power (the winsorized variance stands in for the variance).
namespace gbench::stats {

/// The share cut at each end: 20%, Wilcox's recommendation; floor(trim * n) values each side.
inline constexpr double default_trim = 0.2;

/// The mean of the values left after cutting floor(trim * n) at each end.
double trimmed_mean(std::span<const double> values, double trim = default_trim);

/// The variance (n - 1) of the values after the floor(trim * n) lowest are raised to the next one and the
/// highest lowered to theirs.
double winsorized_variance(std::span<const double> values, double trim = default_trim);

/// A trimmed mean with the standard error and degrees of freedom of its t statistic.
struct trimmed_estimate {
  double estimate = 0;     ///< the trimmed mean, or the difference of two
  double se = 0;           ///< its standard error from the winsorized variance(s)
  double df = 0;           ///< h - 1, or Yuen's Welch-type degrees of freedom for two samples
  std::size_t trimmed = 0; ///< values cut at each end (of the larger sample for two)
};

/// One sample (or the differences of pairs): se = sqrt((n - 1) s_w^2 / (h (h - 1))), h = n - 2g, df = h - 1.
/// Needs two values; with fewer than five nothing is trimmed (the plain t).
trimmed_estimate trimmed_one_sample(std::span<const double> values, double trim = default_trim);

/// Two independent samples, a minus b (Yuen's test): each side's d = (n - 1) s_w^2 / (h (h - 1)), se =
/// sqrt(d_a + d_b), df = (d_a + d_b)^2 / (d_a^2 / (h_a - 1) + d_b^2 / (h_b - 1)).
trimmed_estimate trimmed_two_sample(std::span<const double> a, std::span<const double> b,
                                    double trim = default_trim);

/// Which values lie beyond the robust fences median +- limit * MAD / 0.6745 (Iglewicz and Hoaglin's modified
/// z-score above `limit`). Needs three values and a non-zero MAD; else none.
std::vector<bool> beyond_fences(std::span<const double> values, double limit = 3.5);

} // namespace gbench::stats

#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace gbench::stats {

/// Result of a two-sided Mann-Whitney U test.
struct mann_whitney {
  double u = 0;       ///< U of sample a: pairs (x in a, y in b) with x > y, ties counting one half
  double z = 0;       ///< continuity-corrected normal score; positive when a tends to be larger
  double p_value = 1; ///< two-sided
  std::size_t n1 = 0; ///< size of a
  std::size_t n2 = 0; ///< size of b
};

/// Two-sided Mann-Whitney U test of a against b by the normal approximation, with tie and continuity
/// correction: the same U and p-value as scipy.stats.mannwhitneyu(a, b, alternative='two-sided',
/// method='asymptotic', use_continuity=True).
///
/// Small samples cannot reach significance whatever the data: without ties, the smallest p-value at
/// alpha = 0.05 is 0.081 for 3 vs 3 and 0.052 for 3 vs 4; 1 vs any size never reaches it, 2 vs n needs
/// n >= 9, 3 vs n needs n >= 5, 4 vs 4 is the smallest balanced design that can (p = 0.030). Check with
/// enough_samples_for before reading "no significant difference" as "no difference".
/// Throws input_error when a sample is empty or holds a value that is not finite.
mann_whitney mann_whitney_u(std::span<const double> a, std::span<const double> b);

/// Whether samples of these sizes can give a p-value below alpha at all: the p-value of two completely
/// separated samples without ties (the smallest the test can give to continuous measurements).
/// Ties can push the approximate p-value lower, but timings are continuous and ties are rare.
bool enough_samples_for(std::size_t n1, std::size_t n2, double alpha);

/// A ratio with a percentile bootstrap interval.
struct ratio_interval {
  double ratio = 0;      ///< the point estimate from the samples themselves
  double low = 0;        ///< lower bound of the interval
  double high = 0;       ///< upper bound of the interval
  double confidence = 0; ///< e.g. 0.95
};

/// median(numerator) / median(denominator) with a percentile bootstrap interval: each resample draws
/// both groups independently with replacement (numerator first, then denominator, from one
/// std::mt19937_64 seeded with `seed`) and the bounds are quantiles of the resampled ratios (NumPy's
/// linear interpolation). The same inputs and seed give the same interval on every standard library.
/// Throws input_error when a group is empty, a value is not finite, a denominator value is not positive,
/// confidence is not in (0, 1) or resamples < 1.
ratio_interval bootstrap_median_ratio(std::span<const double> numerator, std::span<const double> denominator,
                                      double confidence, int resamples, std::uint64_t seed);

/// Geometric mean of ratios (the mean of speed-ups across batches); throws input_error when there are
/// none or one is not finite and positive.
double geometric_mean(std::span<const double> ratios);

} // namespace gbench::stats

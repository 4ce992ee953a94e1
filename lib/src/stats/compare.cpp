#include "gbench/stats/compare.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::stats {

namespace {

void require_finite(std::span<const double> values, const char* what, const char* name) {
  if (values.empty()) {
    throw input_error(fmt::format("{}: {} is empty; give at least one value", what, name));
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw input_error(fmt::format("{}: {}[{}] is {}; give finite values", what, name, i, values[i]));
    }
  }
}

// P(Z > z) for a standard normal; erfc keeps the far tail accurate where 1 - cdf would round to 0.
double normal_sf(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

// Two-sided p-value from U's distance to its mean, as scipy computes it: the continuity correction
// moves the larger of U1, U2 half a step towards the mean.
double two_sided_p(double distance, double sigma) {
  if (sigma <= 0) {
    return 1.0; // every value tied: no evidence either way
  }
  return std::clamp(2.0 * normal_sf((distance - 0.5) / sigma), 0.0, 1.0);
}

double sigma_of_u(double n1, double n2, double tie_term) {
  const double n = n1 + n2;
  const double var = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
  return var > 0 ? std::sqrt(var) : 0.0;
}

// A uniform index in [0, n) from the engine's raw 64-bit output, by rejection so every index is equally
// likely. std::uniform_int_distribution is not used because its algorithm differs between standard
// libraries, and the interval must not change with the toolchain.
std::size_t uniform_index(std::mt19937_64& engine, std::size_t n) {
  const auto range = static_cast<std::uint64_t>(n);
  // 2^64 mod range: drawing below it would favour small indices.
  const std::uint64_t threshold = (std::uint64_t{0} - range) % range;
  for (;;) {
    const std::uint64_t x = engine();
    if (x >= threshold) {
      return static_cast<std::size_t>(x % range);
    }
  }
}

double resampled_median(std::span<const double> values, std::vector<double>& scratch, std::mt19937_64& engine) {
  scratch.resize(values.size());
  for (double& x : scratch) {
    x = values[uniform_index(engine, values.size())];
  }
  return median_in_place(scratch);
}

} // namespace

mann_whitney mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  require_finite(a, "mann_whitney_u", "sample a");
  require_finite(b, "mann_whitney_u", "sample b");
  const std::size_t n1 = a.size();
  const std::size_t n2 = b.size();

  // Rank the pooled samples, ties sharing the mean of their ranks; remember which values came from a.
  std::vector<std::pair<double, bool>> pooled;
  pooled.reserve(n1 + n2);
  for (const double x : a) {
    pooled.emplace_back(x, true);
  }
  for (const double x : b) {
    pooled.emplace_back(x, false);
  }
  std::sort(pooled.begin(), pooled.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  double rank_sum_a = 0;
  double tie_term = 0; // sum of t^3 - t over groups of t tied values
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) {
      ++j;
    }
    const double t = static_cast<double>(j - i);
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second) {
        rank_sum_a += mean_rank;
      }
    }
    tie_term += t * t * t - t;
    i = j;
  }

  const double d1 = static_cast<double>(n1);
  const double d2 = static_cast<double>(n2);
  mann_whitney r;
  r.n1 = n1;
  r.n2 = n2;
  r.u = rank_sum_a - d1 * (d1 + 1.0) / 2.0;
  const double mean_u = d1 * d2 / 2.0;
  const double sigma = sigma_of_u(d1, d2, tie_term);
  const double distance = std::abs(r.u - mean_u);
  r.p_value = two_sided_p(distance, sigma);
  if (sigma > 0 && distance > 0.5) {
    r.z = std::copysign((distance - 0.5) / sigma, r.u - mean_u);
  }
  return r;
}

bool enough_samples_for(std::size_t n1, std::size_t n2, double alpha) {
  if (n1 == 0 || n2 == 0) {
    return false;
  }
  const double d1 = static_cast<double>(n1);
  const double d2 = static_cast<double>(n2);
  // Complete separation puts U at 0 or n1*n2, as far from its mean as it can be.
  return two_sided_p(d1 * d2 / 2.0, sigma_of_u(d1, d2, 0.0)) < alpha;
}

ratio_interval bootstrap_median_ratio(std::span<const double> numerator, std::span<const double> denominator,
                                      double confidence, int resamples, std::uint64_t seed) {
  const char* what = "bootstrap_median_ratio";
  require_finite(numerator, what, "numerator");
  require_finite(denominator, what, "denominator");
  for (std::size_t i = 0; i < denominator.size(); ++i) {
    if (denominator[i] <= 0) {
      throw input_error(
          fmt::format("{}: denominator[{}] is {}; the ratio needs positive values (times)", what, i, denominator[i]));
    }
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw input_error(fmt::format("{}: confidence {} is outside (0, 1); use e.g. 0.95", what, confidence));
  }
  if (resamples < 1) {
    throw input_error(fmt::format("{}: resamples is {}; use at least 1 (e.g. 2000)", what, resamples));
  }

  std::vector<double> scratch(numerator.begin(), numerator.end());
  const double num_median = median_in_place(scratch);
  scratch.assign(denominator.begin(), denominator.end());
  const double den_median = median_in_place(scratch);

  std::mt19937_64 engine(seed);
  std::vector<double> ratios;
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    const double num = resampled_median(numerator, scratch, engine);
    const double den = resampled_median(denominator, scratch, engine);
    ratios.push_back(num / den);
  }
  std::sort(ratios.begin(), ratios.end());
  const double tail = (1.0 - confidence) / 2.0;
  return {.ratio = num_median / den_median,
          .low = quantile_sorted(ratios, tail),
          .high = quantile_sorted(ratios, 1.0 - tail),
          .confidence = confidence};
}

double geometric_mean(std::span<const double> ratios) {
  if (ratios.empty()) {
    throw input_error("geometric_mean: no ratios; give at least one");
  }
  double log_sum = 0;
  for (std::size_t i = 0; i < ratios.size(); ++i) {
    if (!std::isfinite(ratios[i]) || ratios[i] <= 0) {
      throw input_error(
          fmt::format("geometric_mean: ratios[{}] is {}; ratios must be finite and positive", i, ratios[i]));
    }
    // Summing logs rather than multiplying keeps long lists of large or small ratios from overflowing.
    log_sum += std::log(ratios[i]);
  }
  return std::exp(log_sum / static_cast<double>(ratios.size()));
}

} // namespace gbench::stats

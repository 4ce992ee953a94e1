#include "gbench/stats/drift.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gbench/stats/summary.hpp"

namespace gbench::stats {

steady_state::steady_state(double tolerance, int stable_blocks)
    : tolerance_(tolerance), stable_blocks_(std::max(1, stable_blocks)) {}

bool steady_state::add_block(double median) {
  ++blocks_;
  if (reached_) {
    return true;
  }
  medians_.push_back(median);
  const auto k = static_cast<std::size_t>(stable_blocks_);
  if (medians_.size() >= 2 * k) {
    const auto end = medians_.end();
    const double last = stats::median(std::vector<double>(end - static_cast<std::ptrdiff_t>(k), end));
    const double before = stats::median(std::vector<double>(end - static_cast<std::ptrdiff_t>(2 * k),
                                                        end - static_cast<std::ptrdiff_t>(k)));
    reached_ = last >= before * (1.0 - tolerance_); // no longer getting faster
  }
  return reached_;
}

bool trend::flagged(double alpha, double min_drift) const {
  return p_value < alpha && std::abs(relative_drift) > min_drift;
}

trend mann_kendall(std::span<const double> values) {
  trend t;
  t.points = values.size();
  const std::size_t n = values.size();
  if (n < 4) {
    return t;
  }
  double s = 0;
  std::vector<double> slopes;
  slopes.reserve(n * (n - 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double d = values[j] - values[i];
      s += (d > 0) - (d < 0);
      slopes.push_back(d / static_cast<double>(j - i));
    }
  }
  // Tie correction: groups of equal values.
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  double ties = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && sorted[j] == sorted[i]) {
      ++j;
    }
    const auto g = static_cast<double>(j - i);
    ties += g * (g - 1) * (2 * g + 5);
    i = j;
  }
  const auto dn = static_cast<double>(n);
  const double var = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18.0;
  if (var > 0 && s != 0) {
    t.z = (s - (s > 0 ? 1.0 : -1.0)) / std::sqrt(var);
    t.p_value = std::clamp(std::erfc(std::abs(t.z) / std::sqrt(2.0)), 0.0, 1.0);
  }
  const double median = stats::median(std::vector<double>(values.begin(), values.end()));
  if (median > 0) {
    t.relative_drift = stats::median(slopes) * (dn - 1) / median;
  }
  return t;
}

} // namespace gbench::stats

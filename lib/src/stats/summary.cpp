#include "gbench/stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gbench::stats {

void welford::add(double x) {
  ++n_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
}

double welford::variance() const { return n_ < 2 ? 0.0 : m2_ / static_cast<double>(n_ - 1); }

double welford::stddev() const { return std::sqrt(variance()); }

double quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) {
    throw std::invalid_argument("quantile of no values");
  }
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

summary summarize(std::span<const double> samples) {
  if (samples.empty()) {
    throw std::invalid_argument("summary of no samples");
  }
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  welford w;
  for (const double x : samples) {
    w.add(x);
  }
  summary s;
  s.count = static_cast<std::int64_t>(sorted.size());
  s.min = sorted.front();
  s.max = sorted.back();
  s.mean = w.mean();
  s.median = quantile_sorted(sorted, 0.5);
  s.p90 = quantile_sorted(sorted, 0.90);
  s.p99 = quantile_sorted(sorted, 0.99);
  s.q1 = quantile_sorted(sorted, 0.25);
  s.q3 = quantile_sorted(sorted, 0.75);
  s.iqr = s.q3 - s.q1;
  s.stddev = w.stddev();
  s.cv = s.mean != 0 ? s.stddev / s.mean : 0;
  return s;
}

} // namespace gbench::stats

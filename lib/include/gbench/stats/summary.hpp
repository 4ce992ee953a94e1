#pragma once

#include <cstdint>
#include <span>
#include <vector>


namespace gbench::stats {

/// Running mean and variance (Welford), numerically stable in one pass.
class welford {
public:
  void add(double x);
  [[nodiscard]] std::int64_t count() const { return n_; }
  [[nodiscard]] double mean() const { return mean_; }
  /// Sample variance (n-1); 0 with fewer than two values.
  [[nodiscard]] double variance() const;
  [[nodiscard]] double stddev() const;

private:
  std::int64_t n_ = 0;
  double mean_ = 0;
  double m2_ = 0;
};

/// The q-quantile (0..1) of sorted values, linear interpolation between closest ranks (NumPy's default).
double quantile_sorted(std::span<const double> sorted, double q);

/// Statistics of one set of timing samples, in the samples' unit.
struct summary {
  std::int64_t count = 0;
  double min = 0;
  double max = 0;
  double mean = 0;
  double median = 0;
  double p90 = 0;
  double p99 = 0;
  double q1 = 0;
  double q3 = 0;
  double iqr = 0;
  double stddev = 0;
  double cv = 0; ///< stddev / mean
};

/// Summarises samples; throws std::invalid_argument when there are none.
summary summarize(std::span<const double> samples);

} // namespace gbench::stats

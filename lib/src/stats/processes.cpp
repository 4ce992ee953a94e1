#include "gbench/stats/processes.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <limits>
#include <random>
#include <tuple>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/stats/distributions.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::stats {

namespace {

// Draws from the engine's raw output only: std:: distributions differ between standard libraries, and the
// same report must give the same interval everywhere.
double uniform01(std::mt19937_64& engine) {
  return (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53; // in (0, 1)
}

double standard_normal(std::mt19937_64& engine) {
  // Box-Muller, one of the pair.
  const double u1 = uniform01(engine);
  const double u2 = uniform01(engine);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
}

double sorted_median(std::vector<double>& v) { return median_in_place(v); }

void check_group(std::span<const process_samples> group, const char* what) {
  if (group.empty()) {
    throw input_error(fmt::format("{}: no processes; give at least one", what));
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (group[i].samples.empty()) {
      throw input_error(fmt::format("{}: process {} has no samples", what, i + 1));
    }
    for (const double x : group[i].samples) {
      if (!std::isfinite(x) || x <= 0) {
        throw input_error(fmt::format("{}: process {} holds {}; timings must be finite and positive", what, i + 1, x));
      }
    }
  }
}

// A process prepared for resampling: each chunk's samples sorted.
struct sorted_process {
  std::vector<std::vector<double>> chunks;
};

std::vector<sorted_process> prepare(std::span<const process_samples> group) {
  std::vector<sorted_process> out;
  out.reserve(group.size());
  for (const auto& p : group) {
    sorted_process s;
    const std::size_t size = p.chunk_size == 0 ? p.samples.size() : p.chunk_size;
    for (std::size_t begin = 0; begin < p.samples.size(); begin += size) {
      const std::size_t end = std::min(p.samples.size(), begin + size);
      std::vector<double> chunk(p.samples.begin() + static_cast<std::ptrdiff_t>(begin),
                                p.samples.begin() + static_cast<std::ptrdiff_t>(end));
      std::sort(chunk.begin(), chunk.end());
      s.chunks.push_back(std::move(chunk));
    }
    out.push_back(std::move(s));
  }
  return out;
}

constexpr std::size_t direct_resample_limit = 200;

// The median of a resample (with replacement) of a sorted chunk. Large chunks: the resampled median is
// asymptotically normal around the median with the spread of the quantile rank, 1 / (2 sqrt(n)); drawing
// the rank saves resampling thousands of values per chunk.
double resampled_median(const std::vector<double>& sorted, std::mt19937_64& engine, std::vector<double>& scratch) {
  const std::size_t n = sorted.size();
  if (n <= direct_resample_limit) {
    scratch.resize(n);
    for (double& x : scratch) {
      x = sorted[uniform_index(engine, n)];
    }
    return sorted_median(scratch);
  }
  const double q = std::clamp(0.5 + standard_normal(engine) / (2.0 * std::sqrt(static_cast<double>(n))), 0.0, 1.0);
  return quantile_sorted(sorted, q);
}

// A process's estimate (lowest chunk median) over a resample of each of its chunks.
double resampled_lowest(const sorted_process& p, std::mt19937_64& engine, std::vector<double>& scratch) {
  double lowest = std::numeric_limits<double>::infinity();
  for (const auto& chunk : p.chunks) {
    lowest = std::min(lowest, resampled_median(chunk, engine, scratch));
  }
  return lowest;
}

double resampled_estimate(const std::vector<sorted_process>& group, std::mt19937_64& engine,
                          std::vector<double>& scratch) {
  double sum = 0;
  for (std::size_t i = 0; i < group.size(); ++i) {
    sum += resampled_lowest(group[uniform_index(engine, group.size())], engine, scratch);
  }
  return sum / static_cast<double>(group.size());
}

std::vector<double> estimates_of(std::span<const process_samples> group) {
  std::vector<double> out;
  out.reserve(group.size());
  for (const auto& p : group) {
    out.push_back(process_estimate(p));
  }
  return out;
}

double mean_of(std::span<const double> v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

// Percentile interval of positive draws, recentred (in logs) so that its median is the point estimate. The
// lowest of several resampled chunk medians is biased low (resampling adds spread to every chunk median, and
// the minimum picks the luckiest), so the raw percentiles can miss the estimate altogether; the spread of the
// draws is what the bootstrap gets right, their location is not.
std::pair<double, double> percentile_interval(std::vector<double>& draws, double estimate, double confidence) {
  std::sort(draws.begin(), draws.end());
  const double shift = estimate / quantile_sorted(draws, 0.5);
  const double tail = (1.0 - confidence) / 2.0;
  return {quantile_sorted(draws, tail) * shift, quantile_sorted(draws, 1.0 - tail) * shift};
}

void check_options(const process_test_options& o) {
  if (!(o.alpha > 0 && o.alpha < 1) || !(o.confidence > 0 && o.confidence < 1) || !(o.power > 0 && o.power < 1) ||
      o.resamples < 1) {
    throw input_error(fmt::format("process statistics: alpha {}, confidence {}, power {} must be in (0, 1) and "
                                  "resamples {} at least 1",
                                  o.alpha, o.confidence, o.power, o.resamples));
  }
}

} // namespace

std::vector<double> chunk_medians(std::span<const double> samples, std::size_t chunk_size) {
  std::vector<double> out;
  const std::size_t size = chunk_size == 0 ? samples.size() : chunk_size;
  for (std::size_t begin = 0; begin < samples.size(); begin += size) {
    const std::size_t end = std::min(samples.size(), begin + size);
    std::vector<double> chunk(samples.begin() + static_cast<std::ptrdiff_t>(begin),
                              samples.begin() + static_cast<std::ptrdiff_t>(end));
    out.push_back(sorted_median(chunk));
  }
  return out;
}

double process_estimate(const process_samples& p) {
  if (p.samples.empty()) {
    throw input_error("process_estimate: a process without samples");
  }
  const auto medians = chunk_medians(p.samples, p.chunk_size);
  return *std::min_element(medians.begin(), medians.end());
}

double variance_components::between_cv() const { return grand_mean > 0 ? std::sqrt(between) / grand_mean : 0; }
double variance_components::within_cv() const { return grand_mean > 0 ? std::sqrt(within) / grand_mean : 0; }

variance_components estimate_components(std::span<const process_samples> group) {
  check_group(group, "estimate_components");
  variance_components c;
  c.processes = group.size();
  std::vector<std::vector<double>> medians;
  double total_samples = 0;
  for (const auto& p : group) {
    medians.push_back(chunk_medians(p.samples, p.chunk_size));
    c.chunks += medians.back().size();
    total_samples += static_cast<double>(p.samples.size());
  }
  c.samples_per_chunk = total_samples / static_cast<double>(c.chunks);
  double sum = 0;
  for (const auto& m : medians) {
    sum += std::accumulate(m.begin(), m.end(), 0.0);
  }
  const auto n = static_cast<double>(c.chunks);
  const auto k = static_cast<double>(c.processes);
  c.grand_mean = sum / n;
  double ss_between = 0;
  double ss_within = 0;
  double sum_sq_sizes = 0;
  for (const auto& m : medians) {
    const double mean = mean_of(m);
    const auto ni = static_cast<double>(m.size());
    ss_between += ni * (mean - c.grand_mean) * (mean - c.grand_mean);
    for (const double x : m) {
      ss_within += (x - mean) * (x - mean);
    }
    sum_sq_sizes += ni * ni;
  }
  const double ms_within = n > k ? ss_within / (n - k) : 0.0;
  c.within = ms_within;
  if (k >= 2) {
    const double ms_between = ss_between / (k - 1);
    // The effective chunks per process of an unbalanced design (Searle's n0).
    const double n0 = (n - sum_sq_sizes / n) / (k - 1);
    c.between = std::max(0.0, (ms_between - ms_within) / n0);
  }
  return c;
}

group_estimate estimate_group(std::span<const process_samples> group, const process_test_options& o) {
  check_group(group, "estimate_group");
  check_options(o);
  group_estimate g;
  g.process_estimates = estimates_of(group);
  g.estimate = mean_of(g.process_estimates);
  g.components = estimate_components(group);
  const auto prepared = prepare(group);
  std::mt19937_64 engine(o.seed);
  std::vector<double> draws;
  std::vector<double> scratch;
  draws.reserve(static_cast<std::size_t>(o.resamples));
  for (int i = 0; i < o.resamples; ++i) {
    draws.push_back(resampled_estimate(prepared, engine, scratch));
  }
  std::tie(g.ci_low, g.ci_high) = percentile_interval(draws, g.estimate, o.confidence);
  return g;
}

double log_variance(std::span<const double> values) {
  if (values.size() < 2) {
    return 0;
  }
  welford w;
  for (const double x : values) {
    w.add(std::log(x));
  }
  return w.variance();
}

int optimal_chunks(const variance_components& c, double process_overhead_s, double chunk_s, int min_chunks,
                   int max_chunks) {
  if (c.between <= 0 || chunk_s <= 0) {
    return max_chunks; // all the variance is within processes: longer processes pay
  }
  // Var(mean) = between / R + within / (R k); cost R (overhead + k chunk). Minimising the cost at fixed
  // variance gives k = sqrt(overhead / chunk * within / between).
  const double k = std::sqrt(std::max(0.0, process_overhead_s) / chunk_s * c.within / c.between);
  return std::clamp(static_cast<int>(std::ceil(k)), min_chunks, max_chunks);
}

} // namespace gbench::stats

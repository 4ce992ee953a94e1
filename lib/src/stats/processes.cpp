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

// Indices (into a, b) of the processes that ran in the same round, in round order, when the groups pair:
// every process has a round, no round holds two processes of one group, both groups hold the same rounds,
// and there are two or more. Else empty.
std::vector<std::pair<std::size_t, std::size_t>> pairs_by_round(std::span<const process_samples> a,
                                                                std::span<const process_samples> b) {
  if (a.size() != b.size() || a.size() < 2) {
    return {};
  }
  const auto by_round = [](std::span<const process_samples> g) {
    std::vector<std::pair<std::size_t, std::size_t>> out; // (round, index)
    for (std::size_t i = 0; i < g.size(); ++i) {
      out.emplace_back(g[i].round, i);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto ra = by_round(a);
  const auto rb = by_round(b);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t k = 0; k < ra.size(); ++k) {
    const bool repeated = k > 0 && (ra[k].first == ra[k - 1].first || rb[k].first == rb[k - 1].first);
    if (ra[k].first == 0 || ra[k].first != rb[k].first || repeated) {
      return {};
    }
    pairs.emplace_back(ra[k].second, rb[k].second);
  }
  return pairs;
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

group_comparison compare_groups(std::span<const process_samples> a, std::span<const process_samples> b,
                                const process_test_options& o) {
  check_group(a, "compare_groups (first group)");
  check_group(b, "compare_groups (second group)");
  check_options(o);
  group_comparison r;
  const auto est_a = estimates_of(a);
  const auto est_b = estimates_of(b);
  r.ratio = mean_of(est_a) / mean_of(est_b);

  const auto prep_a = prepare(a);
  const auto prep_b = prepare(b);
  const auto pairs = pairs_by_round(a, b);
  r.paired = !pairs.empty();
  std::mt19937_64 engine(o.seed);
  std::vector<double> draws;
  std::vector<double> scratch;
  draws.reserve(static_cast<std::size_t>(o.resamples));
  for (int i = 0; i < o.resamples; ++i) {
    if (r.paired) {
      // Rounds are drawn, each with both of its processes, so the drift they shared stays shared.
      double num = 0;
      double den = 0;
      for (std::size_t k = 0; k < pairs.size(); ++k) {
        const auto& [ia, ib] = pairs[uniform_index(engine, pairs.size())];
        num += resampled_lowest(prep_a[ia], engine, scratch);
        den += resampled_lowest(prep_b[ib], engine, scratch);
      }
      draws.push_back(num / den);
    } else {
      const double num = resampled_estimate(prep_a, engine, scratch);
      draws.push_back(num / resampled_estimate(prep_b, engine, scratch));
    }
  }
  std::tie(r.ci_low, r.ci_high) = percentile_interval(draws, r.ratio, o.confidence);

  r.log_var_a = log_variance(est_a);
  r.log_var_b = log_variance(est_b);
  if (est_a.size() >= 2 && est_b.size() >= 2) {
    const auto na = static_cast<double>(est_a.size());
    const auto nb = static_cast<double>(est_b.size());
    std::vector<double> log_a;
    std::vector<double> log_b;
    for (const double x : est_a) {
      log_a.push_back(std::log(x));
    }
    for (const double x : est_b) {
      log_b.push_back(std::log(x));
    }
    const double diff = mean_of(log_a) - mean_of(log_b);
    double se = 0;
    if (r.paired) {
      welford w;
      for (const auto& [ia, ib] : pairs) {
        w.add(log_a[ia] - log_b[ib]);
      }
      r.log_var_diff = w.variance();
      se = std::sqrt(r.log_var_diff / na);
      r.df = na - 1;
    } else {
      const double va = r.log_var_a / na;
      const double vb = r.log_var_b / nb;
      se = std::sqrt(va + vb);
      r.df = se > 0 ? (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1)) : na + nb - 2;
    }
    if (se > 0) {
      r.p_value = std::min(1.0, 2.0 * student_t_sf(std::abs(diff) / se, *r.df));
      const double t_conf = student_t_quantile(1.0 - (1.0 - o.confidence) / 2.0, *r.df);
      // The interval is for the ratio of geometric means of process estimates; centred on the ratio of
      // arithmetic means it would not be symmetric in logs, so it is reported as computed.
      r.t_low = std::exp(diff - t_conf * se);
      r.t_high = std::exp(diff + t_conf * se);
      const double t_alpha = student_t_upper_quantile(o.alpha / 2.0, *r.df);
      const double t_power = student_t_quantile(o.power, *r.df);
      r.mde = std::exp((t_alpha + t_power) * se) - 1.0;
    } else {
      // Identical process estimates on both sides: no spread to test against. Either the groups equal each
      // other exactly or they differ without any noise at all.
      r.p_value = diff == 0 ? 1.0 : 0.0;
      r.t_low = r.t_high = std::exp(diff);
      r.mde = 0.0;
    }
  }
  const bool excludes_one = r.ci_low > 1.0 || r.ci_high < 1.0;
  r.significant = r.p_value && *r.p_value < o.alpha && excludes_one;
  return r;
}

int processes_for(double var, int sides, double target, double alpha, double power, int cap) {
  if (!(target > 0)) {
    return cap;
  }
  const double goal = std::log1p(target);
  for (int n = 2; n <= cap; ++n) {
    const double df = sides * (n - 1.0);
    const double factor = student_t_upper_quantile(alpha / 2.0, df) + student_t_quantile(power, df);
    if (factor * std::sqrt(var / n) <= goal) {
      return n;
    }
  }
  return cap;
}

int processes_needed(double var_a, double var_b, double target, double alpha, double power, int cap) {
  return processes_for(var_a + var_b, 2, target, alpha, power, cap);
}

int processes_needed(const group_comparison& c, double target, double alpha, double power, int cap) {
  return c.paired ? processes_for(c.log_var_diff, 1, target, alpha, power, cap)
                  : processes_for(c.log_var_a + c.log_var_b, 2, target, alpha, power, cap);
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

#include "gbench/serve/latency.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "gbench/stats/distributions.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::serve {

namespace {

// The k-th smallest (0-based) of the union: the smallest value of `all_sorted` with more than k values at or
// below it.
std::int64_t order_statistic(const std::vector<std::vector<std::int64_t>>& slices, const std::vector<int>& times,
                             const std::vector<std::int64_t>& all_sorted, std::int64_t k) {
  std::size_t lo = 0;
  std::size_t hi = all_sorted.size() - 1;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    std::int64_t at_most = 0;
    for (std::size_t i = 0; i < slices.size(); ++i) {
      if (times[i] > 0) {
        const auto n = std::upper_bound(slices[i].begin(), slices[i].end(), all_sorted[mid]) - slices[i].begin();
        at_most += times[i] * static_cast<std::int64_t>(n);
      }
    }
    if (at_most > k) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return all_sorted[lo];
}

// A percentile interval of the bootstrap's values; unbounded above when its upper end is.
std::optional<std::array<double, 2>> interval_of(std::vector<double> values) {
  if (values.size() < 2) {
    return std::nullopt;
  }
  std::sort(values.begin(), values.end());
  const double low = stats::quantile_sorted(values, 0.025);
  const double high = stats::quantile_sorted(values, 0.975);
  if (!std::isfinite(low) || !std::isfinite(high)) {
    return std::nullopt;
  }
  return std::array<double, 2>{low, high};
}

struct slices_of_window {
  std::vector<std::vector<std::int64_t>> latency; // per slice, sorted, ns
  std::vector<std::int64_t> all;                  // every latency, sorted
};

slices_of_window slice_latencies(const load_outcome& o, int windows) {
  slices_of_window s;
  s.latency.resize(static_cast<std::size_t>(std::max(1, windows)));
  for (const auto& r : o.measured) {
    const auto offset = std::max<std::int64_t>(0, r.arrival - o.window_start_ns);
    const auto slice = o.window_ns > 0
                           ? std::min<std::int64_t>(offset * static_cast<std::int64_t>(s.latency.size()) / o.window_ns,
                                                    static_cast<std::int64_t>(s.latency.size()) - 1)
                           : 0;
    const auto latency = r.done >= 0 ? r.done - r.arrival : unbounded;
    s.latency[static_cast<std::size_t>(slice)].push_back(latency);
    s.all.push_back(latency);
  }
  for (auto& v : s.latency) {
    std::sort(v.begin(), v.end());
  }
  std::sort(s.all.begin(), s.all.end());
  return s;
}

// The four latency percentiles and throughput, each with its bootstrap interval over the slices.
void estimate(const load_outcome& o, const summary_options& opt, int windows, point& p) {
  const auto s = slice_latencies(o, windows);
  const std::vector<int> once(s.latency.size(), 1);
  constexpr std::array<double, 4> qs{0.50, 0.90, 0.99, 0.999};
  std::array<figure*, 4> out{&p.latency_ms.p50, &p.latency_ms.p90, &p.latency_ms.p99, &p.latency_ms.p999};
  std::array<std::vector<double>, 4> resampled;
  std::vector<double> throughputs;
  const double slice_s = 1e-9 * static_cast<double>(o.window_ns) / static_cast<double>(s.latency.size());
  std::mt19937_64 engine(opt.seed);
  std::vector<int> times(s.latency.size());
  for (int b = 0; b < opt.resamples && !s.all.empty(); ++b) {
    std::fill(times.begin(), times.end(), 0);
    double completed = 0;
    for (std::size_t i = 0; i < times.size(); ++i) {
      const auto k = stats::uniform_index(engine, times.size());
      ++times[k];
      completed += k < o.completions.size() ? static_cast<double>(o.completions[k]) : 0.0;
    }
    throughputs.push_back(slice_s > 0 ? completed / (slice_s * static_cast<double>(times.size())) : 0.0);
    for (std::size_t q = 0; q < qs.size(); ++q) {
      const auto v = pooled_quantile(s.latency, times, s.all, qs[q]);
      resampled[q].push_back(v ? *v * 1e-6 : INFINITY);
    }
  }
  for (std::size_t q = 0; q < qs.size(); ++q) {
    const auto v = pooled_quantile(s.latency, once, s.all, qs[q]);
    out[q]->value = v ? std::optional<double>(*v * 1e-6) : std::nullopt;
    out[q]->ci95 = out[q]->value ? interval_of(resampled[q]) : std::nullopt;
  }
  double completed = 0;
  for (const auto c : o.completions) {
    completed += static_cast<double>(c);
  }
  // A load that stopped early served over the part of the window that passed; its slices after that are empty,
  // so its interval would mean nothing.
  p.throughput.value = o.elapsed_ns > 0 ? completed / (1e-9 * static_cast<double>(o.elapsed_ns)) : 0.0;
  p.throughput.ci95 = o.elapsed_ns == o.window_ns ? interval_of(throughputs) : std::nullopt;
}

// p50 and p99 of what was measured, in ms.
std::map<std::string, double> two_quantiles(std::vector<double> ns) {
  if (ns.empty()) {
    return {};
  }
  std::sort(ns.begin(), ns.end());
  return {{"p50", stats::quantile_sorted(ns, 0.5) * 1e-6}, {"p99", stats::quantile_sorted(ns, 0.99) * 1e-6}};
}

void tally(const load_outcome& o, const summary_options& opt, point& p) {
  std::vector<double> service;
  std::vector<double> queued;
  std::vector<double> busy(opt.workers, 0.0);
  std::vector<std::int64_t> done(opt.workers, 0);
  double latency_sum = 0;
  for (const auto& r : o.measured) {
    p.samples.arrival_us.push_back((r.arrival - o.window_start_ns) / 1000);
    p.samples.latency_us.push_back(r.done >= 0 ? (r.done - r.arrival) / 1000 : -1);
    p.samples.service_us.push_back(r.done >= 0 ? r.service / 1000 : -1);
    p.samples.worker.push_back(r.worker);
    if (r.dispatch >= 0) {
      queued.push_back(static_cast<double>(r.dispatch - r.arrival));
    }
    if (r.done < 0) {
      continue;
    }
    ++p.completed;
    latency_sum += static_cast<double>(r.done - r.arrival);
    service.push_back(static_cast<double>(r.service));
    if (r.worker >= 0 && static_cast<std::size_t>(r.worker) < opt.workers) {
      busy[static_cast<std::size_t>(r.worker)] += static_cast<double>(r.service);
      ++done[static_cast<std::size_t>(r.worker)];
    }
  }
  p.arrived = static_cast<std::int64_t>(o.measured.size());
  p.mean_latency_ms = p.completed > 0 ? latency_sum / static_cast<double>(p.completed) * 1e-6 : 0.0;
  p.service_ms = two_quantiles(std::move(service));
  p.queue_ms = two_quantiles(std::move(queued));
  for (std::size_t w = 0; w < opt.workers; ++w) {
    p.workers.push_back(
        {.worker = static_cast<int>(w),
         .completed = done[w],
         .share = p.completed > 0 ? static_cast<double>(done[w]) / static_cast<double>(p.completed) : 0.0,
         .busy = o.window_ns > 0 ? busy[w] / static_cast<double>(o.window_ns) : 0.0});
  }
}

} // namespace

std::optional<double> pooled_quantile(const std::vector<std::vector<std::int64_t>>& slices,
                                      const std::vector<int>& times, const std::vector<std::int64_t>& all_sorted,
                                      double q) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < slices.size(); ++i) {
    n += times[i] * static_cast<std::int64_t>(slices[i].size());
  }
  if (n == 0) {
    return std::nullopt;
  }
  const double h = static_cast<double>(n - 1) * q;
  const auto k = static_cast<std::int64_t>(std::floor(h));
  const auto below = order_statistic(slices, times, all_sorted, k);
  const auto above = k + 1 < n ? order_statistic(slices, times, all_sorted, k + 1) : below;
  const double frac = h - static_cast<double>(k);
  if (below == unbounded || (frac > 0 && above == unbounded)) {
    return std::nullopt;
  }
  return static_cast<double>(below) + frac * static_cast<double>(above - below);
}

point summarize(const load_spec& spec, const load_outcome& outcome, const summary_options& options) {
  point p;
  p.load = spec.open ? "open" : "closed";
  if (spec.open) {
    p.rate = spec.rate;
  } else {
    p.concurrency = spec.concurrency;
  }
  p.warmup_s = spec.warmup_s;
  p.window_s = 1e-9 * static_cast<double>(outcome.window_ns);
  p.windows = std::max(1, spec.windows);
  tally(outcome, options, p);
  estimate(outcome, options, p.windows, p);
  p.samples_per_s = p.throughput.value.value_or(0) * static_cast<double>(options.batch);
  p.parent_cpu = p.window_s > 0 ? outcome.parent_cpu_s / p.window_s : 0.0;
  p.stopped = outcome.stopped;
  if (options.target_ms) {
    p.meets_target = outcome.stopped.empty() && p.latency_ms.p99.value && *p.latency_ms.p99.value <= *options.target_ms;
  }
  return p;
}

} // namespace gbench::serve

#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "gbench/serve/load.hpp"
#include "gbench/serve/result.hpp"

/// From a load's requests to a point's figures: latency percentiles and throughput, each with a 95% interval
/// from a bootstrap over the window's slices (docs/serve.md, "Intervals").
namespace gbench::serve {

/// Stands for a request that never completed: longer than any that did.
inline constexpr std::int64_t unbounded = INT64_MAX;

/// The q-quantile of the union of `slices` (each sorted, `unbounded` allowed), slice i taken `times[i]` times,
/// interpolated linearly between neighbouring order statistics as NumPy's default; `all_sorted` is every value
/// of every slice, sorted. None when the quantile needs a request that never completed, or the union is empty.
std::optional<double> pooled_quantile(const std::vector<std::vector<std::int64_t>>& slices,
                                      const std::vector<int>& times, const std::vector<std::int64_t>& all_sorted,
                                      double q);

/// What summarize needs besides the load.
struct summary_options {
  std::size_t workers = 1;
  std::int64_t batch = 1;
  int resamples = 1000;   ///< bootstrap resamples of the window's slices
  std::uint64_t seed = 0; ///< of the bootstrap
  std::optional<double> target_ms;
};

/// The point of a load: throughput from the completions in the window, latency percentiles over the requests
/// that arrived in it (those that never completed count as longer than any), the workers' own service time and
/// the queueing, each worker's share and busy time, and every request's times (result.hpp). The intervals
/// resample the window's slices with replacement, the requests of a slice together: neighbouring requests share
/// the machine's speed and the queue, and the slices keep that.
point summarize(const load_spec& spec, const load_outcome& outcome, const summary_options& options);

} // namespace gbench::serve

#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "gbench/serve/load.hpp"
#include "gbench/serve/result.hpp"

/// Which loads a split is measured under, and the search for the highest rate within a p99 target
/// (docs/serve.md, "What it measures").
namespace gbench::serve {

enum class mode {
  search, ///< --p99: the closed-loop peak, then a bisection over the open loop's rate
  closed, ///< --concurrency: one closed loop
  open,   ///< --rate: one open loop per rate
  curve,  ///< none of them: the peak, then open loops at fractions of it
};

std::string_view name_of(mode m);

struct search_options {
  serve::mode mode = mode::curve;
  std::optional<int> concurrency;                    ///< the closed loop's; default: one request per worker
  std::vector<double> rates;                         ///< open
  std::optional<double> target_ms;                   ///< p99 target
  int steps = 6;                                     ///< bisection steps: the rate is found within peak / 2^steps
  std::vector<double> fractions{0.5, 0.7, 0.8, 0.9}; ///< curve: open loops at these fractions of the peak
  load_spec base;                                    ///< warm-up, window, seed
};

/// Measures one load on the split's workers (the session: the load generator on worker processes; tests: a
/// model); none when the split can measure no more (interrupted, or no worker left).
using measure_fn = std::function<std::optional<point>(const load_spec&)>;

/// Runs the loads of the mode on `out` (a split of out.processes workers), appending each point as it is
/// measured; each load gets a seed of its own from options.base.seed. The search first measures the closed-loop
/// peak, then halves the interval of rates (0, peak] `steps` times: a rate whose p99 is within the target raises
/// the lower end, one above it lowers the upper end. Sets out.best.
void measure_split(split_result& out, const search_options& options, const measure_fn& measure);

/// The best of a split's points: with a target, the open-loop point of the highest throughput whose p99 is
/// within it (none when no point is); without one, the point of the highest throughput.
std::optional<std::size_t> best_point(const std::vector<point>& points, std::optional<double> target_ms);

} // namespace gbench::serve

#pragma once

#include <cstddef>
#include <span>
#include <vector>

/// Warm-up, drift and outlier processes: what a process's samples say about whether they measure one steady
/// state.
namespace gbench::stats {

/// Decides when warm-up forwards have reached steady state, fed one block median at a time: steady once the
/// median of the last `stable_blocks` blocks is no lower than the median of the `stable_blocks` before them by
/// more than `tolerance` (relative). The first forwards of a process are slow (page faults on weights, caches,
/// oneDNN's primitive cache, the CPU's frequency): they improve until they stop. Medians of windows, not single
/// blocks, so that one lucky block on a noisy machine does not count as an improvement.
class steady_state {
public:
  explicit steady_state(double tolerance = 0.02, int stable_blocks = 3);
  /// Adds a block's median; returns whether steady state is reached (and stays so once reached).
  bool add_block(double median);
  [[nodiscard]] bool reached() const { return reached_; }
  [[nodiscard]] int blocks() const { return blocks_; }

private:
  double tolerance_;
  int stable_blocks_;
  std::vector<double> medians_;
  int blocks_ = 0;
  bool reached_ = false;
};

/// A monotone trend in a process's chunk medians: Mann-Kendall's test (normal approximation with tie
/// correction) and the Theil-Sen slope.
struct trend {
  std::size_t points = 0;
  double z = 0;              ///< positive: the process got slower
  double p_value = 1;        ///< two-sided
  double relative_drift = 0; ///< Theil-Sen slope times (points - 1), over the median: the change across the run
  /// p < alpha and the drift beyond `min_drift` either way.
  [[nodiscard]] bool flagged(double alpha = 0.01, double min_drift = 0.02) const;
};

/// The trend of values in time order; fewer than 4 points give no evidence (p = 1).
trend mann_kendall(std::span<const double> values);

} // namespace gbench::stats

#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gbench/stats/processes.hpp"

/// Run until precise: how wide the reported intervals are, and how many more processes would narrow them.
namespace gbench::stats {

/// One reported figure: the speed-up of `preset` over `baseline` (both groups given), or the estimate of
/// `preset` alone (`baseline` empty).
struct precision_row {
  std::string name; ///< e.g. "bf16 @ 32"
  std::vector<process_samples> preset;
  std::vector<process_samples> baseline;
  std::int64_t batch = 0; ///< the batch whose figure it is (0: none)
};

/// The widest interval among the rows.
struct precision_status {
  /// Relative half-width of the widest 95% interval: of a speed-up, the interval of the test that decides it
  /// (stats/group_test.hpp); of one preset's estimate, the larger of its bootstrap's and Student's t interval.
  /// Infinite while a row has too few units (processes, rounds or process sets) for a variance between them.
  double worst = std::numeric_limits<double>::infinity();
  std::string worst_row;
  int processes_wanted = 0; ///< units (processes a side, rounds, sets) the widest row needs for the target
  std::vector<double> widths; ///< each row's relative half-width, in the order of the rows
};

/// Assesses `rows` against a relative `target` half-width (0.03 for ±3%).
precision_status assess_precision(const std::vector<precision_row>& rows, double target,
                                  const process_test_options& o);

} // namespace gbench::stats

#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gbench/record/report.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/stats/precision.hpp"

namespace gbench::run {

/// The rows whose intervals a run until precise narrows: every preset's speed-up over the baseline at each
/// batch, or with one preset its estimate; each process's samples grouped as stats::process_samples.
std::vector<stats::precision_row> precision_rows(const std::vector<record::preset_run>& runs,
                                                 const std::vector<std::int64_t>& batches,
                                                 const std::string& baseline);

/// Decides after each round of an open-ended run (plan::repetitions 0) whether to go on, with which batches and
/// how many timed forwards per process: stops when the widest 95% interval is within +-target (after at least five
/// rounds: fewer give no usable estimate of the variance between them when a process's luck has modes), or when
/// another round
/// would pass max_time_s; else sizes the next round's processes by the variance components (Kalibera and
/// Jones: long processes when the noise is within them, short ones when it lies between them).
class until_precise {
public:
  until_precise(const plan& p, double target, double max_time_s);
  /// The orchestrator's next_round_fn. A batch whose every interval is within the target drops out of the
  /// rounds that follow (record::precision_outcome::settled), so that they are spent on the batches still wide.
  std::optional<next_round> operator()(const std::vector<record::preset_run>& runs, int rounds);
  [[nodiscard]] const record::precision_outcome& outcome() const { return outcome_; }

private:
  std::vector<std::int64_t> open_batches(const std::vector<stats::precision_row>& rows,
                                         const stats::precision_status& status, int rounds);
  [[nodiscard]] int next_iterations(const std::vector<record::preset_run>& runs,
                                    const std::vector<stats::precision_row>& rows, const std::string& widest) const;

  const plan& plan_;
  double target_;
  double max_time_s_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_;
  record::precision_outcome outcome_;
};

} // namespace gbench::run

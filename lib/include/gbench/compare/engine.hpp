#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gbench/record/comparison.hpp"
#include "gbench/stats/processes.hpp"

namespace gbench::record {
struct batch_result;
} // namespace gbench::record

/// The one comparison engine: two groups of timing samples, each grouped by the process that measured
/// them, give a record::comparison: the change, its interval, the test that decided and its verdict. The presets
/// of one report (preset_comparison), two reports (report_diff) and tune's races are all compared here.
namespace gbench::compare {

/// What is compared.
enum class metric { median, p90, p99, throughput };

/// "median", "p90", "p99" or "throughput"; throws input_error naming --metric otherwise.
metric parse_metric(std::string_view name);
std::string_view name_of(metric m);
/// Throughput (samples/s at the median) is better higher; the latencies are better lower.
bool higher_is_better(metric m);

/// The statistical settings of every comparison the tool makes.
struct settings {
  double alpha = 0.05;      ///< significance level of the test across processes, in (0, 1)
  double threshold = 0;     ///< a change must be beyond this fraction of the baseline to count
  double confidence = 0.95; ///< of the bootstrap interval of the change
  int resamples = 2000;     ///< of the bootstrap
  std::uint64_t seed = 0x67726176; ///< of the bootstrap, mixed with the batch: the same samples give the same interval
  bool duet = false;        ///< paired windows ran at the same time (duet), not in turns: said in the design
};

/// Throws input_error naming the option when alpha, threshold or confidence is out of range.
void check(const settings& s);

/// One side's samples (ns per forward), grouped by the process that measured them, each in time order with
/// its chunk size (stats/processes.hpp).
using sample_groups = std::vector<stats::process_samples>;

/// One process's samples at one batch, as the engine takes them, with the round (repetition, or process set of a
/// lockstep run) it ran in, 0 when unknown; none when the batch did not run. The one place a batch's samples
/// become the engine's.
std::optional<stats::process_samples> samples_of(const record::batch_result& r, int round = 0,
                                                 bool lockstep = false);

/// Compares the candidate's samples with the baseline's at this batch size (throughput and the
/// bootstrap seed need it). Throws input_error when a side has no sample.
record::comparison compare_samples(const sample_groups& baseline, const sample_groups& candidate,
                                   std::int64_t batch, metric m, const settings& s);

} // namespace gbench::compare

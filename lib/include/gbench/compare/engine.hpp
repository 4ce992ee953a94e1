#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gbench/stats/processes.hpp"

namespace gbench::record {
struct batch_result;
} // namespace gbench::record

/// The one comparison engine: two groups of timing samples, each grouped by the process that measured
/// them, give a change, its interval, p-values on the samples and across processes, and a verdict. The
/// presets of one report (preset_comparison) and two reports (report_diff) are both compared here.
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
  double alpha = 0.05;      ///< significance level of the Mann-Whitney U tests, in (0, 1)
  double threshold = 0;     ///< a change must be beyond this fraction of the baseline to count
  double confidence = 0.95; ///< of the bootstrap interval of the change
  int resamples = 2000;     ///< of the bootstrap
  std::uint64_t seed = 0x67726176; ///< of the bootstrap, mixed with the batch: the same samples give the same interval
};

/// Throws input_error naming the option when alpha, threshold or confidence is out of range.
void check(const settings& s);

/// One side's samples (ns per forward), grouped by the process that measured them, each in time order with
/// its chunk size (stats/processes.hpp).
using sample_groups = std::vector<stats::process_samples>;

/// One process's samples at one batch, as the engine takes them, with the round (repetition) it ran in, 0 when
/// unknown; none when the batch did not run.
std::optional<stats::process_samples> samples_of(const record::batch_result& r, int round = 0);

/// The verdict on one comparison, in one vocabulary; each front end words it for its question.
enum class verdict {
  better,          ///< significantly better, beyond the threshold, and the tests agree on the direction
  worse,           ///< significantly worse, the same way
  unchanged,       ///< not significant, within the threshold, or the tests disagree on the direction
  too_few_samples, ///< the test cannot reach alpha with so few samples: nothing can be said
  inconclusive,    ///< fewer than two processes a side: a change cannot be told from process luck
};
std::string_view name_of(verdict v);

/// Candidate against baseline.
struct change {
  /// The metric: for the median and throughput, of the mean process estimate (each process's lowest chunk
  /// median); for p90 and p99, of the pooled samples. ns, or samples/s for throughput.
  double baseline_value = 0;
  double candidate_value = 0;
  double ratio = 1;            ///< candidate / baseline: of the mean process estimates, or of the pooled metric
  /// Hierarchical bootstrap interval of the ratio (processes, then samples), or for p90 and p99 a bootstrap
  /// of the processes' own metric.
  std::optional<double> ratio_low;
  std::optional<double> ratio_high;
  std::size_t n_baseline = 0;  ///< samples, all processes pooled
  std::size_t n_candidate = 0;
  double p_value = 1;          ///< two-sided Mann-Whitney U of candidate against baseline samples
  double z = 0;                ///< positive when the candidate's samples tend to be larger (slower)
  /// The test that decides: Welch's t on the logarithms of the processes' estimates (or own p90/p99), with
  /// two processes a side or more; the paired t-test on their differences within rounds when the processes
  /// pair by round (`paired`). Samples of one process share its luck (CPU placement, memory layout, the
  /// machine's speed while it ran), which the test on raw samples takes for evidence; this one does not.
  std::optional<double> runs_p_value;
  bool paired = false;          ///< the processes were paired by round (stats::group_comparison::paired)
  std::optional<double> runs_z; ///< positive when the candidate is slower, whatever the metric
  std::optional<double> mde;    ///< the smallest relative change that test would detect (80% power at alpha)
  bool enough_samples = false;  ///< the sample sizes can reach alpha at all
  bool significant = false;     ///< runs_p_value < alpha and the interval excludes no change
  bool samples_only = false;    ///< fewer than two processes a side: no test across them (verdict inconclusive)
  int runs_needed = 0;          ///< inconclusive: processes a side that would decide at the threshold
  compare::verdict verdict = verdict::unchanged;
  std::string note;             ///< why, when it is not plain: too few samples, processes, disagreeing tests
};

/// Compares the candidate's samples with the baseline's at this batch size (throughput and the
/// bootstrap seed need it). Throws input_error when a side has no sample.
change compare_samples(const sample_groups& baseline, const sample_groups& candidate, std::int64_t batch, metric m,
                       const settings& s);

} // namespace gbench::compare

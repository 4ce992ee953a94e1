#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/report/stored_report.hpp"

/// Comparing a candidate's report with a baseline's: what a CI job needs to pass or fail a change.
namespace gbench::report {

/// What is compared per (preset, batch).
enum class metric { median, p90, p99, throughput };

/// "median", "p90", "p99" or "throughput"; throws input_error naming --metric otherwise.
metric parse_metric(std::string_view name);
std::string_view name_of(metric m);
/// Throughput (samples/s at the median) is better higher; the latencies are better lower.
bool higher_is_better(metric m);

struct regression_options {
  metric what = metric::median;
  double alpha = 0.05;       ///< significance level of the Mann-Whitney U test, in (0, 1)
  double threshold = 0.05;   ///< a change must be beyond this fraction of the baseline to count
  bool allow_mismatch = false; ///< compare reports whose facts differ (they are still listed)
  double confidence = 0.95;  ///< of the bootstrap interval of the change
  int resamples = 1000;      ///< of the bootstrap
  std::uint64_t seed = 0;    ///< of the bootstrap: the same reports give the same interval
};

/// The verdict on one (preset, batch).
enum class verdict {
  regression,          ///< significantly worse, and by more than the threshold
  improvement,         ///< significantly better, and by more than the threshold
  unchanged,           ///< not significant, or within the threshold
  too_few_samples,     ///< the test cannot reach alpha with so few samples: nothing can be said
  inconclusive,        ///< fewer than two runs (processes) a side: a change cannot be told from process luck
  failed_in_candidate, ///< measured in the baseline, failed in the candidate: counts as a regression
  failed_in_baseline,  ///< failed in the baseline only: nothing to compare against
  failed_in_both,
};
std::string_view name_of(verdict v);

/// One (preset, batch) present in both reports.
struct regression_row {
  std::string preset;
  std::int64_t batch = 0;
  verdict result = verdict::unchanged;
  bool measured = false;       ///< both reports measured it: the figures below are set
  std::size_t n_baseline = 0;  ///< samples, all repetitions pooled
  std::size_t n_candidate = 0;
  int repetitions_baseline = 0; ///< runs[] entries (processes), all reports of a side pooled
  int repetitions_candidate = 0;
  double baseline_value = 0;   ///< the metric: ns, or samples/s for throughput
  double candidate_value = 0;
  double ratio = 1;            ///< candidate_value / baseline_value
  std::optional<double> ratio_low;  ///< bootstrap interval of the ratio (median and throughput only)
  std::optional<double> ratio_high;
  double p_value = 1;          ///< two-sided Mann-Whitney U of candidate against baseline samples
  double z = 0;                ///< positive when the candidate's samples tend to be larger (slower)
  /// The same test across repetitions, on each repetition's own metric, when both sides have enough of
  /// them to reach alpha. Samples of one process share its luck (CPU placement, memory layout, the load
  /// of the moment), which the test on raw samples takes for evidence; this one does not.
  std::optional<double> runs_p_value;
  std::optional<double> runs_z;
  bool significant = false;    ///< p_value < alpha, and runs_p_value < alpha when there is one
  bool enough_samples = false; ///< stats::enough_samples_for(n_baseline, n_candidate, alpha)
  std::string note;            ///< why: a failure's reason, too few samples, disagreeing directions
  std::optional<double> mde;   ///< the smallest relative change the test across processes would detect
  int runs_needed = 0;         ///< inconclusive: runs a side that would decide (at the threshold)
  std::string decide_command;  ///< inconclusive: a command that would measure enough runs
};

/// The comparison of two reports.
struct regression_report {
  regression_options options;
  std::string baseline_name;  ///< the file(s)
  std::string candidate_name;
  std::string baseline_about;  ///< tool version and sha, date, CPU, LibTorch: one line
  std::string candidate_about;
  std::string model_name;
  std::vector<fact_difference> differences; ///< allowed by allow_mismatch, else compare_reports threw
  std::vector<regression_row> rows;         ///< baseline order
  std::vector<std::string> only_in_baseline; ///< "preset @ batch" measured on one side only
  std::vector<std::string> only_in_candidate;
  std::optional<double> geomean_ratio;      ///< of the rows measured in both; none when there are none
  std::size_t geomean_count = 0;

  [[nodiscard]] std::size_t count(verdict v) const;
  /// A row regressed or failed in the candidate only: the job must fail.
  [[nodiscard]] bool regressed() const;
  /// No regression, but some row had too few runs a side to say.
  [[nodiscard]] bool inconclusive() const;
};

/// Compares every (preset, batch) present in both reports. Throws mismatch_error naming every differing
/// fact unless options.allow_mismatch; report_error when the reports share no (preset, batch);
/// input_error when alpha, threshold or confidence are out of range.
regression_report compare_reports(const stored_report& baseline, const stored_report& candidate,
                                  const regression_options& options);

/// "table" (default), "markdown" (for a pull-request comment) or "json"; throws input_error naming
/// --format otherwise.
void write_regression_report(const regression_report& r, const std::string& format, std::ostream& out);
std::vector<std::string> regression_formats();

nlohmann::json to_json(const regression_report& r);

} // namespace gbench::report

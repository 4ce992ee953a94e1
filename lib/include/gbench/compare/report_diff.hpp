#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/compare/engine.hpp"
#include "gbench/compare/stored_report.hpp"
#include "gbench/record/report.hpp"

/// Comparing a candidate's report with a baseline's: what a CI job needs to pass or fail a change.
namespace gbench::compare {

struct diff_options : settings {
  diff_options() { threshold = 0.05; }
  metric what = metric::median;
  bool allow_mismatch = false; ///< compare reports whose facts differ (they are still listed)
  /// The i-th run of each side ran next to the i-th of the other (interleaved rounds, as scripts/ci-regression
  /// runs them): the engine pairs them, so that the machine's drift between rounds cancels.
  bool paired = false;
};

/// What became of one (preset, batch) between the reports: the engine's verdict, or a failure.
enum class outcome {
  regression,          ///< the engine says worse
  improvement,         ///< the engine says better
  unchanged,           ///< the engine says unchanged
  too_few_samples,     ///< the test cannot reach alpha with so few samples: nothing can be said
  inconclusive,        ///< fewer than two runs (processes) a side: a change cannot be told from process luck
  failed_in_candidate, ///< measured in the baseline, failed in the candidate: counts as a regression
  failed_in_baseline,  ///< failed in the baseline only: nothing to compare against
  failed_in_both,
};
std::string_view name_of(outcome o);

/// One (preset, batch) present in both reports; `comparison` is set when both measured it.
struct diff_row {
  std::string preset;
  std::int64_t batch = 0;
  outcome result = outcome::unchanged;
  std::optional<record::comparison> comparison; ///< the engine's, when both reports measured it
  int repetitions_baseline = 0;   ///< runs[] entries (processes), all reports of a side pooled
  int repetitions_candidate = 0;
  std::string decide_command;     ///< inconclusive: a command that would measure enough runs
  std::string note;               ///< a failure, the command that would decide, a pairing that could not be made
  [[nodiscard]] bool measured() const { return comparison.has_value(); }
};

/// The comparison of two reports.
struct report_diff {
  diff_options options;
  std::string baseline_name;  ///< the file(s)
  std::string candidate_name;
  std::string baseline_about;  ///< tool version and sha, date, CPU, LibTorch: one line
  std::string candidate_about;
  std::string model_name;
  std::vector<fact_difference> differences;          ///< allowed by allow_mismatch, else diff_reports threw
  std::vector<diff_row> rows;                        ///< baseline order
  std::vector<std::string> only_in_baseline;         ///< "preset @ batch" measured on one side only
  std::vector<std::string> only_in_candidate;
  std::optional<double> geomean_ratio;               ///< of the rows measured in both; none when there are none
  std::size_t geomean_count = 0;

  [[nodiscard]] std::size_t count(outcome o) const;
  /// A row regressed or failed in the candidate only: the job must fail.
  [[nodiscard]] bool regressed() const;
  /// No regression, but some row had too few runs a side to say (exit 13).
  [[nodiscard]] bool inconclusive() const;
};

/// Compares every (preset, batch) present in both reports. Throws mismatch_error naming every differing
/// fact unless options.allow_mismatch; report_error when the reports share no (preset, batch);
/// input_error when alpha, threshold or confidence are out of range.
report_diff diff_reports(const stored_report& baseline, const stored_report& candidate, const diff_options& options);

/// The comparison output (`"schema": "graviton-bench-comparison"`, schemas/comparison.schema.json).
nlohmann::json to_json(const report_diff& d);

} // namespace gbench::compare

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "gbench/record/report.hpp"

namespace gbench::report {

/// One (preset, batch) of a stored report with the samples of all its repetitions pooled.
struct stored_series {
  std::string preset;
  std::int64_t batch = 0;
  bool ok = true;                 ///< every repetition measured it
  std::string error;              ///< the first failure's reason, when !ok
  int repetitions = 0;            ///< runs[] entries that hold this batch
  std::vector<double> samples_ns; ///< samples of the repetitions that measured it, in report order
  /// How many of samples_ns each of those repetitions (a process each) contributed, in the same order.
  std::vector<std::size_t> repetition_sizes;
};

/// A graviton-bench report read back for compare and export, with its samples pooled per (preset, batch).
struct stored_report {
  std::string name;       ///< the file as given, the prefix of every message about it
  record::report report;  ///< as read (of the first report, when several are pooled)
  std::vector<stored_series> series; ///< in order of first appearance: preset order, then batch order
  /// What two reports must share to be compared, as (key, value): model.input_shape, model.hidden,
  /// model.outputs, libtorch.version/blas/acl/onednn_version (when a run recorded them), host.arch,
  /// host.cpu_model.
  std::vector<std::pair<std::string, std::string>> facts;

  /// The series of (preset, batch), or nullptr.
  [[nodiscard]] const stored_series* find(const std::string& preset, std::int64_t batch) const;
};

/// Reads a report file. Throws report_error naming the file (and the line and column of a syntax error,
/// or the JSON path of a missing or ill-typed field) when it cannot be read, is empty, truncated,
/// malformed, of another schema or of an unknown schema_version.
stored_report load_stored_report(const std::filesystem::path& path);

/// The same from text already read; `name` stands for the file in messages.
stored_report parse_stored_report(const std::string& text, const std::string& name);

/// A difference between two reports' facts.
struct fact_difference {
  std::string key;
  std::string baseline;
  std::string candidate;
};

/// The facts both reports hold with different values, in the order of `a`'s facts.
std::vector<fact_difference> differing_facts(const stored_report& a, const stored_report& b);

/// Several reports of the same build and host (rounds of a CI job) as one: each (preset, batch) pools
/// the samples of every report. Throws mismatch_error when their facts differ, unless allow_mismatch.
stored_report pool_reports(const std::vector<stored_report>& reports, bool allow_mismatch);

} // namespace gbench::report

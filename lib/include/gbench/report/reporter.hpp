#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gbench/backend/libtorch.hpp"
#include "gbench/compare/report_diff.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/report.hpp"
#include "gbench/report/profile_text.hpp"

namespace gbench::report {

/// Writes results in one format, runs and report diffs alike; one implementation per format
/// (table, markdown, csv, json, jsonl), all reading the columns of columns.hpp.
class reporter {
public:
  virtual ~reporter() = default;
  /// Before anything runs (streaming formats write their header here).
  virtual void begin(const record::report& /*r*/, std::ostream& /*out*/) const {}
  /// As each preset's process finishes, so that a crash later loses nothing already written.
  virtual void on_run(const record::preset_run& /*run*/, std::ostream& /*out*/) const {}
  /// Once at the end, with everything: the report with its comparison computed.
  virtual void write(const record::report& r, std::ostream& out) const = 0;
  /// A comparison of two reports (graviton-bench compare), for the formats where writes_diffs().
  virtual void write(const compare::report_diff& d, std::ostream& out) const;
  [[nodiscard]] virtual bool writes_diffs() const { return false; }
  /// doctor, as it goes: the host and LibTorch facts, then the knobs' verdicts, then the evidence of each preset.
  virtual void write_host(const host::host_info& /*host*/, const backend::libtorch_info& /*torch*/,
                          std::ostream& /*out*/) const {}
  virtual void write_knobs(const std::vector<record::knob_verdict>& /*verdicts*/, std::ostream& /*out*/) const {}
  virtual void write_evidence(const std::vector<record::preset_run>& /*runs*/, double /*cosine_threshold*/,
                              std::ostream& /*out*/) const {}
};

/// How a reporter lays a run out.
struct reporter_options {
  /// --columns: the run columns of the table, markdown and csv (report/columns.hpp, run_columns_for); none given:
  /// the table shows the columns that carry information, markdown and csv every column.
  std::optional<std::vector<std::string>> columns;
  /// The table: PyTorch's operator table of each preset and batch after the results, when the runs profiled.
  std::optional<profile_view> profiles;
  /// The table: what the evidence showed per preset (--verify), accuracy flagged below this cosine.
  std::optional<double> evidence_cosine_threshold;
};

/// "table", "markdown", "csv", "json" or "jsonl"; throws input_error naming --format otherwise, or --columns for
/// an unknown column.
std::unique_ptr<reporter> make_reporter(const std::string& format, const reporter_options& options = {});
std::vector<std::string> reporter_formats();

/// The same for `compare`: "table", "markdown" or "json".
std::unique_ptr<reporter> make_diff_reporter(const std::string& format);
std::vector<std::string> diff_formats();

} // namespace gbench::report

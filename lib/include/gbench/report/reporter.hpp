#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gbench/compare/report_diff.hpp"
#include "gbench/record/report.hpp"

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
};

/// How a reporter lays a run out.
struct reporter_options {
  /// --columns: the run columns of the table, markdown and csv (report/columns.hpp, run_columns_for); none given:
  /// the table shows the columns that carry information, markdown and csv every column.
  std::optional<std::vector<std::string>> columns;
};

/// "table", "markdown", "csv", "json" or "jsonl"; throws input_error naming --format otherwise, or --columns for
/// an unknown column.
std::unique_ptr<reporter> make_reporter(const std::string& format, const reporter_options& options = {});
std::vector<std::string> reporter_formats();

/// The same for `compare`: "table", "markdown" or "json".
std::unique_ptr<reporter> make_diff_reporter(const std::string& format);
std::vector<std::string> diff_formats();

} // namespace gbench::report

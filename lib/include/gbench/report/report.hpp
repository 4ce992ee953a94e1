#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/record/report.hpp"

namespace gbench::report {

/// Writes results in one format. All formats share the columns of `columns()`.
class reporter {
public:
  virtual ~reporter() = default;
  /// Before anything runs (streaming formats write their header here).
  virtual void begin(const record::report& /*r*/, std::ostream& /*out*/) const {}
  /// As each preset's process finishes, so that a crash later loses nothing already written.
  virtual void on_run(const record::preset_run& /*run*/, std::ostream& /*out*/) const {}
  /// Once at the end, with everything.
  virtual void write(const record::report& r, std::ostream& out) const = 0;
};

/// A result column, described once for every format: the human text and the machine value.
struct column {
  std::string header; ///< for people: table and markdown
  std::string key;    ///< for machines: csv header
  bool numeric;       ///< right-aligned
  std::string (*text)(const record::preset_comparison&);
  std::string (*value)(const record::preset_comparison&); ///< raw number or word for csv
};
const std::vector<column>& columns();
/// The columns that rows fill: `model` only when the report has several models.
std::vector<column> visible_columns(const std::vector<record::preset_comparison>& rows);

/// "table" (default), "markdown", "csv", "json" or "jsonl"; throws input_error naming --format otherwise.
std::unique_ptr<reporter> make_reporter(const std::string& format);
std::vector<std::string> reporter_formats();

/// 1234567 ns -> "1.235 ms": three decimals in the largest unit that keeps the value >= 1.
std::string format_duration_ns(double ns);

} // namespace gbench::report

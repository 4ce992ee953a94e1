#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/host/host_info.hpp"
#include "gbench/report/comparison.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/run/result.hpp"

namespace gbench::report {

/// Version of the JSON report layout (README, "Report schema"); bumped on any incompatible change.
inline constexpr int schema_version = 1;

/// The results of one invocation, with what is needed to read them later.
struct run_report {
  nlohmann::json context; ///< see make_context
  run::plan plan;
  std::vector<run::preset_run> runs; ///< in the order they ran: repetitions interleaved
  std::string baseline = "default";  ///< the preset speed-ups are measured against
  double alpha = 0.05;               ///< significance level of the comparison
  double cosine_threshold = 0.99;    ///< --verify: accuracy below this is flagged in every format
};

/// Tool version and git sha, RFC 3339 UTC time, host, command line.
nlohmann::json make_context(const host::host_info& host, const std::vector<std::string>& command_line);

/// The RFC 3339 UTC form of now, e.g. 2026-11-25T13:27:29Z.
std::string rfc3339_now();

/// The whole report as JSON (schema in README).
nlohmann::json to_json(const run_report& r);

/// Writes results in one format. All formats share the columns of `columns()`.
class reporter {
public:
  virtual ~reporter() = default;
  /// Before anything runs (streaming formats write their header here).
  virtual void begin(const run_report& /*r*/, std::ostream& /*out*/) const {}
  /// As each preset's process finishes, so that a crash later loses nothing already written.
  virtual void on_run(const run::preset_run& /*run*/, std::ostream& /*out*/) const {}
  /// Once at the end, with everything.
  virtual void write(const run_report& r, std::ostream& out) const = 0;
};

/// A result column, described once for every format: the human text and the machine value.
struct column {
  std::string header; ///< for people: table and markdown
  std::string key;    ///< for machines: csv header
  bool numeric;       ///< right-aligned
  std::string (*text)(const comparison_row&);
  std::string (*value)(const comparison_row&); ///< raw number or word for csv
};
const std::vector<column>& columns();
/// The columns that rows fill: `model` only when the report has several models.
std::vector<column> visible_columns(const std::vector<comparison_row>& rows);

/// "table" (default), "markdown", "csv", "json" or "jsonl"; throws input_error naming --format otherwise.
std::unique_ptr<reporter> make_reporter(const std::string& format);
std::vector<std::string> reporter_formats();

/// 1234567 ns -> "1.235 ms": three decimals in the largest unit that keeps the value >= 1.
std::string format_duration_ns(double ns);

} // namespace gbench::report

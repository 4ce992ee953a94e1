#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gbench/compare/report_diff.hpp"
#include "gbench/record/report.hpp"

/// What every reporter prints, described once: the columns of a run's preset comparison and of a report
/// diff, and the lines around the tables. Each format (one file each) lays them out in its own way.
namespace gbench::report {

/// A column: the human text (table, markdown) and the machine value (csv) of a row.
template <class Row> struct column {
  using cell_fn = std::function<std::string(const Row&)>;
  column(std::string header_, std::string key_, bool numeric_, cell_fn text_, cell_fn value_ = {},
         bool by_default_ = true, std::function<bool(const Row&)> informs_ = {})
      : header(std::move(header_)), key(std::move(key_)), numeric(numeric_), text(std::move(text_)),
        value(std::move(value_)), by_default(by_default_), informs(std::move(informs_)) {}
  std::string header; ///< for people: table and markdown
  std::string key;    ///< for machines: csv header
  bool numeric;       ///< right-aligned
  cell_fn text;
  cell_fn value;      ///< raw number or word for csv
  /// In the default table, when some row has information in it (`informs`; none: always).
  bool by_default;
  std::function<bool(const Row&)> informs;
};

template <class Row> std::vector<std::string> headers(const std::vector<column<Row>>& cols) {
  std::vector<std::string> out;
  for (const auto& c : cols) {
    out.push_back(c.header);
  }
  return out;
}

template <class Row> std::vector<bool> right_aligned(const std::vector<column<Row>>& cols) {
  std::vector<bool> out;
  for (const auto& c : cols) {
    out.push_back(c.numeric);
  }
  return out;
}

/// The human text of every column of every row.
template <class Row> std::vector<std::vector<std::string>> text_cells(const std::vector<Row>& rows,
                                                                      const std::vector<column<Row>>& cols) {
  std::vector<std::vector<std::string>> out;
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (const auto& c : cols) {
      line.push_back(c.text(row));
    }
    out.push_back(std::move(line));
  }
  return out;
}

/// 1234567 ns -> "1.235 ms": three decimals in the largest unit that keeps the value >= 1.
std::string format_duration_ns(double ns);

// ---- a run: one row per preset and batch --------------------------------------------------------------

const std::vector<column<record::preset_comparison>>& run_columns();

/// Which run columns to show (--columns): empty for the default table, the columns that carry information for these
/// rows (no comparison without a second preset, no roofline without peak figures, no evidence without --verify);
/// "all" for every column; else the named ones (key or header), in the order given. `model` only with several
/// models. Throws input_error naming --columns and the valid names for an unknown one.
std::vector<column<record::preset_comparison>> run_columns_for(const std::vector<record::preset_comparison>& rows,
                                                               const std::vector<std::string>& selection = {"all"});

/// The notes of the default table, numbered: what a row's note column refers to (inert knobs, the evidence's
/// account of what changed, flags on its processes, the comparison's outliers and note). `numbers` gets, per row,
/// the numbers of its notes ("1 2"), or "-".
std::vector<std::string> numbered_notes(const std::vector<record::preset_comparison>& rows,
                                        std::vector<std::string>& numbers);

/// A comparison's verdict in the words of a preset row: faster, slower, no significant difference (with the
/// smallest change it would have detected), too few samples, inconclusive (with the runs or sets needed).
std::string verdict_text(const record::comparison& c);

/// "model tiny-mlp (... parameters, ... per sample), W warm-up + N timed iterations, R repetitions".
std::string model_line(const record::report& r);
/// "speed-ups decided by <the test>, alpha 0.05": the test that decided the rows' comparisons, as each names it;
/// empty when nothing was compared.
std::string comparison_line(const record::report& r);
/// What the roofline columns are held against: the report's peak figures and where they came from.
std::string peak_line(const record::report& r);

/// The recipe's way of saying it: "bf16 vs default @256: 2.23x (7.262 s vs 16.201 s)", on the profiled
/// totals (the recipe's basis) when both were profiled, else on the median per forward.
std::string recipe_line(const record::preset_comparison& row, const record::preset_comparison& baseline);
/// The recipe line of every row that has a baseline to compare with.
std::vector<std::string> recipe_lines(const std::vector<record::preset_comparison>& rows);
/// "preset: effect" for each preset's observed knob effects (--verify).
/// Where the processes ran, the other work on those CPUs, and how a run until precise ended.
std::vector<std::string> condition_lines(const record::report& r);
/// With `flags`, the processes' flags after the effects (when no numbered note holds them).
std::vector<std::string> effect_lines(const std::vector<record::preset_comparison>& rows, bool flags = true);

/// Whether the columns hold the numbered notes' column.
bool shows_notes(const std::vector<column<record::preset_comparison>>& cols);
/// The cells of the rows, the numbered notes' column filled with `numbers` (numbered_notes).
std::vector<std::vector<std::string>> cells_with_notes(const std::vector<record::preset_comparison>& rows,
                                                       const std::vector<column<record::preset_comparison>>& cols,
                                                       const std::vector<std::string>& numbers);

// ---- a report diff: one row per (preset, batch) in both reports -----------------------------------------

std::vector<column<compare::diff_row>> diff_columns(const compare::report_diff& d);
/// The rows' text, then the geomean row.
std::vector<std::vector<std::string>> diff_body(const compare::report_diff& d,
                                                const std::vector<column<compare::diff_row>>& cols);
/// "a-1.json and 2 more" for pooled rounds "a-1.json + a-2.json + a-3.json".
std::string short_name(const std::string& name);
/// What was compared and how: metric, tests, alpha, threshold.
std::string metric_sentence(const compare::report_diff& d);
/// "REGRESSION (1 regression, 1 unchanged)".
std::string summary_sentence(const compare::report_diff& d);
/// Set-up differences, each row's note, and the pairs measured on one side only.
std::vector<std::string> diff_notes(const compare::report_diff& d);

} // namespace gbench::report

#include <fmt/format.h>

#include "gbench/report/columns.hpp"
#include "gbench/report/text_table.hpp"
#include "reporters.hpp"

namespace gbench::report {

namespace {

// For a review or a pull-request comment.
class markdown_reporter final : public reporter {
public:
  explicit markdown_reporter(std::vector<std::string> columns) : columns_(std::move(columns)) {}

  void write(const record::report& r, std::ostream& out) const override {
    const auto cols = run_columns_for(r.comparison, columns_);
    std::vector<std::string> numbers;
    const auto notes = numbered_notes(r.comparison, numbers);
    out << "*" << model_line(r) << "*\n\n*" << markdown_cell(peak_line(r)) << "*\n\n";
    if (const auto line = comparison_line(r); !line.empty()) {
      out << "*" << markdown_cell(line) << "*\n\n";
    }
    out << markdown_table(headers(cols), right_aligned(cols), cells_with_notes(r.comparison, cols, numbers));
    const auto recipe = recipe_lines(r.comparison);
    const auto effects = effect_lines(r.comparison, !shows_notes(cols));
    if (!recipe.empty() || !effects.empty()) {
      out << '\n';
    }
    for (const auto& line : recipe) {
      out << "- " << line << '\n';
    }
    for (const auto& line : effects) {
      out << "- " << line << '\n';
    }
    for (const auto& line : condition_lines(r)) {
      out << "- " << markdown_cell(line) << '\n';
    }
    if (shows_notes(cols) && !notes.empty()) {
      out << '\n';
      for (std::size_t i = 0; i < notes.size(); ++i) {
        out << i + 1 << ". " << markdown_cell(notes[i]) << '\n';
      }
    }
  }

  void write(const compare::report_diff& d, std::ostream& out) const override {
    const auto cols = diff_columns(d);
    auto body = diff_body(d, cols);
    // Regressions stand out: their change and verdict in bold, and the geomean row.
    for (std::size_t i = 0; i < body.size(); ++i) {
      const bool last = i + 1 == body.size();
      const bool flagged = !last && (d.rows[i].result == compare::outcome::regression ||
                                     d.rows[i].result == compare::outcome::failed_in_candidate);
      for (std::size_t c = 0; c < body[i].size(); ++c) {
        auto& cell = body[i][c];
        if (!cell.empty() && (last || (flagged && (cols[c].header == "change" || cols[c].header == "verdict")))) {
          cell = "**" + cell + "**";
        }
      }
    }
    out << fmt::format("### graviton-bench: {} {}\n\n", d.regressed() ? "❌" : "✅", summary_sentence(d));
    out << fmt::format("Model `{}`: {}.\n\n", d.model_name, metric_sentence(d));
    out << markdown_table(headers(cols), right_aligned(cols), body);
    const auto notes = diff_notes(d);
    if (!notes.empty()) {
      out << '\n';
      for (const auto& note : notes) {
        out << "- " << markdown_cell(note) << '\n';
      }
    }
    out << fmt::format("\n<details><summary>Reports</summary>\n\n- baseline `{}`: {}\n- candidate `{}`: {}\n\n"
                       "</details>\n",
                       short_name(d.baseline_name), d.baseline_about, short_name(d.candidate_name), d.candidate_about);
  }

  [[nodiscard]] bool writes_diffs() const override { return true; }

private:
  std::vector<std::string> columns_;
};

} // namespace

std::unique_ptr<reporter> make_markdown_reporter(std::vector<std::string> columns) {
  return std::make_unique<markdown_reporter>(std::move(columns));
}

} // namespace gbench::report

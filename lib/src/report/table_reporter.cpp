#include <fmt/format.h>

#include "gbench/report/columns.hpp"
#include "gbench/report/text_table.hpp"
#include "reporters.hpp"

namespace gbench::report {

namespace {

// Column-aligned text for people.
class table_reporter final : public reporter {
public:
  explicit table_reporter(std::vector<std::string> columns) : columns_(std::move(columns)) {}

  void write(const record::report& r, std::ostream& out) const override {
    const auto cols = run_columns_for(r.comparison, columns_);
    std::vector<std::string> numbers;
    const auto notes = numbered_notes(r.comparison, numbers);
    out << model_line(r) << '\n' << peak_line(r) << '\n';
    out << aligned_table(headers(cols), right_aligned(cols), cells_with_notes(r.comparison, cols, numbers));
    if (shows_notes(cols)) {
      for (std::size_t i = 0; i < notes.size(); ++i) {
        out << fmt::format("[{}] {}\n", i + 1, notes[i]);
      }
    }
    const auto recipe = recipe_lines(r.comparison);
    if (!recipe.empty()) {
      out << '\n';
      for (const auto& line : recipe) {
        out << line << '\n';
      }
    }
    for (const auto& line : effect_lines(r.comparison, !shows_notes(cols))) {
      out << line << '\n';
    }
    for (const auto& line : condition_lines(r)) {
      out << line << '\n';
    }
  }

  void write(const compare::report_diff& d, std::ostream& out) const override {
    const auto cols = diff_columns(d);
    out << fmt::format("baseline   {}\n           {}\ncandidate  {}\n           {}\n{}\n\n", short_name(d.baseline_name),
                       d.baseline_about, short_name(d.candidate_name), d.candidate_about, metric_sentence(d));
    out << aligned_table(headers(cols), right_aligned(cols), diff_body(d, cols), 1); // the geomean row below a rule
    for (const auto& note : diff_notes(d)) {
      out << "note: " << note << '\n';
    }
    out << "result: " << summary_sentence(d) << '\n';
  }

  [[nodiscard]] bool writes_diffs() const override { return true; }

private:
  std::vector<std::string> columns_;
};

} // namespace

std::unique_ptr<reporter> make_table_reporter(std::vector<std::string> columns) {
  return std::make_unique<table_reporter>(std::move(columns));
}

} // namespace gbench::report

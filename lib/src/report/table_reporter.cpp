#include <fmt/format.h>

#include "gbench/report/columns.hpp"
#include "gbench/report/text_table.hpp"
#include "reporters.hpp"

namespace gbench::report {

namespace {

// Column-aligned text for people.
class table_reporter final : public reporter {
public:
  void write(const record::report& r, std::ostream& out) const override {
    const auto cols = run_columns_for(r.comparison);
    out << model_line(r) << '\n' << peak_line(r) << '\n';
    out << aligned_table(headers(cols), right_aligned(cols), text_cells(r.comparison, cols));
    const auto recipe = recipe_lines(r.comparison);
    if (!recipe.empty()) {
      out << '\n';
      for (const auto& line : recipe) {
        out << line << '\n';
      }
    }
    for (const auto& line : effect_lines(r.comparison)) {
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
};

} // namespace

std::unique_ptr<reporter> make_table_reporter() { return std::make_unique<table_reporter>(); }

} // namespace gbench::report

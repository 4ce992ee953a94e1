#include <fmt/format.h>

#include "gbench/report/columns.hpp"
#include "gbench/report/evidence_text.hpp"
#include "gbench/report/profile_text.hpp"
#include "gbench/report/text_table.hpp"
#include "reporters.hpp"

namespace gbench::report {

namespace {

// Column-aligned text for people.
class table_reporter final : public reporter {
public:
  explicit table_reporter(reporter_options options)
      : columns_(options.columns.value_or(std::vector<std::string>{})), options_(std::move(options)) {}

  void write(const record::report& r, std::ostream& out) const override {
    const auto cols = run_columns_for(r.comparison, columns_);
    std::vector<std::string> numbers;
    const auto notes = numbered_notes(r.comparison, numbers);
    out << model_line(r) << '\n' << peak_line(r) << '\n';
    if (const auto line = comparison_line(r); !line.empty()) {
      out << line << '\n';
    }
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
    if (options_.profiles) {
      write_profile_tables(r, *options_.profiles, out);
    }
    if (options_.evidence_cosine_threshold) {
      out << "\nevidence (one more forward per batch with ONEDNN_VERBOSE=1, in a process of its own)\n";
      print_evidence(r.runs, *options_.evidence_cosine_threshold, out);
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

  void write_host(const host::host_info& host, const backend::libtorch_info& torch, std::ostream& out) const override {
    print_host_facts(host, torch, out);
    out << "knobs (the bf16 settings from a probe: one 64x256 by 256x256 matmul with and without each, in processes "
           "of their own with ONEDNN_VERBOSE=1; the others from the facts above)\n";
    out.flush();
  }

  void write_knobs(const std::vector<record::knob_verdict>& verdicts, std::ostream& out) const override {
    print_knob_verdicts(verdicts, out);
    out.flush();
  }

  void write_evidence(const std::vector<record::preset_run>& runs, double cosine_threshold,
                      std::ostream& out) const override {
    print_evidence(runs, cosine_threshold, out);
  }

private:
  std::vector<std::string> columns_;
  reporter_options options_;
};

} // namespace

std::unique_ptr<reporter> make_table_reporter(const reporter_options& options) {
  return std::make_unique<table_reporter>(options);
}

} // namespace gbench::report

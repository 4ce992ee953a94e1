#include "gbench/report/columns.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace gbench::report {

namespace {

std::string percent(double ratio) { return fmt::format("{:+.1f}%", 100 * (ratio - 1)); }

// The normal approximation's tail underflows for large, completely separated samples.
std::string p_text(double p) { return p < 1e-300 ? std::string("<1e-300") : fmt::format("{:.2g}", p); }

} // namespace

// Pooled rounds are named "a-1.json + a-2.json + ...": the first and a count is enough for people.
std::string short_name(const std::string& name) {
  const auto first = name.find(" + ");
  if (first == std::string::npos) {
    return name;
  }
  std::size_t more = 0;
  for (auto at = first; at != std::string::npos; at = name.find(" + ", at + 3)) {
    ++more;
  }
  return fmt::format("{} and {} more", name.substr(0, first), more);
}

namespace {

std::string value_text(const compare::report_diff& r, double v) {
  return r.options.what == compare::metric::throughput ? fmt::format("{:.1f}/s", v) : format_duration_ns(v);
}

} // namespace

std::vector<column<compare::diff_row>> diff_columns(const compare::report_diff& r) {
  const auto measured = [](const compare::diff_row& row, auto text) {
    return row.comparison ? text(*row.comparison) : std::string("-");
  };
  // No csv for a report diff: the value of each column is left empty.
  return {
      {"preset", "preset", false, [](const compare::diff_row& row) { return row.preset; }, {}},
      {"batch", "batch", true, [](const compare::diff_row& row) { return std::to_string(row.batch); }, {}},
      {"baseline", "baseline", true,
       [&r, measured](const compare::diff_row& row) {
         return measured(row, [&](const record::comparison& c) { return value_text(r, c.baseline_value); });
       }, {}},
      {"candidate", "candidate", true,
       [&r, measured](const compare::diff_row& row) {
         return measured(row, [&](const record::comparison& c) { return value_text(r, c.candidate_value); });
       }, {}},
      {"change", "change", true,
       [measured](const compare::diff_row& row) {
         return measured(row, [](const record::comparison& c) { return percent(c.ratio); });
       }, {}},
      {fmt::format("{:.0f}% CI", 100 * r.options.confidence), "ratio_ci", true,
       [](const compare::diff_row& row) {
         return row.comparison && row.comparison->ratio_low
                    ? fmt::format("[{}, {}]", percent(*row.comparison->ratio_low), percent(*row.comparison->ratio_high))
                    : std::string("-");
       }, {}},
      {"p", "p_value", true,
       [](const compare::diff_row& row) {
         return row.comparison && row.comparison->p_value ? p_text(*row.comparison->p_value) : std::string("-");
       }, {}},
      {"runs", "repetitions", true,
       [](const compare::diff_row& row) {
         return fmt::format("{} / {}", row.repetitions_baseline, row.repetitions_candidate);
       }, {}},
      {"verdict", "verdict", false, [](const compare::diff_row& row) { return std::string(compare::name_of(row.result)); }, {}},
  };
}

std::string metric_sentence(const compare::report_diff& r) {
  const auto& o = r.options;
  const std::string what = o.what == compare::metric::throughput
                               ? std::string("throughput (samples/s at the median), higher is better")
                               : fmt::format("{} time per forward, lower is better", compare::name_of(o.what));
  // The test that decided, as each row's comparison names it; rows of one comparison usually share one.
  std::vector<std::string> tests;
  for (const auto& row : r.rows) {
    if (row.comparison && row.comparison->p_value &&
        std::find(tests.begin(), tests.end(), row.comparison->test) == tests.end()) {
      tests.push_back(row.comparison->test);
    }
  }
  const bool cycles = std::any_of(r.rows.begin(), r.rows.end(), [](const compare::diff_row& row) {
    return row.comparison && (row.comparison->design == record::design::lockstep ||
                              row.comparison->design == record::design::duet);
  });
  const char* pairing = cycles ? "; the builds of one lockstep run, paired by process set and cycle"
                        : o.paired ? ""
                                   : "; stored reports, not paired";
  return fmt::format("{}; decided by {}, alpha {}; threshold {:.1f}%{}", what,
                     tests.empty() ? std::string("no test (nothing measured on both sides)") : fmt::format("{}", fmt::join(tests, "; ")),
                     o.alpha, 100 * o.threshold, pairing);
}

std::string summary_sentence(const compare::report_diff& r) {
  std::vector<std::string> parts;
  for (const auto v : {compare::outcome::regression, compare::outcome::failed_in_candidate, compare::outcome::improvement,
                       compare::outcome::unchanged, compare::outcome::inconclusive, compare::outcome::too_few_samples, compare::outcome::failed_in_baseline,
                       compare::outcome::failed_in_both}) {
    if (const auto n = r.count(v); n > 0) {
      const bool plural = n > 1 && (v == compare::outcome::regression || v == compare::outcome::improvement);
      parts.push_back(fmt::format("{} {}{}", n, compare::name_of(v), plural ? "s" : ""));
    }
  }
  return fmt::format("{} ({})", r.regressed() ? "REGRESSION" : r.inconclusive() ? "INCONCLUSIVE" : "no regression",
                     fmt::join(parts, ", "));
}

std::vector<std::string> diff_notes(const compare::report_diff& r) {
  std::vector<std::string> notes;
  for (const auto& d : r.differences) {
    notes.push_back(fmt::format("set-ups differ (allowed by --allow-mismatch): {} is {} in the baseline, {} in the "
                                "candidate",
                                d.key, d.baseline, d.candidate));
  }
  for (const auto& row : r.rows) {
    if (!row.note.empty()) {
      notes.push_back(fmt::format("{} @ {}: {}", row.preset, row.batch, row.note));
    }
  }
  if (!r.only_in_baseline.empty()) {
    notes.push_back(fmt::format("only in the baseline, not compared: {}", fmt::join(r.only_in_baseline, ", ")));
  }
  if (!r.only_in_candidate.empty()) {
    notes.push_back(fmt::format("only in the candidate, not compared: {}", fmt::join(r.only_in_candidate, ", ")));
  }
  return notes;
}

std::vector<std::vector<std::string>> diff_body(const compare::report_diff& r, const std::vector<column<compare::diff_row>>& cols) {
  auto body = text_cells(r.rows, cols);
  // The summary row: the geometric mean of the ratios, which no single row's noise dominates.
  std::vector<std::string> geo(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].header == "preset") {
      geo[c] = "geomean";
    } else if (cols[c].header == "change") {
      geo[c] = r.geomean_ratio ? percent(*r.geomean_ratio) : std::string("-");
    } else if (cols[c].header == "runs") {
      geo[c] = fmt::format("{} rows", r.geomean_count);
    }
  }
  body.push_back(std::move(geo));
  return body;
}

} // namespace gbench::report

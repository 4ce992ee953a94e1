#include "gbench/report/regression.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/report/text_table.hpp"
#include "gbench/report/report.hpp"
#include "gbench/stats/compare.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::report {

metric parse_metric(std::string_view name) {
  for (const auto m : {metric::median, metric::p90, metric::p99, metric::throughput}) {
    if (name == name_of(m)) {
      return m;
    }
  }
  throw input_error(fmt::format("--metric: unknown metric '{}'; valid metrics: median, p90, p99, throughput", name));
}

std::string_view name_of(metric m) {
  switch (m) {
  case metric::median:
    return "median";
  case metric::p90:
    return "p90";
  case metric::p99:
    return "p99";
  case metric::throughput:
    return "throughput";
  }
  return "?";
}

bool higher_is_better(metric m) { return m == metric::throughput; }

std::string_view name_of(verdict v) {
  switch (v) {
  case verdict::regression:
    return "regression";
  case verdict::improvement:
    return "improvement";
  case verdict::unchanged:
    return "unchanged";
  case verdict::too_few_samples:
    return "too few samples";
  case verdict::failed_in_candidate:
    return "failed in candidate";
  case verdict::failed_in_baseline:
    return "failed in baseline";
  case verdict::failed_in_both:
    return "failed in both";
  }
  return "?";
}

std::size_t regression_report::count(verdict v) const {
  const auto n = std::count_if(rows.begin(), rows.end(), [v](const auto& r) { return r.result == v; });
  return static_cast<std::size_t>(n);
}

bool regression_report::regressed() const {
  return count(verdict::regression) > 0 || count(verdict::failed_in_candidate) > 0;
}

namespace {

std::string key_text(const stored_series& s) { return fmt::format("{} @ {}", s.preset, s.batch); }

double metric_value(std::span<const double> samples, std::int64_t batch, metric m) {
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  switch (m) {
  case metric::median:
    return stats::quantile_sorted(sorted, 0.5);
  case metric::p90:
    return stats::quantile_sorted(sorted, 0.9);
  case metric::p99:
    return stats::quantile_sorted(sorted, 0.99);
  case metric::throughput:
    return static_cast<double>(batch) * 1e9 / stats::quantile_sorted(sorted, 0.5);
  }
  return 0;
}

// The metric of each repetition (process) on its own.
std::vector<double> per_repetition(const stored_series& s, metric m) {
  std::vector<double> out;
  std::size_t begin = 0;
  for (const auto n : s.repetition_sizes) {
    out.push_back(metric_value(std::span<const double>(s.samples_ns).subspan(begin, n), s.batch, m));
    begin += n;
  }
  return out;
}

std::string about(const stored_report& r) {
  const auto text = [](const std::string& s) { return s.empty() ? std::string("?") : s; };
  const auto& c = r.report.context;
  std::string libtorch = "?";
  for (const auto& [key, value] : r.facts) {
    if (key == "libtorch.version") {
      libtorch = value;
    }
  }
  return fmt::format("graviton-bench {} ({}), {}, {} on {} {}, LibTorch {}", text(c.tool.version),
                     text(c.tool.git_sha), text(c.date), text(r.report.model.name), text(c.host.cpu_model),
                     text(c.host.arch), libtorch);
}

regression_row compare_series(const stored_series& base, const stored_series& cand, const regression_options& o) {
  regression_row row;
  row.preset = base.preset;
  row.batch = base.batch;
  row.n_baseline = base.samples_ns.size();
  row.n_candidate = cand.samples_ns.size();
  row.repetitions_baseline = base.repetitions;
  row.repetitions_candidate = cand.repetitions;
  if (!base.ok || !cand.ok) {
    if (!base.ok && !cand.ok) {
      row.result = verdict::failed_in_both;
      row.note = fmt::format("failed in both: baseline: {}; candidate: {}", base.error, cand.error);
    } else if (!cand.ok) {
      row.result = verdict::failed_in_candidate;
      row.note = fmt::format("failed in the candidate: {}", cand.error);
    } else {
      row.result = verdict::failed_in_baseline;
      row.note = fmt::format("failed in the baseline, nothing to compare with: {}", base.error);
    }
    return row;
  }
  row.measured = true;
  row.baseline_value = metric_value(base.samples_ns, base.batch, o.what);
  row.candidate_value = metric_value(cand.samples_ns, cand.batch, o.what);
  row.ratio = row.candidate_value / row.baseline_value;
  const auto test = stats::mann_whitney_u(cand.samples_ns, base.samples_ns);
  row.p_value = test.p_value;
  row.z = test.z;
  row.significant = test.p_value < o.alpha;
  row.enough_samples = stats::enough_samples_for(row.n_baseline, row.n_candidate, o.alpha);
  const auto base_runs = per_repetition(base, o.what);
  const auto cand_runs = per_repetition(cand, o.what);
  std::string runs_note;
  bool runs_too_few = false;
  if (base_runs.size() >= 2 && cand_runs.size() >= 2) {
    if (stats::enough_samples_for(base_runs.size(), cand_runs.size(), o.alpha)) {
      const auto across = stats::mann_whitney_u(cand_runs, base_runs);
      row.runs_p_value = across.p_value;
      // For throughput a larger value is faster: turn the sign so that z > 0 means slower for every metric.
      row.runs_z = higher_is_better(o.what) ? -across.z : across.z;
      if (row.significant && across.p_value >= o.alpha) {
        runs_note = fmt::format("the samples differ (p = {:.2g}) but the {} vs {} runs do not (p = {:.2g}): the "
                                "difference lies between processes, not between builds",
                                row.p_value, base_runs.size(), cand_runs.size(), across.p_value);
      }
      row.significant = row.significant && across.p_value < o.alpha;
    } else {
      runs_too_few = true;
      runs_note = fmt::format("{} vs {} runs are too few to test across processes at alpha {}; the verdict rests on "
                              "the samples alone, which do not see differences between processes",
                              base_runs.size(), cand_runs.size(), o.alpha);
    }
  }
  if (o.what == metric::median || o.what == metric::throughput) {
    const auto ci = stats::bootstrap_median_ratio(cand.samples_ns, base.samples_ns, o.confidence, o.resamples, o.seed);
    // Throughput is batch / median: its ratio is the inverse of the medians' ratio.
    row.ratio_low = o.what == metric::median ? ci.low : 1.0 / ci.high;
    row.ratio_high = o.what == metric::median ? ci.high : 1.0 / ci.low;
  }

  const double change = row.ratio - 1.0;
  const bool higher_better = higher_is_better(o.what);
  const bool worse = higher_better ? change < -o.threshold : change > o.threshold;
  const bool better = higher_better ? change > o.threshold : change < -o.threshold;
  // The test says whether the candidate's forwards as a whole got slower (z > 0) or faster; a worse metric
  // counts only when the test agrees. A p99 that rose while the whole distribution moved faster is noise in
  // the tail, not a regression.
  const bool slower = test.z > 0;
  if (!row.enough_samples) {
    row.result = verdict::too_few_samples;
    row.note = fmt::format("{} vs {} samples: the test cannot reach alpha {} with so few, whatever the difference; "
                           "raise --iters",
                           row.n_baseline, row.n_candidate, o.alpha);
  } else if (!row.significant) {
    row.result = verdict::unchanged;
  } else if (worse || better) {
    const bool agrees = worse == slower && (!row.runs_z || (*row.runs_z > 0) == slower);
    row.result = agrees ? (worse ? verdict::regression : verdict::improvement) : verdict::unchanged;
    if (!agrees) {
      row.note = fmt::format("{} {} by {:.1f}% but the samples as a whole got {} (Mann-Whitney z = {:+.2f}): "
                             "counted as unchanged",
                             name_of(o.what), change > 0 ? "rose" : "fell", 100 * std::abs(change),
                             slower ? "slower" : "faster", test.z);
    }
  } else {
    row.result = verdict::unchanged;
  }
  // Too few runs matters only where the samples alone gave a verdict.
  const bool decided = row.result == verdict::regression || row.result == verdict::improvement;
  if (row.note.empty() && (decided || !runs_too_few)) {
    row.note = runs_note;
  }
  return row;
}

void check_options(const regression_options& o) {
  if (!(o.alpha > 0 && o.alpha < 1)) {
    throw input_error(
        fmt::format("--alpha: {} is not a significance level; give a value in (0, 1), e.g. 0.05", o.alpha));
  }
  if (!(o.threshold >= 0 && std::isfinite(o.threshold))) {
    throw input_error(
        fmt::format("--threshold: {}% is not a threshold; give a percentage >= 0, e.g. 5", 100 * o.threshold));
  }
  if (!(o.confidence > 0 && o.confidence < 1)) {
    throw input_error(fmt::format("confidence {} is not in (0, 1)", o.confidence));
  }
}

} // namespace

regression_report compare_reports(const stored_report& baseline, const stored_report& candidate,
                                  const regression_options& options) {
  check_options(options);
  regression_report r;
  r.options = options;
  r.baseline_name = baseline.name;
  r.candidate_name = candidate.name;
  r.baseline_about = about(baseline);
  r.candidate_about = about(candidate);
  r.model_name = baseline.report.model.name.empty() ? std::string("?") : baseline.report.model.name;
  r.differences = differing_facts(baseline, candidate);
  if (!r.differences.empty() && !options.allow_mismatch) {
    std::vector<std::string> parts;
    for (const auto& d : r.differences) {
      parts.push_back(fmt::format("{} is {} in the baseline but {} in the candidate", d.key, d.baseline, d.candidate));
    }
    throw mismatch_error(fmt::format("{} and {} were measured on different set-ups and are not comparable: {}; "
                                     "pass --allow-mismatch to compare them anyway",
                                     baseline.name, candidate.name, fmt::join(parts, "; ")));
  }
  for (const auto& b : baseline.series) {
    if (const auto* c = candidate.find(b.preset, b.batch)) {
      r.rows.push_back(compare_series(b, *c, options));
    } else {
      r.only_in_baseline.push_back(key_text(b));
    }
  }
  for (const auto& c : candidate.series) {
    if (baseline.find(c.preset, c.batch) == nullptr) {
      r.only_in_candidate.push_back(key_text(c));
    }
  }
  if (r.rows.empty()) {
    throw report_error(fmt::format("{} and {} have no (preset, batch) in common: the baseline has {}; the "
                                   "candidate has {}",
                                   baseline.name, candidate.name, fmt::join(r.only_in_baseline, ", "),
                                   fmt::join(r.only_in_candidate, ", ")));
  }
  std::vector<double> ratios;
  for (const auto& row : r.rows) {
    if (row.measured) {
      ratios.push_back(row.ratio);
    }
  }
  if (!ratios.empty()) {
    r.geomean_ratio = stats::geometric_mean(ratios);
    r.geomean_count = ratios.size();
  }
  return r;
}

namespace {

std::string percent(double ratio) { return fmt::format("{:+.1f}%", 100 * (ratio - 1)); }

// The normal approximation's tail underflows for large, completely separated samples.
std::string p_text(double p) { return p < 1e-300 ? std::string("<1e-300") : fmt::format("{:.2g}", p); }

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

std::string value_text(const regression_report& r, double v) {
  return r.options.what == metric::throughput ? fmt::format("{:.1f}/s", v) : format_duration_ns(v);
}

// A comparison column, described once for the table and the markdown.
struct regression_column {
  std::string header;
  bool numeric;
  std::function<std::string(const regression_row&)> text;
};

std::vector<regression_column> columns_of(const regression_report& r) {
  return {
      {"preset", false, [](const regression_row& row) { return row.preset; }},
      {"batch", true, [](const regression_row& row) { return std::to_string(row.batch); }},
      {"baseline", true,
       [&r](const regression_row& row) { return row.measured ? value_text(r, row.baseline_value) : std::string("-"); }},
      {"candidate", true,
       [&r](const regression_row& row) {
         return row.measured ? value_text(r, row.candidate_value) : std::string("-");
       }},
      {"change", true, [](const regression_row& row) { return row.measured ? percent(row.ratio) : std::string("-"); }},
      {fmt::format("{:.0f}% CI", 100 * r.options.confidence), true,
       [](const regression_row& row) {
         return row.ratio_low ? fmt::format("[{}, {}]", percent(*row.ratio_low), percent(*row.ratio_high))
                              : std::string("-");
       }},
      {"p-value", true,
       [](const regression_row& row) { return row.measured ? p_text(row.p_value) : std::string("-"); }},
      {"p (runs)", true,
       [](const regression_row& row) { return row.runs_p_value ? p_text(*row.runs_p_value) : std::string("-"); }},
      {"runs", true,
       [](const regression_row& row) {
         return fmt::format("{} / {}", row.repetitions_baseline, row.repetitions_candidate);
       }},
      {"samples", true,
       [](const regression_row& row) { return fmt::format("{} / {}", row.n_baseline, row.n_candidate); }},
      {"verdict", false, [](const regression_row& row) { return std::string(name_of(row.result)); }},
  };
}

std::string metric_sentence(const regression_report& r) {
  const auto& o = r.options;
  const std::string what = o.what == metric::throughput
                               ? std::string("throughput (samples/s at the median), higher is better")
                               : fmt::format("{} time per forward, lower is better", name_of(o.what));
  return fmt::format("{}; Mann-Whitney U (two-sided) on the raw samples, and across runs when each side has "
                     "several, alpha {}; threshold {:.1f}%",
                     what, o.alpha, 100 * o.threshold);
}

std::string summary_sentence(const regression_report& r) {
  std::vector<std::string> parts;
  for (const auto v : {verdict::regression, verdict::failed_in_candidate, verdict::improvement, verdict::unchanged,
                       verdict::too_few_samples, verdict::failed_in_baseline, verdict::failed_in_both}) {
    if (const auto n = r.count(v); n > 0) {
      const bool plural = n > 1 && (v == verdict::regression || v == verdict::improvement);
      parts.push_back(fmt::format("{} {}{}", n, name_of(v), plural ? "s" : ""));
    }
  }
  return fmt::format("{} ({})", r.regressed() ? "REGRESSION" : "no regression", fmt::join(parts, ", "));
}

std::vector<std::string> notes_of(const regression_report& r) {
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

std::vector<std::vector<std::string>> body_of(const regression_report& r, const std::vector<regression_column>& cols) {
  std::vector<std::vector<std::string>> body;
  for (const auto& row : r.rows) {
    std::vector<std::string> line;
    for (const auto& c : cols) {
      line.push_back(c.text(row));
    }
    body.push_back(std::move(line));
  }
  // The summary row: the geometric mean of the ratios, which no single row's noise dominates.
  std::vector<std::string> geo(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].header == "preset") {
      geo[c] = "geomean";
    } else if (cols[c].header == "change") {
      geo[c] = r.geomean_ratio ? percent(*r.geomean_ratio) : std::string("-");
    } else if (cols[c].header == "samples") {
      geo[c] = fmt::format("{} pairs", r.geomean_count);
    }
  }
  body.push_back(std::move(geo));
  return body;
}

void write_table(const regression_report& r, std::ostream& out) {
  const auto cols = columns_of(r);
  std::vector<std::string> header;
  std::vector<bool> right;
  for (const auto& c : cols) {
    header.push_back(c.header);
    right.push_back(c.numeric);
  }
  out << fmt::format("baseline   {}\n           {}\ncandidate  {}\n           {}\n{}\n\n", short_name(r.baseline_name),
                     r.baseline_about, short_name(r.candidate_name), r.candidate_about, metric_sentence(r));
  out << aligned_table(header, right, body_of(r, cols), 1); // the geomean row below a rule
  for (const auto& note : notes_of(r)) {
    out << "note: " << note << '\n';
  }
  out << "result: " << summary_sentence(r) << '\n';
}


void write_markdown(const regression_report& r, std::ostream& out) {
  const auto cols = columns_of(r);
  auto body = body_of(r, cols);
  out << fmt::format("### graviton-bench: {} {}\n\n", r.regressed() ? "❌" : "✅", summary_sentence(r));
  out << fmt::format("Model `{}`: {}.\n\n", r.model_name, metric_sentence(r));
  std::vector<std::string> header;
  std::vector<std::string> align;
  for (const auto& c : cols) {
    header.push_back(c.header);
    align.push_back(c.numeric ? "---:" : ":---");
  }
  out << "| " << fmt::format("{}", fmt::join(header, " | ")) << " |\n";
  out << "| " << fmt::format("{}", fmt::join(align, " | ")) << " |\n";
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::vector<std::string> cells;
    const bool last = i + 1 == body.size();
    for (std::size_t c = 0; c < body[i].size(); ++c) {
      std::string cell = markdown_cell(body[i][c]);
      const bool flagged =
          !last && (r.rows[i].result == verdict::regression || r.rows[i].result == verdict::failed_in_candidate);
      if (!cell.empty() && (last || (flagged && (cols[c].header == "change" || cols[c].header == "verdict")))) {
        cell = "**" + cell + "**";
      }
      cells.push_back(cell);
    }
    out << "| " << fmt::format("{}", fmt::join(cells, " | ")) << " |\n";
  }
  const auto notes = notes_of(r);
  if (!notes.empty()) {
    out << '\n';
    for (const auto& note : notes) {
      out << "- " << markdown_cell(note) << '\n';
    }
  }
  out << fmt::format("\n<details><summary>Reports</summary>\n\n- baseline `{}`: {}\n- candidate `{}`: {}\n\n"
                     "</details>\n",
                     short_name(r.baseline_name), r.baseline_about, short_name(r.candidate_name), r.candidate_about);
}

nlohmann::json optional_json(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

} // namespace

nlohmann::json to_json(const regression_report& r) {
  nlohmann::json j;
  j["schema"] = "graviton-bench-comparison";
  j["schema_version"] = 1;
  j["baseline"] = {{"file", r.baseline_name}, {"about", r.baseline_about}};
  j["candidate"] = {{"file", r.candidate_name}, {"about", r.candidate_about}};
  j["model"] = r.model_name;
  j["options"] = {{"metric", name_of(r.options.what)},
                  {"higher_is_better", higher_is_better(r.options.what)},
                  {"alpha", r.options.alpha},
                  {"threshold", r.options.threshold},
                  {"allow_mismatch", r.options.allow_mismatch},
                  {"confidence", r.options.confidence},
                  {"resamples", r.options.resamples}};
  j["differences"] = nlohmann::json::array();
  for (const auto& d : r.differences) {
    j["differences"].push_back({{"key", d.key}, {"baseline", d.baseline}, {"candidate", d.candidate}});
  }
  j["rows"] = nlohmann::json::array();
  for (const auto& row : r.rows) {
    nlohmann::json x{{"preset", row.preset},
                     {"batch", row.batch},
                     {"verdict", name_of(row.result)},
                     {"measured", row.measured},
                     {"samples_baseline", row.n_baseline},
                     {"samples_candidate", row.n_candidate},
                     {"repetitions_baseline", row.repetitions_baseline},
                     {"repetitions_candidate", row.repetitions_candidate},
                     {"note", row.note}};
    if (row.measured) {
      x["baseline"] = row.baseline_value;
      x["candidate"] = row.candidate_value;
      x["ratio"] = row.ratio;
      x["change"] = row.ratio - 1;
      x["ratio_low"] = optional_json(row.ratio_low);
      x["ratio_high"] = optional_json(row.ratio_high);
      x["p_value"] = row.p_value;
      x["z"] = row.z;
      x["runs_p_value"] = optional_json(row.runs_p_value);
      x["runs_z"] = optional_json(row.runs_z);
      x["significant"] = row.significant;
      x["enough_samples"] = row.enough_samples;
    }
    j["rows"].push_back(std::move(x));
  }
  j["only_in_baseline"] = r.only_in_baseline;
  j["only_in_candidate"] = r.only_in_candidate;
  j["geomean"] = {{"ratio", optional_json(r.geomean_ratio)},
                  {"change", r.geomean_ratio ? nlohmann::json(*r.geomean_ratio - 1) : nlohmann::json(nullptr)},
                  {"pairs", r.geomean_count}};
  nlohmann::json counts = nlohmann::json::object();
  for (const auto v : {verdict::regression, verdict::improvement, verdict::unchanged, verdict::too_few_samples,
                       verdict::failed_in_candidate, verdict::failed_in_baseline, verdict::failed_in_both}) {
    counts[std::string(name_of(v))] = r.count(v);
  }
  j["counts"] = counts;
  j["regressed"] = r.regressed();
  return j;
}

std::vector<std::string> regression_formats() { return {"table", "markdown", "json"}; }

void write_regression_report(const regression_report& r, const std::string& format, std::ostream& out) {
  if (format == "table") {
    write_table(r, out);
  } else if (format == "markdown") {
    write_markdown(r, out);
  } else if (format == "json") {
    out << to_json(r).dump(2) << '\n';
  } else {
    throw input_error(fmt::format("--format: unknown format '{}'; valid formats: {}", format,
                                  fmt::join(regression_formats(), ", ")));
  }
}

} // namespace gbench::report

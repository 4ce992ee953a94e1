#include "gbench/compare/report_diff.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/stats/compare.hpp"

namespace gbench::compare {

std::string_view name_of(outcome o) {
  switch (o) {
  case outcome::regression:
    return "regression";
  case outcome::improvement:
    return "improvement";
  case outcome::unchanged:
    return "unchanged";
  case outcome::too_few_samples:
    return "too few samples";
  case outcome::inconclusive:
    return "inconclusive";
  case outcome::failed_in_candidate:
    return "failed in candidate";
  case outcome::failed_in_baseline:
    return "failed in baseline";
  case outcome::failed_in_both:
    return "failed in both";
  }
  return "?";
}

std::size_t report_diff::count(outcome o) const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [o](const auto& r) { return r.result == o; }));
}

bool report_diff::regressed() const {
  return count(outcome::regression) > 0 || count(outcome::failed_in_candidate) > 0;
}

bool report_diff::inconclusive() const { return count(outcome::inconclusive) > 0; }

namespace {

std::string key_text(const report::stored_series& s) { return fmt::format("{} @ {}", s.preset, s.batch); }

// A series' samples, one group per repetition (process); with `rounds`, the i-th is given round i + 1.
sample_groups groups_of(const report::stored_series& s, bool rounds) {
  sample_groups out;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < s.repetition_sizes.size(); ++i) {
    const auto n = s.repetition_sizes[i];
    out.push_back({std::vector<double>(s.samples_ns.begin() + static_cast<std::ptrdiff_t>(begin),
                                       s.samples_ns.begin() + static_cast<std::ptrdiff_t>(begin + n)),
                   i < s.chunk_sizes.size() ? s.chunk_sizes[i] : 0, rounds ? i + 1 : 0});
    begin += n;
  }
  return out;
}

std::string about(const report::stored_report& r) {
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

diff_row diff_series(const report::stored_series& base, const report::stored_series& cand, const diff_options& o) {
  diff_row row;
  row.preset = base.preset;
  row.batch = base.batch;
  row.n_baseline = base.samples_ns.size();
  row.n_candidate = cand.samples_ns.size();
  row.repetitions_baseline = base.repetitions;
  row.repetitions_candidate = cand.repetitions;
  if (!base.ok || !cand.ok) {
    if (!base.ok && !cand.ok) {
      row.result = outcome::failed_in_both;
      row.note = fmt::format("failed in both: baseline: {}; candidate: {}", base.error, cand.error);
    } else if (!cand.ok) {
      row.result = outcome::failed_in_candidate;
      row.note = fmt::format("failed in the candidate: {}", cand.error);
    } else {
      row.result = outcome::failed_in_baseline;
      row.note = fmt::format("failed in the baseline, nothing to compare with: {}", base.error);
    }
    return row;
  }
  static_cast<change&>(row) =
      compare_samples(groups_of(base, o.paired), groups_of(cand, o.paired), base.batch, o.what, o);
  row.measured = true;
  switch (row.verdict) {
  case verdict::worse:
    row.result = outcome::regression;
    break;
  case verdict::better:
    row.result = outcome::improvement;
    break;
  case verdict::unchanged:
    row.result = outcome::unchanged;
    break;
  case verdict::too_few_samples:
    row.result = outcome::too_few_samples;
    break;
  case verdict::inconclusive: {
    row.result = outcome::inconclusive;
    const auto& cmd = cand.command_line.empty() ? base.command_line : cand.command_line;
    row.decide_command = cmd.empty() ? fmt::format("scripts/ci-regression --rounds {}", row.runs_needed)
                                     : fmt::format("{} -r {} (each side), or scripts/ci-regression --rounds {}",
                                                   fmt::join(cmd, " "), row.runs_needed, row.runs_needed);
    row.note += "; measure again: " + row.decide_command;
    break;
  }
  }
  if (row.result == outcome::unchanged && row.note.empty() && row.mde) {
    row.note = fmt::format("would detect >= {:.1f}%", 100.0 * *row.mde);
  }
  if (o.paired && !row.paired && row.runs_p_value) {
    const auto unpaired = fmt::format("not paired ({} vs {} runs; --paired needs as many a side): Welch's t instead",
                                      row.repetitions_baseline, row.repetitions_candidate);
    row.note = row.note.empty() ? unpaired : row.note + "; " + unpaired;
  }
  return row;
}

} // namespace

report_diff diff_reports(const report::stored_report& baseline, const report::stored_report& candidate,
                         const diff_options& options) {
  check(options);
  report_diff r;
  r.options = options;
  r.baseline_name = baseline.name;
  r.candidate_name = candidate.name;
  r.baseline_about = about(baseline);
  r.candidate_about = about(candidate);
  r.model_name = baseline.report.model.name.empty() ? std::string("?") : baseline.report.model.name;
  r.differences = report::differing_facts(baseline, candidate);
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
      r.rows.push_back(diff_series(b, *c, options));
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

nlohmann::json to_json(const report_diff& d) {
  const auto or_null = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json j;
  j["schema"] = "graviton-bench-comparison";
  j["schema_version"] = 1;
  j["baseline"] = {{"file", d.baseline_name}, {"about", d.baseline_about}};
  j["candidate"] = {{"file", d.candidate_name}, {"about", d.candidate_about}};
  j["model"] = d.model_name;
  j["options"] = {{"metric", name_of(d.options.what)},
                  {"higher_is_better", higher_is_better(d.options.what)},
                  {"alpha", d.options.alpha},
                  {"threshold", d.options.threshold},
                  {"allow_mismatch", d.options.allow_mismatch},
                  {"paired", d.options.paired},
                  {"confidence", d.options.confidence},
                  {"resamples", d.options.resamples}};
  j["differences"] = nlohmann::json::array();
  for (const auto& f : d.differences) {
    j["differences"].push_back({{"key", f.key}, {"baseline", f.baseline}, {"candidate", f.candidate}});
  }
  j["rows"] = nlohmann::json::array();
  for (const auto& row : d.rows) {
    nlohmann::json x{{"preset", row.preset},
                     {"batch", row.batch},
                     {"verdict", name_of(row.result)},
                     {"measured", row.measured},
                     {"samples_baseline", row.n_baseline},
                     {"samples_candidate", row.n_candidate},
                     {"repetitions_baseline", row.repetitions_baseline},
                     {"repetitions_candidate", row.repetitions_candidate},
                     {"note", row.note}};
    if (row.result == outcome::inconclusive) {
      x["runs_needed"] = row.runs_needed;
      x["decide_command"] = row.decide_command;
    }
    if (row.measured) {
      x["baseline"] = row.baseline_value;
      x["candidate"] = row.candidate_value;
      x["ratio"] = row.ratio;
      x["change"] = row.ratio - 1;
      x["ratio_low"] = or_null(row.ratio_low);
      x["ratio_high"] = or_null(row.ratio_high);
      x["p_value"] = row.p_value;
      x["z"] = row.z;
      x["runs_p_value"] = or_null(row.runs_p_value);
      x["runs_z"] = or_null(row.runs_z);
      x["paired"] = row.paired;
      x["minimal_detectable_effect"] = or_null(row.mde);
      x["significant"] = row.significant;
      x["enough_samples"] = row.enough_samples;
    }
    j["rows"].push_back(std::move(x));
  }
  j["only_in_baseline"] = d.only_in_baseline;
  j["only_in_candidate"] = d.only_in_candidate;
  j["geomean"] = {{"ratio", or_null(d.geomean_ratio)},
                  {"change", d.geomean_ratio ? nlohmann::json(*d.geomean_ratio - 1) : nlohmann::json(nullptr)},
                  {"pairs", d.geomean_count}};
  nlohmann::json counts = nlohmann::json::object();
  for (const auto o : {outcome::regression, outcome::improvement, outcome::unchanged, outcome::inconclusive,
                       outcome::too_few_samples,
                       outcome::failed_in_candidate, outcome::failed_in_baseline, outcome::failed_in_both}) {
    counts[std::string(name_of(o))] = d.count(o);
  }
  j["counts"] = counts;
  j["regressed"] = d.regressed();
  j["inconclusive"] = d.inconclusive();
  return j;
}

} // namespace gbench::compare

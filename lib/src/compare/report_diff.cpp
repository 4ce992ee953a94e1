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

// One side's view of a (preset, batch): its processes' samples, how many processes held it, whether all
// measured it, the first failure's reason.
struct series {
  std::string preset;
  std::int64_t batch = 0;
  bool ok = true;
  std::string error;
  int repetitions = 0;
  sample_groups groups;
};

void fail(series& s, const std::string& error) {
  if (s.ok) {
    s.ok = false;
    s.error = error.empty() ? std::string("failed (no reason recorded)") : error;
  }
}

series& find_or_add(std::vector<series>& all, const std::string& preset, std::int64_t batch) {
  const auto it = std::find_if(all.begin(), all.end(), [&](const series& s) { return s.preset == preset && s.batch == batch; });
  if (it != all.end()) {
    return *it;
  }
  all.push_back({preset, batch, true, {}, 0, {}});
  return all.back();
}

// Every (preset, batch) of a report in order of first appearance, each process's samples given its position
// among that series' processes as its round when the comparison pairs (`rounds`), else none.
std::vector<series> series_of(const record::report& r, bool rounds, bool cycles) {
  std::vector<series> all;
  for (const auto& run : r.runs) {
    std::vector<std::int64_t> seen;
    for (const auto& b : run.batches) {
      seen.push_back(b.batch);
      auto& s = find_or_add(all, run.preset.name, b.batch);
      ++s.repetitions;
      // Reports of one lockstep session (the builds of one run) ran side by side: their workers pair by process
      // set and cycle. Otherwise, with --paired, the i-th process of each side is paired with the i-th of the other
      // (the rounds scripts/ci-regression ran); else not at all.
      const bool lockstep = cycles && run.design != record::design::rounds;
      if (const auto g = samples_of(b, lockstep ? run.repetition : rounds ? s.repetitions : 0, lockstep)) {
        s.groups.push_back(*g);
      } else {
        fail(s, b.error.empty() ? run.error : b.error);
      }
    }
    // A process that died records no result for the batches it did not reach: they failed with it.
    for (const auto batch : run.ok ? std::vector<std::int64_t>{} : r.settings.batches) {
      if (std::find(seen.begin(), seen.end(), batch) == seen.end()) {
        auto& s = find_or_add(all, run.preset.name, batch);
        ++s.repetitions;
        fail(s, run.error);
      }
    }
  }
  return all;
}

const series* find(const std::vector<series>& all, const series& like) {
  const auto it = std::find_if(all.begin(), all.end(),
                               [&](const series& s) { return s.preset == like.preset && s.batch == like.batch; });
  return it == all.end() ? nullptr : &*it;
}

std::string key_text(const series& s) { return fmt::format("{} @ {}", s.preset, s.batch); }

std::string about(const stored_report& r) {
  const auto text = [](const std::string& s) { return s.empty() ? std::string("?") : s; };
  const auto& c = r.report.context;
  std::string libtorch = "?";
  for (const auto& [key, value] : facts_of(r.report)) {
    if (key == "libtorch.version") {
      libtorch = value;
    }
  }
  return fmt::format("graviton-bench {} ({}), {}, {} on {} {}, LibTorch {}", text(c.tool.version),
                     text(c.tool.git_sha), text(c.date), text(r.report.model.name), text(c.host.cpu_model),
                     text(c.host.arch), libtorch);
}

outcome outcome_of(record::verdict v) {
  switch (v) {
  case record::verdict::worse:
    return outcome::regression;
  case record::verdict::better:
    return outcome::improvement;
  case record::verdict::unchanged:
    return outcome::unchanged;
  case record::verdict::too_few_samples:
    return outcome::too_few_samples;
  case record::verdict::inconclusive:
    return outcome::inconclusive;
  }
  return outcome::unchanged;
}

void add_note(diff_row& row, const std::string& note) { row.note = row.note.empty() ? note : row.note + "; " + note; }

diff_row diff_series(const series& base, const series& cand, const std::vector<std::string>& command,
                     const diff_options& o) {
  diff_row row;
  row.preset = base.preset;
  row.batch = base.batch;
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
  const auto& c = row.comparison.emplace(compare_samples(base.groups, cand.groups, base.batch, o.what, o));
  row.result = outcome_of(c.verdict);
  add_note(row, c.note);
  if (row.result == outcome::inconclusive) {
    row.decide_command = command.empty() ? fmt::format("scripts/ci-regression --rounds {}", c.runs_needed)
                                         : fmt::format("{} -r {} (each side), or scripts/ci-regression --rounds {}",
                                                       fmt::join(command, " "), c.runs_needed, c.runs_needed);
    add_note(row, "measure again: " + row.decide_command);
  }
  if (row.result == outcome::unchanged && c.note.empty() && c.mde) {
    add_note(row, fmt::format("would detect >= {:.1f}%", 100.0 * *c.mde));
  }
  if (o.paired && c.design == record::design::independent && c.p_value) {
    add_note(row, fmt::format("not paired ({} vs {} runs; --paired needs as many a side): an unpaired test instead",
                              row.repetitions_baseline, row.repetitions_candidate));
  }
  return row;
}

} // namespace

report_diff diff_reports(const stored_report& baseline, const stored_report& candidate, const diff_options& options) {
  check(options);
  report_diff r;
  r.options = options;
  r.baseline_name = baseline.name;
  r.candidate_name = candidate.name;
  r.baseline_about = about(baseline);
  r.candidate_about = about(candidate);
  r.model_name = baseline.report.model.name.empty() ? std::string("?") : baseline.report.model.name;
  r.differences = differing_facts(baseline.report, candidate.report);
  if (!r.differences.empty() && !options.allow_mismatch) {
    std::vector<std::string> parts;
    for (const auto& d : r.differences) {
      parts.push_back(fmt::format("{} is {} in the baseline but {} in the candidate", d.key, d.baseline, d.candidate));
    }
    throw mismatch_error(fmt::format("{} and {} were measured on different set-ups and are not comparable: {}; "
                                     "pass --allow-mismatch to compare them anyway",
                                     baseline.name, candidate.name, fmt::join(parts, "; ")));
  }
  // Only the builds of one lockstep run share a session: their cycles ran side by side.
  const auto& session = baseline.report.context.session;
  const bool same_session = !session.empty() && session == candidate.report.context.session;
  const auto base = series_of(baseline.report, options.paired, same_session);
  const auto cand = series_of(candidate.report, options.paired, same_session);
  const auto& command =
      candidate.report.context.command_line.empty() ? baseline.report.context.command_line : candidate.report.context.command_line;
  for (const auto& b : base) {
    if (const auto* c = find(cand, b)) {
      r.rows.push_back(diff_series(b, *c, command, options));
    } else {
      r.only_in_baseline.push_back(key_text(b));
    }
  }
  for (const auto& c : cand) {
    if (find(base, c) == nullptr) {
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
    if (row.comparison) {
      ratios.push_back(row.comparison->ratio);
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
  j["schema_version"] = 2;
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
                     {"measured", row.measured()},
                     {"repetitions_baseline", row.repetitions_baseline},
                     {"repetitions_candidate", row.repetitions_candidate},
                     {"note", row.note}};
    if (row.result == outcome::inconclusive) {
      x["decide_command"] = row.decide_command;
    }
    if (row.comparison) {
      x["comparison"] = record::to_json(*row.comparison);
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

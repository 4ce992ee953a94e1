#include "gbench/tune/race.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gbench/compare/preset_comparison.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::tune {

namespace {

double median_of_medians(const entrant& e) {
  std::vector<double> medians;
  for (const auto& p : e.processes) {
    if (!p.empty()) {
      medians.push_back(stats::median(p));
    }
  }
  return medians.empty() ? 0.0 : stats::median(medians);
}

int processes_of(const entrant& e) {
  return static_cast<int>(std::count_if(e.processes.begin(), e.processes.end(), [](const auto& p) { return !p.empty(); }));
}

} // namespace

versus compare_groups(const compare::sample_groups& baseline, const compare::sample_groups& candidate,
                      std::int64_t batch, double alpha) {
  compare::settings s;
  s.alpha = alpha;
  const auto c = compare::compare_samples(baseline, candidate, batch, compare::metric::median, s);
  versus v;
  // The engine's ratio is candidate / baseline time; a speed-up is its inverse.
  v.speedup = 1.0 / c.ratio;
  v.ci_low = c.ratio_high ? 1.0 / *c.ratio_high : v.speedup;
  v.ci_high = c.ratio_low ? 1.0 / *c.ratio_low : v.speedup;
  v.p_value = c.p_value;
  v.p_value_runs = c.runs_p_value;
  v.verdict = compare::preset_verdict(c);
  v.across_processes = !c.samples_only && c.runs_p_value.has_value();
  v.significant = c.significant;
  return v;
}

judgement judge(const std::vector<entrant>& entrants, const race_rules& rules, std::int64_t batch) {
  judgement out;
  std::vector<standing> racing;
  std::vector<standing> out_of_race;
  const entrant* best = nullptr;
  for (const auto& e : entrants) {
    standing s;
    s.id = e.id;
    s.processes = processes_of(e);
    s.median_ns = median_of_medians(e);
    if (e.failure) {
      s.eliminated = true;
      s.reason = *e.failure;
      out_of_race.push_back(std::move(s));
      continue;
    }
    if (s.processes == 0) {
      racing.push_back(std::move(s)); // not measured yet: it stays in
      continue;
    }
    if (best == nullptr || s.median_ns < median_of_medians(*best)) {
      best = &e;
    }
    racing.push_back(std::move(s));
  }
  if (best == nullptr) {
    out.standings = std::move(out_of_race);
    out.finished = true;
    out.why = entrants.empty() ? "no candidate" : "every candidate failed";
    return out;
  }
  out.best = best->id;
  std::size_t left = 0;
  std::size_t ties = 0;
  for (auto& s : racing) {
    if (s.id == best->id) {
      ++left;
      continue;
    }
    const auto& e = *std::find_if(entrants.begin(), entrants.end(), [&](const entrant& x) { return x.id == s.id; });
    if (s.processes == 0) {
      ++left;
      continue;
    }
    const auto c = compare_groups(best->processes, e.processes, batch, rules.alpha);
    s.vs_best = c;
    if (c.verdict == "slower" && c.across_processes) {
      s.eliminated = true;
      // In the candidate's terms: how many times as long as the best it takes (1 / speed-up).
      s.reason = fmt::format("slower than {}: {:.3g}x its time [{:.3g}, {:.3g}], p = {:.2g}, across {} vs {} "
                             "processes p = {:.2g}",
                             best->id, 1.0 / c.speedup, 1.0 / c.ci_high, 1.0 / c.ci_low, c.p_value, s.processes,
                             processes_of(*best), c.p_value_runs.value_or(1.0));
      continue;
    }
    ++left;
    s.within_tolerance = c.across_processes && !c.significant && c.ci_low >= 1.0 / (1.0 + rules.tolerance);
    ties += s.within_tolerance ? 1 : 0;
  }
  std::stable_sort(racing.begin(), racing.end(), [&](const standing& a, const standing& b) {
    if (a.eliminated != b.eliminated) {
      return !a.eliminated;
    }
    if ((a.id == best->id) != (b.id == best->id)) {
      return a.id == best->id;
    }
    if ((a.processes == 0) != (b.processes == 0)) {
      return a.processes != 0;
    }
    return a.median_ns < b.median_ns;
  });
  out.standings = std::move(racing);
  out.standings.insert(out.standings.end(), out_of_race.begin(), out_of_race.end());
  if (left == 1) {
    out.finished = true;
    out.why = "one candidate left";
  } else if (ties + 1 == left) {
    out.finished = true;
    out.why = fmt::format("the others are within {:.1f}% of the best (interval included), with no significant "
                          "difference across processes",
                          100.0 * rules.tolerance);
  }
  return out;
}

nlohmann::json to_json(const standing& s) {
  nlohmann::json j{{"candidate", s.id},
                   {"median_ns", s.median_ns},
                   {"processes", s.processes},
                   {"eliminated", s.eliminated},
                   {"within_tolerance", s.within_tolerance}};
  if (s.eliminated) {
    j["reason"] = s.reason;
  }
  if (s.vs_best) {
    j["vs_best"] = {{"speedup", s.vs_best->speedup},
                    {"ci95", {s.vs_best->ci_low, s.vs_best->ci_high}},
                    {"p_value", s.vs_best->p_value},
                    {"p_value_runs", s.vs_best->p_value_runs ? nlohmann::json(*s.vs_best->p_value_runs) : nlohmann::json(nullptr)},
                    {"verdict", s.vs_best->verdict}};
  }
  return j;
}

} // namespace gbench::tune

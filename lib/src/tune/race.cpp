#include "gbench/tune/race.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gbench/stats/processes.hpp"

namespace gbench::tune {

namespace {

int processes_of(const entrant& e) {
  return static_cast<int>(
      std::count_if(e.processes.begin(), e.processes.end(), [](const auto& p) { return !p.samples.empty(); }));
}

compare::sample_groups measured(const entrant& e) {
  compare::sample_groups out;
  for (const auto& p : e.processes) {
    if (!p.samples.empty()) {
      out.push_back(p);
    }
  }
  return out;
}

// The engine's central value of a side (compare::change::baseline_value for the median): the mean of its
// processes' lowest chunk medians.
double estimate_of(const entrant& e) {
  double sum = 0;
  int n = 0;
  for (const auto& p : e.processes) {
    if (!p.samples.empty()) {
      sum += stats::process_estimate(p);
      ++n;
    }
  }
  return n == 0 ? 0.0 : sum / n;
}

// The entrant a standing stands for: every standing is made from one.
const entrant& entrant_of(const std::vector<entrant>& entrants, const std::string& id) {
  return *std::find_if(entrants.begin(), entrants.end(), [&](const entrant& e) { return e.id == id; });
}

} // namespace

record::comparison compare_to(const compare::sample_groups& baseline, const compare::sample_groups& candidate,
                              std::int64_t batch, double alpha) {
  compare::settings s;
  s.alpha = alpha;
  return compare::compare_samples(baseline, candidate, batch, compare::metric::median, s);
}

judgement judge(const std::vector<entrant>& entrants, const race_rules& rules, std::int64_t batch) {
  judgement out;
  std::vector<standing> racing;
  std::vector<standing> out_of_race;
  const entrant* best = nullptr;
  double best_estimate = 0;
  int fewest = min_processes;
  for (const auto& e : entrants) {
    standing s;
    s.id = e.id;
    s.processes = processes_of(e);
    s.estimate_ns = estimate_of(e);
    if (e.failure) {
      s.eliminated = true;
      s.reason = *e.failure;
      out_of_race.push_back(std::move(s));
      continue;
    }
    fewest = std::min(fewest, s.processes);
    if (s.processes > 0 && (best == nullptr || s.estimate_ns < best_estimate)) {
      best = &e;
      best_estimate = s.estimate_ns;
    }
    racing.push_back(std::move(s));
  }
  if (best == nullptr) {
    out.standings = std::move(racing);
    out.standings.insert(out.standings.end(), out_of_race.begin(), out_of_race.end());
    if (out.standings.empty() ||
        std::all_of(out.standings.begin(), out.standings.end(), [](const standing& s) { return s.eliminated; })) {
      out.finished = true;
      out.why = entrants.empty() ? "no candidate" : "every candidate failed";
    }
    return out;
  }
  std::string leader = best->id;
  // Timings eliminate only once every candidate left has been measured in enough processes to be tested
  // across them; until then a slow first process (placement, a slow episode of the machine) is not evidence.
  out.ready = fewest >= min_processes;
  const auto best_groups = measured(*best);
  std::size_t left = 0;
  std::size_t ties = 0;
  for (auto& s : racing) {
    ++left;
    if (s.id == best->id || s.processes == 0) {
      continue;
    }
    const auto& e = entrant_of(entrants, s.id);
    const auto c = compare_to(best_groups, measured(e), batch, rules.alpha);
    s.vs_best = c;
    if (!out.ready) {
      continue;
    }
    if (c.verdict == record::verdict::worse) {
      s.eliminated = true;
      --left;
      // In the candidate's terms: how many times as long as the best it takes: the engine's ratio.
      s.reason = fmt::format("slower than {}: {:.3g}x its time [{:.3g}, {:.3g}], {} p = {:.2g}", best->id, c.ratio,
                             c.ratio_low.value_or(c.ratio), c.ratio_high.value_or(c.ratio), c.test,
                             c.p_value.value_or(1.0));
      continue;
    }
    s.within_tolerance = c.verdict == record::verdict::unchanged && c.speedup_low &&
                         *c.speedup_low >= 1.0 / (1.0 + rules.tolerance);
    ties += s.within_tolerance ? 1 : 0;
  }
  // Successive halving, when the significance test has eliminated all it can this round and the race is not
  // over: the candidates left differ by less than their processes resolve so far, so the slower half by
  // estimate goes, and the faster half gets the next round's processes.
  std::vector<standing*> live;
  int fewest_live = 0;
  for (auto& s : racing) {
    if (!s.eliminated) {
      fewest_live = live.empty() ? s.processes : std::min(fewest_live, s.processes);
      live.push_back(&s);
    }
  }
  const bool tied_out = ties + 1 == left;
  bool halved = false;
  bool simpler_kept = false;
  if (rules.halving && out.ready && !tied_out &&
      (live.size() > 2 || (live.size() == 2 && fewest_live >= rules.final_processes))) {
    std::stable_sort(live.begin(), live.end(),
                     [](const standing* a, const standing* b) { return a->estimate_ns < b->estimate_ns; });
    const std::size_t keep = (live.size() + 1) / 2;
    halved = true;
    if (live.size() == 2 && live[0]->id == leader && live[1]->vs_best && live[1]->vs_best->mde) {
      // The last cut: two candidates the significance test could not separate. When the slower by estimate sets
      // fewer knobs and the gap is below what their processes could have shown, the extra knob has not been
      // seen to help, and it is left unset, as the tie rule does among candidates within the tolerance.
      const double gap = live[1]->estimate_ns / live[0]->estimate_ns - 1.0;
      const double mde = *live[1]->vs_best->mde;
      if (entrant_of(entrants, live[1]->id).knobs_set < entrant_of(entrants, live[0]->id).knobs_set && gap < mde) {
        // Neither is within the tolerance (that would have ended the race as a tie), so no tie is undone.
        auto& kept = *live[1];
        auto& cut = *live[0];
        cut.eliminated = true;
        --left;
        cut.reason = fmt::format("successive halving, last two: {:.3g}x the time of {} by estimate, below the {:.1f}% "
                                 "their processes could show ({} vs {} processes), and it sets more knobs: the one "
                                 "that sets fewer is kept",
                                 1.0 / (1.0 + gap), kept.id, 100.0 * mde, cut.processes, kept.processes);
        kept.vs_best.reset();
        leader = kept.id;
        simpler_kept = true;
      }
    }
    for (std::size_t i = keep; i < live.size() && !simpler_kept; ++i) {
      auto& s = *live[i];
      s.eliminated = true;
      ties -= s.within_tolerance ? 1 : 0;
      s.within_tolerance = false;
      --left;
      s.reason = fmt::format("successive halving: in the slower half of {} by estimate, {:.3g}x the time of {} "
                             "(not shown slower across processes, {} vs {} processes)",
                             live.size(), s.estimate_ns / best_estimate, best->id, s.processes,
                             processes_of(*best));
    }
  }
  std::stable_sort(racing.begin(), racing.end(), [&](const standing& a, const standing& b) {
    if (a.eliminated != b.eliminated) {
      return !a.eliminated;
    }
    if ((a.id == leader) != (b.id == leader)) {
      return a.id == leader;
    }
    if ((a.processes == 0) != (b.processes == 0)) {
      return a.processes != 0;
    }
    return a.estimate_ns < b.estimate_ns;
  });
  out.best = leader;
  out.standings = std::move(racing);
  out.standings.insert(out.standings.end(), out_of_race.begin(), out_of_race.end());
  if (left == 1) {
    out.finished = true;
    out.why = simpler_kept ? fmt::format("one candidate left after successive halving: of the last two, with {} "
                                         "processes each or more and a gap below what they could show, the one "
                                         "that sets fewer knobs",
                                         rules.final_processes)
              : halved     ? fmt::format("one candidate left after successive halving: the faster by estimate of the "
                                         "last two, with {} processes each or more",
                                         rules.final_processes)
                           : "one candidate left";
  } else if (out.ready && ties + 1 == left) {
    out.finished = true;
    out.why = fmt::format("the others are within {:.1f}% of the best (interval included), with no significant "
                          "difference across processes",
                          100.0 * rules.tolerance);
  }
  return out;
}

nlohmann::json to_json(const standing& s) {
  nlohmann::json j{{"candidate", s.id},
                   {"estimate_ns", s.estimate_ns},
                   {"processes", s.processes},
                   {"eliminated", s.eliminated},
                   {"within_tolerance", s.within_tolerance}};
  if (s.eliminated) {
    j["reason"] = s.reason;
  }
  if (s.vs_best) {
    j["vs_best"] = record::to_json(*s.vs_best);
  }
  return j;
}

} // namespace gbench::tune

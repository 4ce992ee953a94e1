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

// The entrants lined up for a round: those racing and those out (failed), the lowest estimate among the
// measured, and the fewest processes of any entrant racing.
struct field {
  std::vector<standing> racing;
  std::vector<standing> out_of_race;
  const entrant* best = nullptr;
  double best_estimate = 0;
  int fewest = min_processes;
  bool paired = false; ///< every process measured is a lockstep worker: ranked by the paired ratio
};

// How many times as long as the best a standing takes: under lockstep the engine's paired ratio (the turns of a
// cycle ran in the same seconds; an estimate, a process's lowest turn, is set by one lucky turn), else the ratio
// of the estimates.
double time_vs_best(const standing& s, const field& f) {
  if (f.paired && s.vs_best) {
    return s.vs_best->ratio;
  }
  return f.best_estimate > 0 ? s.estimate_ns / f.best_estimate : 1.0;
}

field line_up(const std::vector<entrant>& entrants) {
  field f;
  for (const auto& e : entrants) {
    standing s;
    s.id = e.id;
    s.processes = processes_of(e);
    s.estimate_ns = estimate_of(e);
    if (e.failure) {
      s.eliminated = true;
      s.reason = *e.failure;
      f.out_of_race.push_back(std::move(s));
      continue;
    }
    f.fewest = std::min(f.fewest, s.processes);
    if (s.processes > 0 && (f.best == nullptr || s.estimate_ns < f.best_estimate)) {
      f.best = &e;
      f.best_estimate = s.estimate_ns;
    }
    f.racing.push_back(std::move(s));
  }
  f.paired = f.best != nullptr;
  for (const auto& e : entrants) {
    for (const auto& p : e.processes) {
      f.paired = f.paired && (p.samples.empty() || p.lockstep);
    }
  }
  return f;
}

// Under lockstep the leader is the fastest by the paired ratio against the lowest estimate, not by estimate.
void lead_by_pairs(field& f, const std::vector<entrant>& entrants, std::int64_t batch, double alpha) {
  const auto base = measured(*f.best);
  const entrant* best = f.best;
  double lowest = 1.0;
  for (const auto& s : f.racing) {
    if (s.id == f.best->id || s.processes == 0) {
      continue;
    }
    const auto& e = entrant_of(entrants, s.id);
    if (const double r = compare_to(base, measured(e), batch, alpha).ratio; r < lowest) {
      lowest = r;
      best = &e;
    }
  }
  f.best = best;
  f.best_estimate = estimate_of(*best);
}

// A round in which no entrant has been measured: over only when every entrant failed, or there is none.
judgement without_leader(field f, bool no_entrants) {
  judgement out;
  out.standings = std::move(f.racing);
  out.standings.insert(out.standings.end(), f.out_of_race.begin(), f.out_of_race.end());
  if (out.standings.empty() ||
      std::all_of(out.standings.begin(), out.standings.end(), [](const standing& s) { return s.eliminated; })) {
    out.finished = true;
    out.why = no_entrants ? "no candidate" : "every candidate failed";
  }
  return out;
}

// The entrants still in the race, and how many of them tie with the best.
struct tally {
  std::size_t left = 0;
  std::size_t ties = 0;
};

// Each entrant against the best by the comparison engine. Once `ready`, the engine's `worse` eliminates, and
// `unchanged` with the interval within the tolerance is a tie.
tally eliminate_slower(std::vector<standing>& racing, const std::vector<entrant>& entrants, const entrant& best,
                       const race_rules& rules, std::int64_t batch, bool ready) {
  tally t;
  const auto best_groups = measured(best);
  for (auto& s : racing) {
    ++t.left;
    if (s.id == best.id || s.processes == 0) {
      continue;
    }
    const auto c = compare_to(best_groups, measured(entrant_of(entrants, s.id)), batch, rules.alpha);
    s.vs_best = c;
    if (!ready) {
      continue;
    }
    if (c.verdict == record::verdict::worse) {
      s.eliminated = true;
      --t.left;
      // In the candidate's terms: how many times as long as the best it takes: the engine's ratio.
      s.reason = fmt::format("slower than {}: {:.3g}x its time [{:.3g}, {:.3g}], {} p = {:.2g}", best.id, c.ratio,
                             c.ratio_low.value_or(c.ratio), c.ratio_high.value_or(c.ratio), c.test,
                             c.p_value.value_or(1.0));
      continue;
    }
    s.within_tolerance = c.verdict == record::verdict::unchanged && c.speedup_low &&
                         *c.speedup_low >= 1.0 / (1.0 + rules.tolerance);
    t.ties += s.within_tolerance ? 1 : 0;
  }
  return t;
}

// What successive halving did in a round.
struct halving {
  bool halved = false;
  bool simpler_kept = false;
};

// The last cut: two candidates the significance test could not separate. When the slower by estimate sets
// fewer knobs and the gap is below what their processes could have shown, the extra knob has not been seen to
// help, and it is left unset, as the tie rule does among candidates within the tolerance. Returns whether the
// slower was kept (and made the leader).
bool keep_the_simpler(standing& faster, standing& slower, const std::vector<entrant>& entrants, const field& f,
                      tally& t, std::string& leader) {
  const double gap = time_vs_best(slower, f) - 1.0;
  const double mde = *slower.vs_best->mde;
  if (!(entrant_of(entrants, slower.id).knobs_set < entrant_of(entrants, faster.id).knobs_set && gap < mde)) {
    return false;
  }
  // Neither is within the tolerance (that would have ended the race as a tie), so no tie is undone.
  faster.eliminated = true;
  --t.left;
  faster.reason = fmt::format("successive halving, last two: {:.3g}x the time of {} {}, below the {:.1f}% "
                              "their processes could show ({} vs {} processes), and it sets more knobs: the one "
                              "that sets fewer is kept",
                              1.0 / (1.0 + gap), slower.id, f.paired ? "in paired turns" : "by estimate", 100.0 * mde,
                              faster.processes, slower.processes);
  slower.vs_best.reset();
  leader = slower.id;
  return true;
}

// Successive halving, when the significance test has eliminated all it can this round and the race is not
// over: the candidates left differ by less than their processes resolve so far, so the slower half by
// estimate goes, and the faster half gets the next round's processes.
halving halve(field& f, const std::vector<entrant>& entrants, const race_rules& rules, tally& t,
              std::string& leader) {
  halving h;
  std::vector<standing*> live;
  int fewest_live = 0;
  for (auto& s : f.racing) {
    if (!s.eliminated) {
      fewest_live = live.empty() ? s.processes : std::min(fewest_live, s.processes);
      live.push_back(&s);
    }
  }
  const bool tied_out = t.ties + 1 == t.left;
  if (!rules.halving || tied_out ||
      !(live.size() > 2 || (live.size() == 2 && fewest_live >= rules.final_processes))) {
    return h;
  }
  std::stable_sort(live.begin(), live.end(),
                   [&](const standing* a, const standing* b) { return time_vs_best(*a, f) < time_vs_best(*b, f); });
  const std::size_t keep = (live.size() + 1) / 2;
  h.halved = true;
  if (live.size() == 2 && live[0]->id == leader && live[1]->vs_best && live[1]->vs_best->mde) {
    h.simpler_kept = keep_the_simpler(*live[0], *live[1], entrants, f, t, leader);
  }
  for (std::size_t i = keep; i < live.size() && !h.simpler_kept; ++i) {
    auto& s = *live[i];
    s.eliminated = true;
    t.ties -= s.within_tolerance ? 1 : 0;
    s.within_tolerance = false;
    --t.left;
    s.reason = fmt::format("successive halving: in the slower half of {} {}, {:.3g}x the time of {} "
                           "(not shown slower across processes, {} vs {} processes)",
                           live.size(), f.paired ? "in paired turns" : "by estimate", time_vs_best(s, f), f.best->id,
                           s.processes, processes_of(*f.best));
  }
  return h;
}

// The leader first, then those measured by their time against the best, those not measured yet; eliminated
// entrants last.
void order_standings(std::vector<standing>& racing, const std::string& leader, const field& f) {
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
    return time_vs_best(a, f) < time_vs_best(b, f);
  });
}

// The race is over when one entrant is left, or every other one ties with the best.
void decide_finish(judgement& out, const tally& t, const halving& h, const race_rules& rules, bool paired) {
  if (t.left == 1) {
    out.finished = true;
    out.why = h.simpler_kept ? fmt::format("one candidate left after successive halving: of the last two, with {} "
                                           "processes each or more and a gap below what they could show, the one "
                                           "that sets fewer knobs",
                                           rules.final_processes)
              : h.halved     ? fmt::format("one candidate left after successive halving: the faster {} of the last "
                                           "two, with {} processes each or more",
                                           paired ? "in paired turns" : "by estimate", rules.final_processes)
                             : "one candidate left";
  } else if (out.ready && t.ties + 1 == t.left) {
    out.finished = true;
    out.why = fmt::format("the others are within {:.1f}% of the best (interval included), with no significant "
                          "difference across processes",
                          100.0 * rules.tolerance);
  }
}

} // namespace

record::comparison compare_to(const compare::sample_groups& baseline, const compare::sample_groups& candidate,
                              std::int64_t batch, double alpha) {
  compare::settings s;
  s.alpha = alpha;
  return compare::compare_samples(baseline, candidate, batch, compare::metric::median, s);
}

judgement judge(const std::vector<entrant>& entrants, const race_rules& rules, std::int64_t batch) {
  auto f = line_up(entrants);
  if (f.best == nullptr) {
    return without_leader(std::move(f), entrants.empty());
  }
  if (f.paired) {
    lead_by_pairs(f, entrants, batch, rules.alpha);
  }
  judgement out;
  std::string leader = f.best->id;
  // Timings eliminate only once every candidate left has been measured in enough processes to be tested
  // across them; until then a slow first process (placement, a slow episode of the machine) is not evidence.
  out.ready = f.fewest >= min_processes;
  auto t = eliminate_slower(f.racing, entrants, *f.best, rules, batch, out.ready);
  const auto h = out.ready ? halve(f, entrants, rules, t, leader) : halving{};
  order_standings(f.racing, leader, f);
  out.best = leader;
  out.standings = std::move(f.racing);
  out.standings.insert(out.standings.end(), f.out_of_race.begin(), f.out_of_race.end());
  decide_finish(out, t, h, rules, f.paired);
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

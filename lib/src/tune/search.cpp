#include "gbench/tune/search.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "searcher.hpp"

namespace gbench::tune {

namespace detail {

namespace {

// Which processes a winner's comparison with default rests on.
std::string basis_of(const record::comparison& c, std::size_t def, std::size_t win, bool confirmed_here,
                     bool interrupted) {
  if (!confirmed_here) {
    return fmt::format("{} processes of default, {} of the winner, pooled across stages: the {} before a "
                       "confirmation race",
                       def, win, interrupted ? "search was interrupted" : "budget ran out");
  }
  return c.design == record::design::lockstep
             ? fmt::format("confirmation race in lockstep: {} process sets of default and the winner taking turns",
                           std::min(def, win))
             : fmt::format("confirmation race: {} processes of default, {} of the winner, interleaved", def, win);
}

} // namespace

searcher::searcher(const search_space& space, const search_options& options, const process_runner& runner,
                   const std::function<double()>& now, const std::function<void(const std::string&)>& say,
                   const lockstep_runner& sets)
    : space_(space), opt_(options), runner_(runner), now_(now), say_(say), sets_(sets) {
  result_.space = space;
  result_.options = options;
}

search_result searcher::run() {
  std::map<std::int64_t, assignment> base;
  const auto groups = opt_.strategy == "joint" ? std::vector<std::string>{""} : space_.groups();
  check_race_sizes(groups);
  for (const auto& group : groups) {
    const std::string stage = group.empty() ? "all" : group;
    field_map fields;
    for (const auto b : opt_.batches) {
      fields[b] = combinations(space_, base[b], group);
    }
    const auto winners = race(stage, fields);
    for (const auto& [b, w] : winners) {
      if (const auto it = result_.candidates.find(w); it != result_.candidates.end()) {
        base[b] = it->second;
      }
    }
    first_stage_done_ = true;
  }
  confirm(base);
  result_.wall_s = now_();
  estimate_grid(base);
  return std::move(result_);
}

// Refused before any process runs, rather than a search that could not end (or a list that fills memory).
void searcher::check_race_sizes(const std::vector<std::string>& groups) const {
  for (const auto& group : groups) {
    if (const double n = race_size(space_, group); n > max_race_size) {
      throw input_error(fmt::format(
          "{} holds {:.0f} configurations to race at once, more than {:.0f}; {}",
          group.empty() ? std::string("--strategy joint: the grid") : "group '" + group + "'", n, max_race_size,
          group.empty() ? "use --strategy staged, or fewer --knobs or candidates"
                        : "declare fewer candidates, split the group, or use fewer --knobs"));
    }
  }
}

void searcher::say(const std::string& line) const {
  if (say_) {
    say_(line);
  }
}

batch_outcome& searcher::outcome(std::int64_t b) {
  auto it = std::find_if(result_.outcomes.begin(), result_.outcomes.end(),
                         [&](const batch_outcome& o) { return o.batch == b; });
  if (it == result_.outcomes.end()) {
    result_.outcomes.push_back({});
    result_.outcomes.back().batch = b;
    return result_.outcomes.back();
  }
  return *it;
}

std::string searcher::register_candidate(const assignment& a) {
  const std::string name = name_of(space_, a);
  result_.candidates.emplace(name, a);
  return name;
}

// A candidate's timed processes at a batch, across stages (`stage` empty) or in one stage. Within one stage a
// lockstep worker keeps its process set, so that the engine pairs it with the other side's worker of that set;
// pooled across stages the sets of different stages are not the same seconds, and every process counts alone.
compare::sample_groups searcher::processes_of(const std::string& name, std::int64_t b,
                                              const std::string& stage) const {
  compare::sample_groups out;
  for (const auto& p : result_.processes) {
    if (p.evidence || p.candidate != name || (!stage.empty() && p.stage != stage)) {
      continue;
    }
    const int set = !stage.empty() && p.run.design == record::design::lockstep ? p.round : 0;
    for (const auto& r : p.run.batches) {
      if (const auto samples = r.batch == b ? compare::samples_of(r, set, set > 0) : std::nullopt) {
        out.push_back(*samples);
      }
    }
  }
  return out;
}

// The winner against default in a race of their own, so that the speed-up rests on processes run side by side.
void searcher::confirm(const std::map<std::int64_t, assignment>& base) {
  field_map fields;
  for (const auto b : opt_.batches) {
    auto& o = outcome(b);
    const auto it = base.find(b);
    o.winner_assignment = it == base.end() ? assignment{} : it->second;
    o.winner = name_of(space_, o.winner_assignment);
    if (o.winner != "default" && !result_.budget_spent && !result_.interrupted) {
      fields[b] = {assignment{}, o.winner_assignment};
    }
  }
  if (!fields.empty()) {
    race("confirm", fields, true);
  }
  for (const auto b : opt_.batches) {
    settle_winner(outcome(b), b, fields.count(b) != 0);
  }
}

// The winner of a batch compared with default, kept only when shown faster, and written as a preset.
void searcher::settle_winner(batch_outcome& o, std::int64_t b, bool confirmed_here) {
  if (o.winner == "default") {
    o.note = "no candidate was faster than default";
  } else {
    // Both sides from the confirmation's own processes (even when one was eliminated there); without a
    // confirmation, from every stage that timed them.
    const auto def = processes_of("default", b, confirmed_here ? "confirm" : "");
    const auto win = processes_of(o.winner, b, confirmed_here ? "confirm" : "");
    if (!def.empty() && !win.empty()) {
      o.vs_default = compare_to(def, win, b, opt_.rules.alpha);
      o.basis = basis_of(*o.vs_default, def.size(), win.size(), confirmed_here, result_.interrupted);
    }
    // A configuration is recommended only on evidence across processes that it beats leaving every knob unset.
    if (!o.vs_default || o.vs_default->verdict != record::verdict::better) {
      o.note = fmt::format("{} was not shown faster than default across processes ({}); default kept", o.winner,
                           o.vs_default ? fmt::format("{:.3f}x, {}", o.vs_default->speedup,
                                                      record::name_of(o.vs_default->verdict))
                                        : std::string("no timed processes of both"));
      o.winner = "default";
      o.winner_assignment = {};
    }
  }
  o.winner_preset = preset_of(space_, o.winner_assignment, fmt::format("tuned-b{}", b));
  o.winner_preset.description = fmt::format("found by graviton-bench tune at batch {}: {}", b, o.winner);
}

// What the full grid would have cost: every point screened once and timed in as many processes as the search
// timed its winner in (at the least precise batch; never fewer than a verdict across processes needs), at the
// mean measured cost of a process's start and of each batch. A grid that measured its points less precisely
// than that could not tell them apart as finely as the search told its winner from the others.
void searcher::estimate_grid(const std::map<std::int64_t, assignment>& winners) {
  int n = std::numeric_limits<int>::max();
  for (const auto b : opt_.batches) {
    const auto it = winners.find(b);
    const std::string name = name_of(space_, it == winners.end() ? assignment{} : it->second);
    const auto timed = processes_of(name, b).size() - processes_of(name, b, "confirm").size();
    n = std::min(n, static_cast<int>(timed));
  }
  n = opt_.batches.empty() ? min_processes : std::max(n, min_processes);
  result_.processes_per_point = n;
  double evidence_s = 0, overhead_s = 0;
  int evidence_n = 0, timed_n = 0;
  std::map<std::int64_t, std::pair<double, int>> batch_s;
  for (const auto& p : result_.processes) {
    if (p.evidence) {
      evidence_s += p.wall_s;
      ++evidence_n;
      continue;
    }
    double inside = 0;
    for (const auto& r : p.run.batches) {
      if (!r.ok || r.samples_ns.empty()) {
        continue;
      }
      double timed = 0;
      for (const auto ns : r.samples_ns) {
        timed += static_cast<double>(ns) * 1e-9;
      }
      const double cost = timed * (1.0 + static_cast<double>(r.warmup) / static_cast<double>(r.samples_ns.size()));
      inside += cost;
      batch_s[r.batch].first += cost;
      batch_s[r.batch].second += 1;
    }
    overhead_s += std::max(0.0, p.wall_s - inside);
    ++timed_n;
  }
  double per_process = timed_n == 0 ? 0.0 : overhead_s / timed_n;
  for (const auto& [b, s] : batch_s) {
    per_process += s.first / s.second;
  }
  const double per_point = n * per_process + (evidence_n == 0 ? 0.0 : evidence_s / evidence_n);
  result_.grid_estimate_s = space_.grid_points() * per_point;
}

} // namespace detail

search_result search(const search_space& space, const search_options& options, const process_runner& runner,
                     const std::function<double()>& now, const std::function<void(const std::string&)>& say,
                     const lockstep_runner& sets) {
  return detail::searcher(space, options, runner, now, say, sets).run();
}

} // namespace gbench::tune

#include "gbench/tune/search.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/util/interrupt.hpp"

namespace gbench::tune {

namespace {

// What the accuracy screening said of a candidate at one batch.
struct screening {
  bool failed = false; // its process or batch failed: eliminated
  bool rejected = false;
  std::string reason;
};

class searcher {
public:
  searcher(const search_space& space, const search_options& options, const process_runner& runner,
           const std::function<double()>& now, const std::function<void(const std::string&)>& say)
      : space_(space), opt_(options), runner_(runner), now_(now), say_(say) {
    result_.space = space;
    result_.options = options;
  }

  search_result run() {
    std::map<std::int64_t, assignment> base;
    const auto groups = opt_.strategy == "joint" ? std::vector<std::string>{""} : space_.groups();
    // Refused before any process runs, rather than a search that could not end (or a list that fills memory).
    for (const auto& group : groups) {
      if (const double n = race_size(space_, group); n > max_race_size) {
        throw input_error(fmt::format(
            "{} holds {:.0f} configurations to race at once, more than {:.0f}; {}",
            group.empty() ? std::string("--strategy joint: the grid") : "group '" + group + "'", n, max_race_size,
            group.empty() ? "use --strategy staged, or fewer --knobs or candidates"
                          : "declare fewer candidates, split the group, or use fewer --knobs"));
      }
    }
    for (const auto& group : groups) {
      const std::string stage = group.empty() ? "all" : group;
      std::map<std::int64_t, std::vector<assignment>> fields;
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

private:
  const search_space& space_;
  const search_options& opt_;
  const process_runner& runner_;
  const std::function<double()>& now_;
  const std::function<void(const std::string&)>& say_;
  search_result result_;
  std::map<std::string, std::map<std::int64_t, screening>> screened_;
  bool first_stage_done_ = false;

  void say(const std::string& line) const {
    if (say_) {
      say_(line);
    }
  }

  double mean_process_s() const {
    double sum = 0;
    int n = 0;
    for (const auto& p : result_.processes) {
      if (!p.evidence) {
        sum += p.wall_s;
        ++n;
      }
    }
    return n == 0 ? 0.0 : sum / n;
  }

  // Whether the budget allows one more process (estimated at the mean of the timed ones so far).
  bool affordable() {
    if (result_.budget_spent || result_.interrupted) {
      return false;
    }
    if (util::interrupt_signal() != 0) {
      result_.interrupted = true;
      say("interrupted: no further process is started");
      return false;
    }
    if (opt_.budget_s > 0 && now_() + mean_process_s() > opt_.budget_s) {
      result_.budget_spent = true;
      result_.budget_too_small = !first_stage_done_ && !first_round_done_;
      say(fmt::format("budget of {:.0f} s spent after {:.0f} s", opt_.budget_s, now_()));
      return false;
    }
    return true;
  }
  bool first_round_done_ = false;

  record::preset_run launch(const std::string& stage, int round, const std::string& name,
                            std::vector<std::int64_t> batches, bool evidence) {
    process_request req{preset_of(space_, result_.candidates.at(name), name), std::move(batches), evidence};
    const double t0 = now_();
    auto run = runner_(req);
    result_.processes.push_back({stage, round, name, evidence, now_() - t0, run});
    return run;
  }

  // The accuracy guard: one evidence process per configuration, before it is ever timed.
  void screen(const std::string& stage, const std::string& name) {
    if (screened_.count(name) != 0 || !affordable()) {
      return;
    }
    say(fmt::format("[{}] screening {}: routes and accuracy against float64", stage, name));
    const auto run = launch(stage, 0, name, opt_.batches, true);
    if (util::interrupt_signal() != 0) {
      result_.interrupted = true; // stopped by the interrupt: not screened, not held against it
      return;
    }
    auto& by_batch = screened_[name];
    for (const auto b : opt_.batches) {
      screening s;
      const record::batch_evidence* e = nullptr;
      if (run.evidence) {
        for (const auto& x : run.evidence->batches) {
          e = x.batch == b ? &x : e;
        }
      }
      if (e == nullptr || !e->ok) {
        s.failed = true;
        s.reason =
            fmt::format("its evidence process failed: {}",
                        e != nullptr ? e->error : (run.error.empty() ? "no evidence for this batch" : run.error));
      } else if (e->accuracy.cosine < opt_.cosine_threshold) {
        s.rejected = true;
        s.reason = fmt::format("accuracy: cosine similarity to float64 {:.6f} is below --cosine-threshold {}",
                               e->accuracy.cosine, opt_.cosine_threshold);
      } else if (e->accuracy.top1_agreement < opt_.min_top1) {
        s.rejected = true;
        s.reason = fmt::format("accuracy: top-1 agreement with float64 {:.1f}% is below --min-top1 {:.1f}%",
                               100 * e->accuracy.top1_agreement, 100 * opt_.min_top1);
      }
      by_batch[b] = s;
    }
  }

  // Among the best and those tied with it within the tolerance, the one that sets the fewest knobs: a knob
  // that does not measurably help is left unset.
  std::string simplest_of(const judgement& j) const {
    std::string pick = j.best;
    if (pick.empty()) {
      return pick;
    }
    std::size_t fewest = result_.candidates.at(pick).size();
    for (const auto& s : j.standings) {
      if (s.within_tolerance && result_.candidates.at(s.id).size() < fewest) {
        pick = s.id;
        fewest = result_.candidates.at(s.id).size();
      }
    }
    return pick;
  }

  std::string register_candidate(const assignment& a) {
    const std::string name = name_of(space_, a);
    result_.candidates.emplace(name, a);
    return name;
  }

  // Races each batch's field of candidates in interleaved rounds; returns the winner per batch.
  std::map<std::int64_t, std::string> race(const std::string& stage,
                                           const std::map<std::int64_t, std::vector<assignment>>& fields,
                                           bool confirmation = false) {
    std::map<std::int64_t, std::vector<entrant>> entrants;
    std::map<std::int64_t, stage_record> records;
    std::map<std::int64_t, std::string> winners;
    for (const auto& [b, field] : fields) {
      auto& rec = records[b];
      rec.name = stage;
      rec.batch = b;
      for (const auto& a : field) {
        const std::string name = register_candidate(a);
        if (std::find(rec.candidates.begin(), rec.candidates.end(), name) == rec.candidates.end()) {
          rec.candidates.push_back(name);
        }
      }
    }
    std::set<std::string> all;
    for (const auto& [b, rec] : records) {
      all.insert(rec.candidates.begin(), rec.candidates.end());
    }
    say(fmt::format("stage {}: {} candidates", stage, all.size()));
    for (const auto& name : all) {
      screen(stage, name);
    }
    for (auto& [b, rec] : records) {
      for (const auto& name : rec.candidates) {
        const auto it = screened_.find(name);
        if (it == screened_.end()) {
          continue; // budget spent before it could be screened
        }
        const auto& s = it->second.at(b);
        if (s.rejected) {
          outcome(b).rejected.push_back({name, b, stage, 0, s.reason});
        } else if (s.failed) {
          outcome(b).eliminated.push_back({name, b, stage, 0, s.reason});
        } else {
          entrants[b].push_back({name, {}, std::nullopt, static_cast<int>(result_.candidates.at(name).size())});
        }
      }
    }
    const bool all_screened =
        std::all_of(all.begin(), all.end(), [&](const std::string& name) { return screened_.count(name) != 0; });
    std::set<std::int64_t> open;
    for (auto& [b, field] : entrants) {
      auto& rec = records[b];
      if (!all_screened) {
        // The budget ran out (or an interrupt came) before every candidate was screened: a candidate alone
        // in the field has not beaten anything.
        rec.why = "the screening was not complete: the stage's base kept";
      } else if (field.size() > 1) {
        open.insert(b);
      } else {
        rec.winner = field.empty() ? std::string() : field.front().id;
        rec.why = field.empty() ? "no candidate passed the screening" : "one candidate passed the screening";
      }
    }
    for (int round = 1; round <= opt_.max_rounds && !open.empty(); ++round) {
      std::vector<std::string> order;
      for (const auto b : open) {
        for (const auto& e : entrants[b]) {
          if (std::find(order.begin(), order.end(), e.id) == order.end()) {
            order.push_back(e.id);
          }
        }
      }
      std::sort(order.begin(), order.end());
      // A different first candidate each round, so that no candidate always runs right after another.
      std::rotate(order.begin(), order.begin() + static_cast<std::ptrdiff_t>((round - 1) % order.size()), order.end());
      bool complete = true;
      for (const auto& name : order) {
        std::vector<std::int64_t> batches;
        for (const auto b : open) {
          if (std::any_of(entrants[b].begin(), entrants[b].end(), [&](const entrant& e) { return e.id == name; })) {
            batches.push_back(b);
          }
        }
        if (!affordable()) {
          complete = false;
          break;
        }
        say(fmt::format("[{}] round {}: {} at batch {}", stage, round, name, fmt::join(batches, ",")));
        const auto run = launch(stage, round, name, batches, false);
        if (util::interrupt_signal() != 0) {
          // Stopped by the interrupt, not by anything of its own: it is recorded, not held against it.
          result_.interrupted = true;
          complete = false;
          break;
        }
        for (const auto b : batches) {
          auto& e =
              *std::find_if(entrants[b].begin(), entrants[b].end(), [&](const entrant& x) { return x.id == name; });
          const auto r = std::find_if(run.batches.begin(), run.batches.end(),
                                      [&](const record::batch_result& x) { return x.batch == b; });
          const auto samples = r != run.batches.end() ? compare::samples_of(*r) : std::nullopt;
          if (!run.ok) {
            e.failure = fmt::format("its process failed: {}", run.error);
          } else if (samples) {
            e.processes.push_back(*samples);
          } else {
            e.failure = fmt::format("its batch failed: {}", r != run.batches.end() ? r->error : "not measured");
          }
        }
      }
      if (complete) {
        first_round_done_ = true;
      }
      for (auto it = open.begin(); it != open.end();) {
        const auto b = *it;
        auto& rec = records[b];
        rec.rounds = round;
        // The confirmation decides only on significance: it is what the recommendation rests on.
        auto rules = opt_.rules;
        rules.halving = rules.halving && !confirmation;
        const auto j = judge(entrants[b], rules, b);
        rec.standings = j.standings;
        rec.winner = simplest_of(j);
        std::vector<entrant> kept;
        for (const auto& s : j.standings) {
          const auto& e =
              *std::find_if(entrants[b].begin(), entrants[b].end(), [&](const entrant& x) { return x.id == s.id; });
          if (s.eliminated) {
            outcome(b).eliminated.push_back({s.id, b, stage, round, s.reason});
            say(fmt::format("[{}] batch {}: {} eliminated in round {}: {}", stage, b, s.id, round, s.reason));
          } else {
            kept.push_back(e);
          }
        }
        entrants[b] = std::move(kept);
        if (j.finished || result_.budget_spent || result_.interrupted || round == opt_.max_rounds) {
          rec.why = j.finished             ? j.why
                    : result_.interrupted  ? "interrupted: the best by estimate so far"
                    : result_.budget_spent ? "budget spent: the best by estimate so far"
                    : !j.ready             ? fmt::format("{} round{} without a decision: fewer than {} processes a "
                                                         "candidate, the best by estimate (see --max-rounds)",
                                                         round, round == 1 ? "" : "s", min_processes)
                                           : fmt::format("{} rounds without a decision: the best by estimate (see "
                                                         "--max-rounds)",
                                                         round);
          it = open.erase(it);
        } else {
          ++it;
        }
      }
      if (result_.budget_spent || result_.interrupted) {
        break;
      }
    }
    for (auto& [b, rec] : records) {
      if (rec.why.empty()) {
        rec.why = "budget spent before this stage could race";
      }
      if (rec.winner.empty() && !rec.candidates.empty() && !confirmation) {
        rec.winner = name_of(space_, fields.at(b).front()); // nothing measured: keep the stage's base
      }
      winners[b] = rec.winner;
      outcome(b).finalists = rec.standings;
      std::erase_if(outcome(b).finalists, [](const standing& s) { return s.eliminated; });
      result_.stages.push_back(rec);
    }
    return winners;
  }

  batch_outcome& outcome(std::int64_t b) {
    auto it = std::find_if(result_.outcomes.begin(), result_.outcomes.end(),
                           [&](const batch_outcome& o) { return o.batch == b; });
    if (it == result_.outcomes.end()) {
      result_.outcomes.push_back({});
      result_.outcomes.back().batch = b;
      return result_.outcomes.back();
    }
    return *it;
  }

  // A candidate's timed processes at a batch, across stages (`stage` empty) or in one stage.
  compare::sample_groups processes_of(const std::string& name, std::int64_t b, const std::string& stage = {}) const {
    compare::sample_groups out;
    for (const auto& p : result_.processes) {
      if (p.evidence || p.candidate != name || (!stage.empty() && p.stage != stage)) {
        continue;
      }
      for (const auto& r : p.run.batches) {
        if (const auto samples = r.batch == b ? compare::samples_of(r) : std::nullopt) {
          out.push_back(*samples);
        }
      }
    }
    return out;
  }

  // The winner against default in a race of their own, so that the speed-up rests on processes run side by side.
  void confirm(const std::map<std::int64_t, assignment>& base) {
    std::map<std::int64_t, std::vector<assignment>> fields;
    for (const auto b : opt_.batches) {
      auto& o = outcome(b);
      const auto it = base.find(b);
      o.winner_assignment = it == base.end() ? assignment{} : it->second;
      o.winner = name_of(space_, o.winner_assignment);
      if (o.winner != "default" && !result_.budget_spent && !result_.interrupted) {
        fields[b] = {assignment{}, o.winner_assignment};
      }
    }
    std::map<std::int64_t, std::string> confirmed;
    if (!fields.empty()) {
      confirmed = race("confirm", fields, true);
    }
    for (const auto b : opt_.batches) {
      auto& o = outcome(b);
      if (o.winner == "default") {
        o.note = "no candidate was faster than default";
      } else {
        // Both sides from the confirmation's own processes (even when one was eliminated there); without a
        // confirmation, from every stage that timed them.
        const bool confirmed_here = fields.count(b) != 0;
        const auto def = processes_of("default", b, confirmed_here ? "confirm" : "");
        const auto win = processes_of(o.winner, b, confirmed_here ? "confirm" : "");
        if (!def.empty() && !win.empty()) {
          o.vs_default = compare_to(def, win, b, opt_.rules.alpha);
          o.basis = confirmed_here
                        ? fmt::format("confirmation race: {} processes of default, {} of the winner, interleaved",
                                      def.size(), win.size())
                        : fmt::format("{} processes of default, {} of the winner, pooled across stages: the {} before "
                                      "a confirmation race",
                                      def.size(), win.size(),
                                      result_.interrupted ? "search was interrupted" : "budget ran out");
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
  }

  // What the full grid would have cost: every point screened once and timed in as many processes as the search
  // timed its winner in (at the least precise batch; never fewer than a verdict across processes needs), at the
  // mean measured cost of a process's start and of each batch. A grid that measured its points less precisely
  // than that could not tell them apart as finely as the search told its winner from the others.
  void estimate_grid(const std::map<std::int64_t, assignment>& winners) {
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
};

} // namespace

search_result search(const search_space& space, const search_options& options, const process_runner& runner,
                     const std::function<double()>& now, const std::function<void(const std::string&)>& say) {
  return searcher(space, options, runner, now, say).run();
}

} // namespace gbench::tune

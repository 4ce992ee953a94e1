// One stage of the search: each batch's field of candidates, screened for accuracy, raced in interleaved rounds
// of processes (or in process sets, stage_sets.cpp) and judged after each round (race.cpp) until one is left,
// the rest tie, or the rounds, the budget or an interrupt end it.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/util/interrupt.hpp"
#include "searcher.hpp"

namespace gbench::tune::detail {

namespace {

// The candidates of a round in the order their processes run: by name, each round from a different first
// one, so that no candidate always runs right after another.
std::vector<std::string> round_order(int round, const std::set<std::int64_t>& open, const entrant_map& entrants) {
  std::vector<std::string> order;
  for (const auto b : open) {
    for (const auto& e : entrants.at(b)) {
      if (std::find(order.begin(), order.end(), e.id) == order.end()) {
        order.push_back(e.id);
      }
    }
  }
  std::sort(order.begin(), order.end());
  std::rotate(order.begin(), order.begin() + static_cast<std::ptrdiff_t>((round - 1) % order.size()), order.end());
  return order;
}

// The open batches at which `name` still races.
std::vector<std::int64_t> batches_of(const std::string& name, const std::set<std::int64_t>& open,
                                     const entrant_map& entrants) {
  std::vector<std::int64_t> batches;
  for (const auto b : open) {
    const auto& field = entrants.at(b);
    if (std::any_of(field.begin(), field.end(), [&](const entrant& e) { return e.id == name; })) {
      batches.push_back(b);
    }
  }
  return batches;
}

} // namespace

void record_process(const record::preset_run& run, const std::string& name, const std::vector<std::int64_t>& batches,
                    entrant_map& entrants, int set) {
  for (const auto b : batches) {
    auto& e = *std::find_if(entrants[b].begin(), entrants[b].end(), [&](const entrant& x) { return x.id == name; });
    const auto r = std::find_if(run.batches.begin(), run.batches.end(),
                                [&](const record::batch_result& x) { return x.batch == b; });
    const auto samples = r != run.batches.end() ? compare::samples_of(*r, set, set > 0) : std::nullopt;
    if (!run.ok) {
      e.failure = fmt::format("its process failed: {}", run.error);
    } else if (samples) {
      e.processes.push_back(*samples);
    } else {
      e.failure = fmt::format("its batch failed: {}", r != run.batches.end() ? r->error : "not measured");
    }
  }
}

// Races each batch's field of candidates in interleaved rounds; returns the winner per batch.
std::map<std::int64_t, std::string> searcher::race(const std::string& stage, const field_map& fields,
                                                   bool confirmation) {
  auto records = open_stage(stage, fields);
  std::set<std::string> all;
  for (const auto& [b, rec] : records) {
    all.insert(rec.candidates.begin(), rec.candidates.end());
  }
  say(fmt::format("stage {}: {} candidates", stage, all.size()));
  for (const auto& name : all) {
    screen(stage, name);
  }
  auto entrants = admit_screened(stage, records);
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
  const bool lockstep = choose_design(open, entrants, records);
  for (int round = 1; round <= opt_.max_rounds && !open.empty(); ++round) {
    if (lockstep ? run_sets(stage, round, open, entrants) : run_round(stage, round, open, entrants)) {
      first_round_done_ = true;
    }
    judge_round(stage, round, confirmation, open, entrants, records);
    if (result_.budget_spent || result_.interrupted) {
      break;
    }
  }
  return close_stage(records, fields, confirmation);
}

// The stage's record at each batch, its candidates registered by name.
record_map searcher::open_stage(const std::string& stage, const field_map& fields) {
  record_map records;
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
  return records;
}

// Those that passed the accuracy screening enter each batch's race; the others are recorded as rejected or
// eliminated there.
entrant_map searcher::admit_screened(const std::string& stage, const record_map& records) {
  entrant_map entrants;
  for (const auto& [b, rec] : records) {
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
  return entrants;
}

// One round: a process for each candidate still racing, at every open batch it races at. Returns whether every
// process of the round ran.
bool searcher::run_round(const std::string& stage, int round, const std::set<std::int64_t>& open,
                         entrant_map& entrants) {
  for (const auto& name : round_order(round, open, entrants)) {
    const auto batches = batches_of(name, open, entrants);
    if (!affordable()) {
      return false;
    }
    say(fmt::format("[{}] round {}: {} at batch {}", stage, round, name, fmt::join(batches, ",")));
    const auto run = launch(stage, round, name, batches, false);
    if (util::interrupt_signal() != 0) {
      // Stopped by the interrupt, not by anything of its own: it is recorded, not held against it.
      result_.interrupted = true;
      return false;
    }
    record_process(run, name, batches, entrants);
  }
  return true;
}

// Judges each open batch's race after a round; the eliminated leave it, and a race that is decided, or cannot go
// on, is closed with the reason.
void searcher::judge_round(const std::string& stage, int round, bool confirmation, std::set<std::int64_t>& open,
                           entrant_map& entrants, record_map& records) {
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
    entrants[b] = survivors(stage, round, b, j, entrants[b]);
    if (j.finished || result_.budget_spent || result_.interrupted || round == opt_.max_rounds) {
      rec.why = why_closed(j, round);
      it = open.erase(it);
    } else {
      ++it;
    }
  }
}

// The entrants a judgement keeps, in its order; the eliminated go to the batch's outcome.
std::vector<entrant> searcher::survivors(const std::string& stage, int round, std::int64_t b, const judgement& j,
                                         const std::vector<entrant>& field) {
  std::vector<entrant> kept;
  for (const auto& s : j.standings) {
    const auto& e = *std::find_if(field.begin(), field.end(), [&](const entrant& x) { return x.id == s.id; });
    if (s.eliminated) {
      outcome(b).eliminated.push_back({s.id, b, stage, round, s.reason});
      say(fmt::format("[{}] batch {}: {} eliminated in round {}: {}", stage, b, s.id, round, s.reason));
    } else {
      kept.push_back(e);
    }
  }
  return kept;
}

std::string searcher::why_closed(const judgement& j, int round) const {
  return j.finished             ? j.why
         : result_.interrupted  ? "interrupted: the best by estimate so far"
         : result_.budget_spent ? "budget spent: the best by estimate so far"
         : !j.ready             ? fmt::format("{} round{} without a decision: fewer than {} processes a "
                                                          "candidate, the best by estimate (see --max-rounds)",
                                              round, round == 1 ? "" : "s", min_processes)
                                : fmt::format("{} rounds without a decision: the best by estimate (see "
                                                          "--max-rounds)",
                                              round);
}

// Among the best and those tied with it within the tolerance, the one that sets the fewest knobs: a knob
// that does not measurably help is left unset.
std::string searcher::simplest_of(const judgement& j) const {
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

// Each batch's winner, its finalists to the outcome and its record to the result.
std::map<std::int64_t, std::string> searcher::close_stage(record_map& records, const field_map& fields,
                                                          bool confirmation) {
  std::map<std::int64_t, std::string> winners;
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

} // namespace gbench::tune::detail

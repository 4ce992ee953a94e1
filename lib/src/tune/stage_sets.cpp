// A stage raced in lockstep: each round is one process set in which the candidates still racing are co-resident
// workers taking turns (run/lockstep.hpp), so that the machine's drift over seconds falls on all of them alike;
// the comparison engine then pairs each candidate's turns with the best's of the same cycles (the lockstep test
// across process sets). When the workers would not fit in memory together, the stage races in rounds instead.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/util/interrupt.hpp"
#include "searcher.hpp"

namespace gbench::tune::detail {

namespace {

// The open batches grouped by the candidates racing there, so that every worker of a set runs every batch of
// it: a candidate eliminated at one batch is not timed there again.
std::map<std::vector<std::string>, std::vector<std::int64_t>> set_groups(const std::set<std::int64_t>& open,
                                                                         const entrant_map& entrants) {
  std::map<std::vector<std::string>, std::vector<std::int64_t>> out;
  for (const auto b : open) {
    std::vector<std::string> names;
    for (const auto& e : entrants.at(b)) {
      names.push_back(e.id);
    }
    std::sort(names.begin(), names.end());
    out[names].push_back(b);
  }
  return out;
}

} // namespace

// Lockstep when asked for and a set runner is given, unless the stage's largest field would not fit in memory
// as co-resident workers: then rounds, with the reason as the stage's note. Returns whether it races in lockstep.
bool searcher::choose_design(const std::set<std::int64_t>& open, const entrant_map& entrants, record_map& records) {
  if (opt_.schedule != "lockstep" || !sets_.run) {
    return false;
  }
  std::size_t widest = 0;
  for (const auto b : open) {
    widest = std::max(widest, entrants.at(b).size());
  }
  const std::vector<std::int64_t> batches(open.begin(), open.end());
  const std::string why = widest > 1 && sets_.fits ? sets_.fits(widest, batches) : std::string();
  for (auto& [b, rec] : records) {
    rec.design = why.empty() ? "lockstep" : "rounds";
    rec.note = why.empty() ? std::string() : fmt::format("{}: the candidates race in rounds", why);
  }
  if (!why.empty()) {
    say(fmt::format("note: {}: the candidates race in rounds instead of lockstep", why));
  }
  return why.empty();
}

// One round in lockstep: a process set for each group of open batches with the same candidates. Returns whether
// every set of the round ran.
bool searcher::run_sets(const std::string& stage, int round, const std::set<std::int64_t>& open,
                        entrant_map& entrants) {
  for (const auto& [names, batches] : set_groups(open, entrants)) {
    if (!affordable(names.size())) {
      return false;
    }
    say(fmt::format("[{}] set {}: {} candidates take turns at batch {}", stage, round, names.size(),
                    fmt::join(batches, ",")));
    std::vector<process_request> requests;
    for (const auto& name : names) {
      requests.push_back({preset_of(space_, result_.candidates.at(name), name), batches, false});
    }
    const double t0 = now_();
    const auto runs = sets_.run(requests, round);
    const double share = (now_() - t0) / static_cast<double>(names.size());
    for (std::size_t i = 0; i < runs.size() && i < names.size(); ++i) {
      result_.processes.push_back({stage, round, names[i], false, share, runs[i]});
    }
    if (util::interrupt_signal() != 0 || runs.size() < names.size()) {
      // Stopped by the interrupt, not by anything of their own: recorded, not held against them.
      result_.interrupted = true;
      return false;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      record_process(runs[i], names[i], batches, entrants, round);
    }
  }
  return true;
}

} // namespace gbench::tune::detail

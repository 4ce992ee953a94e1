#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/compare/engine.hpp"
#include "gbench/record/comparison.hpp"
#include "gbench/record/run.hpp"

namespace gbench::tune {

/// Processes a candidate needs before its timings can count against it: the comparison engine tests across
/// processes from two a side (below that its verdict is `inconclusive`: a process's samples share its luck).
/// No candidate of a race is eliminated on timings until every candidate still in it has this many.
inline constexpr int min_processes = 2;

/// A candidate of a race at one batch size: its samples so far, one group per process (round), in time order
/// with the chunk size the process used.
struct entrant {
  std::string id;
  compare::sample_groups processes;
  std::optional<std::string> failure; ///< its process failed, crashed or timed out: eliminated with this reason
  int knobs_set = 0; ///< knobs and settings it sets: the last halving cut keeps the simpler of two it cannot tell apart
};

/// A candidate against a baseline at one batch: the comparison engine's record (median metric, no threshold).
record::comparison compare_to(const compare::sample_groups& baseline, const compare::sample_groups& candidate,
                              std::int64_t batch, double alpha);

struct race_rules {
  double alpha = 0.05;     ///< significance level of the comparison engine
  double tolerance = 0.02; ///< a candidate at most this much slower than the best (interval included) is a tie
  /// Successive halving: once a round leaves no candidate significantly slower, the slower half by estimate
  /// goes, one cut per round. The last cut, of two, waits until both have final_processes processes; it keeps
  /// the one that sets fewer knobs when their estimates differ by less than the engine's minimal detectable
  /// effect (a knob that does not measurably help is left unset, as among ties), else the faster by estimate.
  /// Without halving, only the engine's `worse` verdict eliminates, and candidates that differ by less than the
  /// processes can resolve race until --max-rounds.
  bool halving = true;
  int final_processes = 4;
};

/// Where one entrant stands after a round.
struct standing {
  std::string id;
  double estimate_ns = 0; ///< the mean of its processes' estimates (lowest chunk median), as the engine has it
  int processes = 0;
  std::optional<record::comparison> vs_best; ///< the best as baseline; absent for the best itself
  bool eliminated = false;
  std::string reason;            ///< why it was eliminated
  bool within_tolerance = false; ///< unchanged across processes, interval within the tolerance of the best
};

/// The state of a race after a round.
struct judgement {
  std::vector<standing> standings; ///< the best first, then by estimate; eliminated entrants last
  std::string best;                ///< the leader: the lowest estimate, or the simpler survivor of the last halving
                                   ///< cut; empty when every entrant failed
  bool ready = false;              ///< every entrant left has min_processes processes: timings may eliminate
  bool finished = false;
  std::string why; ///< why it finished
};

/// Judges a round, a pure function of the recorded samples. The entrant with the lowest estimate leads; each
/// other one is compared with it by the comparison engine and eliminated when the engine's verdict is `worse`
/// (Welch's t across processes below alpha and the bootstrap interval excluding no change), never before every
/// entrant left has min_processes processes. A failed entrant is eliminated with its reason at once. Then, with
/// rules.halving, the slower half by estimate of those left (race_rules). The race is over when one entrant is
/// left or every other one is within the tolerance.
judgement judge(const std::vector<entrant>& entrants, const race_rules& rules, std::int64_t batch = 1);

nlohmann::json to_json(const standing& s);

} // namespace gbench::tune

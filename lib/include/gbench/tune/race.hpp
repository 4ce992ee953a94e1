#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/report/comparison.hpp"

namespace gbench::tune {

/// A candidate of a race at one batch size: its samples so far, one vector per process (round).
struct entrant {
  std::string id;
  std::vector<std::vector<double>> processes;
  std::optional<std::string> failure; ///< its process failed or crashed: eliminated with this reason
};

struct race_rules {
  double alpha = 0.05;     ///< significance level of the comparison engine
  double tolerance = 0.02; ///< a candidate at most this much slower than the best (interval included) is a tie
  std::uint64_t seed = 0x74756e65; ///< of the bootstrap intervals: the same samples give the same decisions
};

/// Where one entrant stands after a round.
struct standing {
  std::string id;
  double median_ns = 0; ///< median of its processes' medians: a slow process moves it less than pooled samples
  int processes = 0;
  std::optional<report::sample_comparison> vs_best; ///< the best as baseline; absent for the best itself
  bool eliminated = false;
  std::string reason;             ///< why it was eliminated
  bool within_tolerance = false;  ///< not significantly slower across processes, interval within the tolerance
};

/// The state of a race after a round.
struct judgement {
  std::vector<standing> standings; ///< the best first, then by median; eliminated entrants last
  std::string best;                ///< empty when every entrant failed
  bool finished = false;
  std::string why;                 ///< why it finished
};

/// Judges a round, a pure function of the recorded samples: the entrant with the lowest median of process
/// medians leads; each other one is compared with it by the comparison engine (report::compare_processes) and
/// eliminated when the verdict is "slower" across processes (never on samples alone: a process's samples
/// share its luck). The race is over when one entrant is left or every other one is within the tolerance.
judgement judge(const std::vector<entrant>& entrants, const race_rules& rules);

nlohmann::json to_json(const standing& s);

} // namespace gbench::tune

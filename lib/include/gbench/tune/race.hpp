#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/compare/engine.hpp"

namespace gbench::tune {

/// A candidate of a race at one batch size: its samples so far, one vector per process (round).
struct entrant {
  std::string id;
  std::vector<std::vector<double>> processes;
  std::optional<std::string> failure; ///< its process failed or crashed: eliminated with this reason
};

/// A candidate against a baseline, from the comparison engine (compare::compare_samples), as a speed-up.
struct versus {
  double speedup = 0;                 ///< baseline median / candidate median: above 1 the candidate is faster
  double ci_low = 0;                  ///< 95% bootstrap interval of the speed-up
  double ci_high = 0;
  double p_value = 1;                 ///< Mann-Whitney U on the samples
  std::optional<double> p_value_runs; ///< the same across processes, when both sides have enough of them
  std::string verdict;                ///< compare::preset_verdict: faster, slower, "(samples only)", ...
  bool across_processes = false;      ///< the verdict rests on the test across processes, not samples alone
  bool significant = false;
};

/// The engine's comparison of two sides' samples, grouped by process, at one batch.
versus compare_groups(const compare::sample_groups& baseline, const compare::sample_groups& candidate,
                      std::int64_t batch, double alpha);

struct race_rules {
  double alpha = 0.05;     ///< significance level of the comparison engine
  double tolerance = 0.02; ///< a candidate at most this much slower than the best (interval included) is a tie
};

/// Where one entrant stands after a round.
struct standing {
  std::string id;
  double median_ns = 0; ///< median of its processes' medians: a slow process moves it less than pooled samples
  int processes = 0;
  std::optional<versus> vs_best; ///< the best as baseline; absent for the best itself
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
/// medians leads; each other one is compared with it by the comparison engine (compare::compare_samples) and
/// eliminated when the verdict is "slower" across processes (never on samples alone: a process's samples
/// share its luck). The race is over when one entrant is left or every other one is within the tolerance.
judgement judge(const std::vector<entrant>& entrants, const race_rules& rules, std::int64_t batch = 1);

nlohmann::json to_json(const standing& s);

} // namespace gbench::tune

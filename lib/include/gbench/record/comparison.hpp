#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// The verdict on one comparison, in one vocabulary for every front end (presets of a run, compare, tune,
/// ci-regression); each words it for its question.
enum class verdict {
  better,          ///< significantly better, beyond the threshold
  worse,           ///< significantly worse, beyond the threshold
  unchanged,       ///< not significant, or within the threshold
  too_few_samples, ///< the test cannot reach alpha with so few samples: nothing can be said
  inconclusive,    ///< too few processes (or process sets) a side: a change cannot be told from process luck
};
std::string_view name_of(verdict v);

/// How the two sides' timings were gathered; it decides the test (docs/statistics.md).
enum class design {
  lockstep,    ///< co-resident workers took turns: pairs of neighbouring turns, within process sets
  duet,        ///< co-resident workers ran their windows at the same time, each on its own CPUs
  rounds,      ///< processes one after the other, paired by round
  independent, ///< processes with no pairing (stored reports, or rounds that do not match one to one)
};
std::string_view name_of(design d);

/// A candidate against a baseline: what the comparison engine concluded, computed once and carried as it is by
/// the presets of a run (against the baseline preset), `compare` and `scripts/ci-regression` (candidate report
/// against baseline report) and `tune` (each candidate against the best). One to_json for all of them.
struct comparison {
  std::string metric = "median"; ///< median, p90, p99 or throughput
  record::design design = design::independent;
  std::string test; ///< the test that decided, in words: "Yuen's trimmed t on the rounds' paired log differences"
  /// The metric of each side: the central value the test compares (ns per forward, or samples/s for throughput).
  double baseline_value = 0;
  double candidate_value = 0;
  double ratio = 1; ///< candidate / baseline of the metric
  std::optional<double> ratio_low; ///< its confidence interval (95% unless the settings said otherwise)
  std::optional<double> ratio_high;
  /// How many times faster the candidate is: baseline / candidate time (for throughput, the ratio itself), with
  /// its interval. Derived once here, so that no reader inverts a ratio of its own.
  double speedup = 1;
  std::optional<double> speedup_low;
  std::optional<double> speedup_high;
  int processes_baseline = 0; ///< processes that measured each side
  int processes_candidate = 0;
  int units = 0;              ///< the test's units: process sets (lockstep), rounds, or processes a side
  std::size_t samples_baseline = 0; ///< forwards, all processes pooled
  std::size_t samples_candidate = 0;
  std::optional<double> p_value;  ///< of the test that decided; absent when no test could be made
  std::optional<double> mde;      ///< the smallest relative change it would detect (80% power at alpha)
  double p_value_samples = 1;     ///< Mann-Whitney U on the raw samples: information only, never decides
  double z_samples = 0;           ///< its z: positive when the candidate's samples tend to be slower
  bool enough_samples = false;    ///< the sample sizes can reach alpha at all
  bool significant = false;       ///< p_value < alpha
  record::verdict verdict = verdict::inconclusive;
  int runs_needed = 0;            ///< inconclusive: processes (or process sets) a side that would decide
  std::vector<std::string> outliers; ///< units the robust test set aside (a slow episode), in words
  std::string note;               ///< why, when it is not plain
};

/// A design or a verdict by its name; anything else fails naming the valid ones.
void from_json(const node& n, design& out);
void from_json(const node& n, verdict& out);
nlohmann::json to_json(const comparison& c);
void from_json(const node& n, comparison& out);

} // namespace gbench::record

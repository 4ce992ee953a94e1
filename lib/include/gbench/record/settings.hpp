#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// How the runs were asked for.
struct settings {
  std::vector<std::int64_t> batches;
  int warmup = 0;
  bool warmup_auto = false; ///< warm-up until steady state (each result says how many forwards it took)
  int iterations = 0;
  std::uint64_t seed = 0;
  std::optional<int> threads;       ///< --threads, overriding the presets'
  int repetitions = 1;              ///< with --repetitions auto, the rounds it took
  std::string baseline = "default"; ///< the preset speed-ups are measured against
  double alpha = 0.05;              ///< significance level of the comparison
  double cosine_threshold = 0.99;   ///< --verify: accuracy below this is flagged in every format
  std::optional<double> timeout_s;  ///< each preset process's time limit (0: none); absent in older reports
  std::vector<std::string> managed_env;
  std::map<std::string, std::string> env_overrides;
  /// How the presets' processes shared the machine: "rounds", "lockstep" or "duet" (repetitions then count
  /// process sets); with lockstep and duet, the turn length asked for and the cycles per batch of each set.
  std::string schedule = "rounds";
  double turn_s = 0;
  int cycles = 0;
};

/// How a run until precise (--precision, --repetitions auto) ended.
struct precision_outcome {
  double target = 0;   ///< relative half-width asked for (0.03 for +-3%)
  double reached = 0;  ///< the widest relative half-width at the end (infinite: not estimable)
  int rounds = 0;      ///< rounds of every preset once
  std::string widest;  ///< the row with the widest interval, "bf16 @ 32"
  std::string stopped; ///< "precision reached" or why not
  /// Batches whose every interval reached the target before the others': later rounds ran without them.
  struct settled_batch {
    std::int64_t batch = 0;
    int after = 0; ///< rounds (or process sets) it took
  };
  std::vector<settled_batch> settled;
};

/// Where the processes ran and what else ran there.
struct run_conditions {
  std::string cpus_mode;      ///< --cpus: auto, none or list
  std::vector<int> cpu_order; ///< CPUs by preference; a process of n threads got the first n
  std::string placement_reason;
  double other_load_before = 0; ///< share of those CPUs that other work used in the half second before
  double steal_before = 0;      ///< share the hypervisor took
  double other_load_during = 0; ///< the same over the whole run, this tool's own processes excluded
  double steal_during = 0;
  std::optional<precision_outcome> precision;
};

nlohmann::json to_json(const settings& s);
void from_json(const node& n, settings& out);
nlohmann::json to_json(const precision_outcome& p);
void from_json(const node& n, precision_outcome& out);
nlohmann::json to_json(const run_conditions& c);
void from_json(const node& n, run_conditions& out);

} // namespace gbench::record

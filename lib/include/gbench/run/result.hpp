#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"

namespace gbench::run {

/// What one benchmark process is asked to do: one preset, every batch.
struct job {
  config::model_spec model;
  config::preset preset;                      ///< settings already merged with the command line's
  std::vector<std::string> managed_env;       ///< knobs whose values the process reports
  std::vector<std::int64_t> batches;
  int warmup = 50;          ///< untimed forwards before timing (warmup_auto: the most, with max_warmup_s)
  bool warmup_auto = false; ///< warm up until steady state (stats::steady_state) instead
  double max_warmup_s = 5.0;
  int iterations = 100;
  double chunk_s = 0.02;    ///< samples are kept in chunks of about this many seconds (at least one forward)
  std::uint64_t seed = 0;
  bool verbose = false;
  bool profile = true;       ///< after the timed forwards, as many again under the profiler
  bool record_shapes = false; ///< record input shapes in the profile (--group-by-input-shape)
  std::string trace_dir;      ///< write a Chrome trace per batch here, when set
  double min_time = 0;   ///< keep timing chunks of `iterations` forwards until this many seconds passed
  double max_time = 0;   ///< but stop adding chunks after this many seconds (0: no limit)
  bool progress = false; ///< say on stderr what is running (the parent's stderr is a terminal)
  bool evidence = false; ///< instead of timing: one forward per batch for oneDNN's verbose lines, accuracy, THP
  /// A lockstep worker: after loading, it takes its orders on stdin and answers on descriptor 3 (run/turns.hpp),
  /// timing turns of forwards when the orchestrator says, instead of every batch on its own.
  bool conversation = false;
  int turn_discard = 0;  ///< forwards each turn runs untimed before its timed ones (a switch's cold caches)
};

nlohmann::json to_json(const job& j);
/// Reads a job file's text; `name` stands for the file in messages.
job job_from_json(const std::string& text, const std::string& name);

} // namespace gbench::run

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::run {

/// What one benchmark process is asked to do: one preset, every batch.
struct job {
  config::model_spec model;
  config::preset preset;                      ///< settings already merged with the command line's
  std::vector<std::string> managed_env;       ///< knobs whose values the process reports
  std::vector<std::int64_t> batches;
  int warmup = 50;
  int iterations = 100;
  std::uint64_t seed = 0;
  bool verbose = false;
  bool profile = true;       ///< after the timed forwards, as many again under the profiler
  bool record_shapes = false; ///< record input shapes in the profile (--group-by-input-shape)
  std::string trace_dir;      ///< write a Chrome trace per batch here, when set
  double min_time = 0;   ///< keep timing chunks of `iterations` forwards until this many seconds passed
  double max_time = 0;   ///< but stop adding chunks after this many seconds (0: no limit)
  bool progress = false; ///< say on stderr what is running (the parent's stderr is a terminal)
  bool evidence = false; ///< instead of timing: one forward per batch for oneDNN's verbose lines, accuracy, THP
};

nlohmann::json to_json(const job& j);
job job_from_json(const nlohmann::json& j);

/// Timing of one batch size under one preset.
struct batch_result {
  std::int64_t batch = 0;
  bool ok = false;
  std::string error;                    ///< why it failed, when !ok
  int warmup = 0;
  std::vector<std::int64_t> samples_ns; ///< one per timed forward
  stats::summary summary_ns;            ///< of samples_ns
  double throughput = 0;                ///< samples per second at the median
  double gflops = 0;                    ///< model FLOPs per forward / median
  double weight_gbps = 0;               ///< weight bytes per forward / median
  std::vector<std::int64_t> predicted;  ///< predicted classes of the first samples
  nlohmann::json profile;               ///< profile::to_json of the profiled forwards' table, or null
  std::vector<std::int64_t> profiled_ns; ///< each profiled forward's time, from the profiler's events
  stats::summary profiled_summary_ns;
  std::string trace_file;               ///< the Chrome trace written for this batch, if any
};

/// Derives summary, throughput, GFLOP/s and GB/s from samples_ns.
void compute_statistics(batch_result& r, const config::model_spec& model);

/// What one forward of a batch showed: who served each layer, how accurate it was, huge pages.
struct batch_evidence {
  std::int64_t batch = 0;
  bool ok = false;
  std::string error;
  std::vector<nlohmann::json> routes;    ///< evidence::layer_route per Linear (of the MLP), as JSON
  std::vector<nlohmann::json> primitives; ///< evidence::primitive_summary per distinct oneDNN primitive, as JSON
  std::vector<std::string> verbose_lines; ///< oneDNN's exec lines of this forward
  double cosine = 0;
  double max_abs_error = 0;
  double max_rel_error = 0;
  double top1_agreement = 0;
  std::string accuracy_unavailable; ///< why there is no accuracy (a .pt2 without a TorchScript twin); else empty
};

/// Everything one preset's process produced, or how it failed.
struct preset_run {
  config::preset preset;
  std::string model;                            ///< the model's name when the plan has several; else empty
  int repetition = 1;                           ///< 1-based, when the plan repeats every preset
  bool ok = false;                              ///< the process ran to the end
  std::string error;                            ///< how it failed, when !ok
  std::string stderr_tail;                      ///< its stderr's last lines, when !ok
  std::map<std::string, std::string> effective_env; ///< the managed knobs as the process saw them
  nlohmann::json libtorch;                      ///< backend::libtorch_info as the process saw it
  std::vector<batch_result> batches;
  // Filled by the evidence process (--verify, doctor):
  std::vector<batch_evidence> evidence;
  std::optional<std::int64_t> huge_pages_before; ///< AnonHugePages before the model was built
  std::optional<std::int64_t> huge_pages_after;  ///< and after its forwards
  std::vector<std::string> effects;  ///< per knob the preset sets: what was observed, or "no effect observed"
  [[nodiscard]] bool all_ok() const;
};

nlohmann::json to_json(const batch_result& r);
nlohmann::json to_json(const batch_evidence& e);
nlohmann::json to_json(const preset_run& r);

} // namespace gbench::run

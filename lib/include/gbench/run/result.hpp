#pragma once

#include <cstdint>
#include <map>
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
};

/// Derives summary, throughput, GFLOP/s and GB/s from samples_ns.
void compute_statistics(batch_result& r, const config::model_spec& model);

/// Everything one preset's process produced, or how it failed.
struct preset_run {
  config::preset preset;
  bool ok = false;                              ///< the process ran to the end
  std::string error;                            ///< how it failed, when !ok
  std::string stderr_tail;                      ///< its stderr's last lines, when !ok
  std::map<std::string, std::string> effective_env; ///< the managed knobs as the process saw them
  nlohmann::json libtorch;                      ///< backend::libtorch_info as the process saw it
  std::vector<batch_result> batches;
  [[nodiscard]] bool all_ok() const;
};

nlohmann::json to_json(const batch_result& r);
nlohmann::json to_json(const preset_run& r);

} // namespace gbench::run

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/backend/libtorch.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/record/comparison.hpp"
#include "gbench/record/evidence.hpp"
#include "gbench/record/json_reader.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::record {

/// The profiled forwards of one batch: PyTorch's operator table and each forward's time under the profiler.
struct batch_profile {
  profile::table table;
  std::vector<std::int64_t> samples_ns; ///< each profiled forward's time, from the profiler's events
  stats::summary summary_ns;            ///< of samples_ns, when there are any
  std::string trace_file;               ///< the Chrome trace written for this batch, if any
};

/// How a lockstep worker timed a batch: in turns, one per cycle, each turn a chunk of its samples.
struct turn_plan {
  int cycles = 0;           ///< turns it took (its chunks, in cycle order)
  std::int64_t forwards = 0; ///< timed forwards per turn (the chunk size)
  int discarded = 0;        ///< untimed forwards at the start of every turn
  double target_s = 0;      ///< the turn length asked for, in seconds (at least one forward)
};

/// Timing of one batch size under one preset.
struct batch_result {
  std::int64_t batch = 0;
  bool ok = false;
  std::string error;                    ///< why it failed, when !ok
  int warmup = 0;                       ///< untimed forwards run before timing
  bool warmup_steady = true;            ///< steady state was detected (auto warm-up), or not asked for
  std::int64_t chunk_size = 0;          ///< samples_ns in chunks of this many, in time order (0: one chunk)
  std::vector<std::int64_t> samples_ns; ///< one per timed forward, in the order they ran
  stats::summary summary_ns;            ///< of samples_ns
  double throughput = 0;                ///< samples per second at the median
  double gflops = 0;                    ///< model FLOPs per forward / median
  double weight_gbps = 0;               ///< weight bytes per forward / median
  std::vector<std::int64_t> predicted;  ///< predicted classes of the first samples
  std::optional<batch_profile> profile; ///< the profiled forwards, unless profiling was off
  std::optional<turn_plan> turns;       ///< a lockstep worker's turns
};

/// What a median time per forward means for a model: samples per second, GFLOP/s and weight GB/s. The one place
/// these are derived, for a process's batch and for a row of processes alike.
struct rates {
  double throughput = 0;  ///< samples per second
  double gflops = 0;      ///< model FLOPs per forward / median
  double weight_gbps = 0; ///< weight bytes per forward / median
};
rates rates_at(double median_ns, std::int64_t batch, double flops_per_sample, double weight_bytes);

/// Derives the summaries, throughput, GFLOP/s and GB/s from the samples.
void compute_statistics(batch_result& r, const config::model_spec& model);

/// The malloc a benchmark process ran with, as its memory map showed (run/allocator.hpp).
struct allocator_seen {
  std::string name;    ///< glibc, tcmalloc, jemalloc
  std::string library; ///< the mapped file, empty for glibc
};

/// Everything one preset's process produced, or how it failed.
struct preset_run {
  config::preset preset;
  std::string model;        ///< the model's name when the plan has several (--model a.pt,a.pt2); else empty
  std::string build;        ///< the build whose worker ran it, when several ran side by side; else empty
  int repetition = 1;       ///< 1-based round, or process set of a lockstep run
  /// How it ran beside the other presets: rounds (a process alone, one preset after another), lockstep (a
  /// co-resident worker taking turns with the others' workers; its chunks are its turns, one per cycle) or duet
  /// (its windows at the same time as theirs, on CPUs of its own).
  record::design design = record::design::rounds;
  bool ok = false;          ///< the process ran to the end
  std::string error;        ///< how it failed, when !ok
  std::string stderr_tail;  ///< its stderr's last lines, when !ok
  std::map<std::string, std::string> effective_env; ///< the managed knobs as the process saw them
  std::vector<int> cpus;    ///< the CPUs it was started on (--cpus); empty when not pinned
  double wall_s = 0;        ///< its wall time, start to exit
  std::optional<backend::libtorch_info> libtorch;   ///< as the process saw it; none when it died first
  std::optional<allocator_seen> allocator;          ///< as the process saw it; none when it died first
  std::vector<batch_result> batches;
  std::optional<run_evidence> evidence; ///< --verify, doctor
  [[nodiscard]] bool all_ok() const;
};

nlohmann::json to_json(const stats::summary& s);
void from_json(const node& n, stats::summary& out);
void from_json(const node& n, profile::op_stats& out); ///< to_json is the table's
nlohmann::json to_json(const profile::table& t);
void from_json(const node& n, profile::table& out);
nlohmann::json to_json(const backend::libtorch_info& info);
void from_json(const node& n, backend::libtorch_info& out);
nlohmann::json to_json(const config::torch_settings& s);
void from_json(const node& n, config::torch_settings& out);
nlohmann::json to_json(const config::preset& p);
void from_json(const node& n, config::preset& out);
nlohmann::json to_json(const allocator_seen& a);
void from_json(const node& n, allocator_seen& out);
nlohmann::json to_json(const turn_plan& t);
void from_json(const node& n, turn_plan& out);
nlohmann::json to_json(const batch_result& r);
void from_json(const node& n, batch_result& out);
nlohmann::json to_json(const preset_run& r);
void from_json(const node& n, preset_run& out);

} // namespace gbench::record

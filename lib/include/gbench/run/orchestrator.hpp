#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/record/report.hpp"
#include "gbench/record/run.hpp"
#include "gbench/run/result.hpp"

namespace gbench::run {

/// A benchmark over presets and batch sizes, each preset in a process of its own.
struct plan {
  config::model_spec model;             ///< the first (or only) model
  /// Every model, when several run side by side (--model a.pt,a.pt2): each a row, compared with the first.
  /// Empty or one element: `model` alone.
  std::vector<config::model_spec> models;
  std::vector<config::preset> presets;
  std::vector<std::string> managed_env; ///< knobs removed from every child's environment unless its preset sets them
  std::map<std::string, std::string> env_overrides; ///< --env: set in every child, after the preset
  std::vector<std::int64_t> batches;
  int warmup = 50;
  int iterations = 100;
  std::uint64_t seed = 0;
  std::optional<int> threads; ///< overrides the presets' threads
  bool verbose = false;
  int repetitions = 1;        ///< runs of every preset, interleaved: A B C A B C ...
  double min_time = 0;        ///< seconds of timed forwards at least (in chunks of `iterations`)
  double max_time = 0;        ///< seconds after which no more chunks are added (0: no limit)
  bool progress = false;      ///< progress on stderr
  bool profile = true;        ///< profile as many forwards again after timing (PyTorch's operator table)
  bool record_shapes = false; ///< group the table by input shape
  std::string trace_dir;      ///< Chrome traces, one per preset and batch
  std::string baseline = "default"; ///< the preset speed-ups are measured against
  double alpha = 0.05;              ///< significance level of the comparison
  double cosine_threshold = 0.99;   ///< --verify: flag accuracy below this
};

/// The report of a plan before anything ran: its context, model and settings; no runs yet.
record::report begin_report(const plan& p, record::context context);

/// The environment of a preset's process: `parent` without any managed knob, then the preset's
/// knobs, then the overrides. Nothing else is changed.
std::vector<std::string> child_environment(const std::vector<std::string>& parent,
                                           const std::vector<std::string>& managed,
                                           const std::map<std::string, std::string>& preset_env,
                                           const std::map<std::string, std::string>& overrides);

/// The preset as its process runs it: overrides and --threads applied.
config::preset effective_preset(const plan& p, const config::preset& preset);

/// Runs every preset of the plan in a child process of `executable` (its hidden `__worker` command).
/// A preset whose process fails is reported as failed with its stderr's tail; the others still run.
/// With `evidence`, each process instead runs one forward per batch with ONEDNN_VERBOSE=1 and reports who
/// served each layer, the accuracy against float64 and the process's huge pages (record::run_evidence).
/// `on_done` is called as each process finishes (streaming output).
std::vector<record::preset_run> execute(const plan& p, const std::string& executable, bool evidence = false,
                                        const std::function<void(const record::preset_run&)>& on_done = {});

/// For each preset, what its knobs changed compared with `baseline`'s evidence (the default preset):
/// bf16 math on some layer, a layer moved between oneDNN and BLAS, more huge pages; else
/// "<knob>: no effect observed on this host".
void describe_effects(std::vector<record::preset_run>& runs, const record::preset_run* baseline);

/// Refuses, before anything is allocated, a batch whose tensors would not fit in `available_bytes`.
void check_memory(const config::model_spec& model, const std::vector<std::int64_t>& batches,
                  std::int64_t available_bytes);

} // namespace gbench::run

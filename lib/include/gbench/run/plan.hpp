#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/host/placement.hpp"
#include "gbench/record/report.hpp"

namespace gbench::run {

/// What `run` and `doctor` are asked for, as the command line gives it: names and words, not yet checked.
/// A front end fills it (apps/graviton-bench with CLI11); make_plan checks it and builds the plan.
struct plan_options {
  /// A name in models_dir, a model JSON, TorchScript .pt or AOTInductor .pt2 file; a comma list of several
  /// (--model a.pt,a.pt2) runs each, a row each, compared with the first.
  std::string model = "recipe-mlp";
  std::vector<std::string> inputs;            ///< --input of a model file, SHAPE[:DTYPE[:LOW..HIGH]] each
  std::vector<std::string> batches{"256", "32", "10"};
  std::vector<std::string> presets{"default"}; ///< names, or "all"
  std::vector<std::string> env;              ///< KEY=VALUE, set in every preset's process
  std::string warmup = "auto";               ///< a count, or "auto": until steady state
  int iterations = 100;
  std::optional<int> threads;
  std::uint64_t seed = 0;
  bool verbose = false;
  std::string repetitions = "1";             ///< a count, or "auto" (needs precision)
  std::optional<double> precision;           ///< percent: with repetitions "auto", the half-width to reach
  std::string baseline = "default";
  double alpha = 0.05;
  double cosine_threshold = 0.99;
  double min_time = 0;
  double max_time = 0;
  bool profile = true;
  bool record_shapes = false;
  std::string trace_dir;
  double timeout = -1; ///< seconds per preset process; negative: derived from the plan (run::default_timeout)
  /// How the presets' processes share the machine: "auto" (lockstep with two presets or models or more, else
  /// rounds), "lockstep", "duet" or "rounds" (docs/statistics.md).
  std::string schedule = "auto";
  double turn_ms = 100; ///< lockstep: a turn's length (at least one forward)
  int cycles = 10;      ///< lockstep: cycles per batch in each process set
  /// --worker-bin LABEL=PATH: builds whose workers run beside each other in lockstep, each preset once per build.
  std::vector<std::string> worker_bins;
  /// --worker-env LABEL:KEY=VALUE: a variable set in one build's workers (a build may be this executable with
  /// another environment).
  std::vector<std::string> worker_env;
};

/// One build of a lockstep run of several: its workers are its executable's, with its environment on top.
struct build {
  std::string label;
  std::string executable; ///< empty: the graviton-bench that runs the plan
  std::map<std::string, std::string> env;
};

/// How the presets' processes share the machine.
enum class schedule {
  rounds,   ///< one process after another, every preset once a round, every other round reversed
  lockstep, ///< co-resident workers taking turns (run/lockstep.hpp)
  duet,     ///< co-resident workers timing their windows at the same time, each on CPUs of its own
};

/// A benchmark over presets and batch sizes, each preset in a process of its own.
struct plan {
  config::model_spec model;             ///< the first (or only) model
  /// Every model, when several run side by side (--model a.pt,a.pt2); else empty: `model` alone.
  std::vector<config::model_spec> models;
  std::vector<config::preset> presets;
  std::vector<std::string> managed_env; ///< knobs removed from every child's environment unless its preset sets them
  std::map<std::string, std::string> env_overrides; ///< --env: set in every child, after the preset
  std::vector<std::int64_t> batches;
  int warmup = 50;            ///< untimed forwards per batch; with warmup_auto, unused
  bool warmup_auto = false;   ///< warm up until steady state (at most max_warmup_s per batch)
  double max_warmup_s = 5.0;
  int iterations = 100;
  double chunk_s = 0.02;      ///< samples are kept in chunks of about this many seconds
  std::uint64_t seed = 0;
  std::optional<int> threads; ///< overrides the presets' threads
  bool verbose = false;
  int repetitions = 1;        ///< runs of every preset, interleaved: A B C A B C ...; 0: until next_round stops
  int first_set = 1;          ///< lockstep: the number of the first process set (its repetition, its turn order's seed)
  std::optional<double> precision; ///< with repetitions 0: the relative half-width to reach (0.03 for +-3%)
  host::placement placement;  ///< where every process runs (--cpus)
  double min_time = 0;        ///< seconds of timed forwards at least (in chunks of `iterations`)
  double max_time = 0;        ///< seconds after which no more chunks are added (0: no limit)
  bool progress = false;      ///< progress on stderr
  bool profile = true;        ///< profile as many forwards again after timing (PyTorch's operator table)
  bool record_shapes = false; ///< group the table by input shape
  std::string trace_dir;      ///< Chrome traces, one per preset and batch
  /// Seconds one preset's process may run before it is stopped and reported as failed ("timed out after N s").
  /// Negative: default_timeout(). Zero: no limit.
  double timeout = -1;
  std::string baseline = "default"; ///< the preset speed-ups are measured against
  double alpha = 0.05;              ///< significance level of the comparison
  double cosine_threshold = 0.99;   ///< --verify: flag accuracy below this
  run::schedule schedule = run::schedule::rounds;
  double turn_s = 0.1;  ///< lockstep and duet: a turn's (a window's) length, at least one forward
  int cycles = 10;      ///< lockstep and duet: cycles per batch in each process set
  int turn_discard = 0; ///< lockstep: untimed forwards at the start of each turn
  std::vector<run::build> builds; ///< several builds side by side (lockstep only); empty: this one
};

/// "rounds", "lockstep" or "duet".
std::string_view name_of(schedule s);

/// The time limit of one preset's process when none is given: 120 s to start (LibTorch's load and the model's
/// initialisation, under emulation too), plus every planned forward (warm-up, timed, profiled) at 1 GFLOP/s, about
/// a hundredth of what a server core does with this model, plus --max-time (or --min-time) per batch, twice with
/// profiling.
double default_timeout(const plan& p, bool evidence = false);


/// Checks the options against the presets and models and builds the plan; throws input_error naming the
/// option and the fix (a batch that is not a whole number, an unknown preset or knob value, --baseline not
/// among the presets, --max-time below --min-time).
plan make_plan(const plan_options& o, const config::preset_catalog& catalog, const std::filesystem::path& models_dir);

/// The batch sizes of --batch items; throws input_error naming --batch.
std::vector<std::int64_t> parse_batches(const std::vector<std::string>& items);

/// The report of a plan before anything ran: its context, model and settings; no runs yet.
record::report begin_report(const plan& p, record::context context);

} // namespace gbench::run

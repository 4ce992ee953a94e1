#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gbench/error.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/session/tune.hpp"
#include "gbench/util/subprocess.hpp"
#include "paths.hpp"
#include "plan.hpp"

namespace gbench::app {

namespace {

constexpr auto last = CLI::MultiOptionPolicy::TakeLast;

// What is searched and how the races are run and decided.
void setup_tune_search(CLI::App* sub, tune_options& opt) {
  sub->add_option("--model", opt.model, "Model name in configs/models, a model JSON, TorchScript .pt or AOTInductor .pt2 file")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("-b,--batch", opt.batches, "Batch sizes, e.g. 256,32,10")->delimiter(',')->capture_default_str();
  sub->add_option("--presets", opt.presets_file, "Also read knob declarations (candidates) from this JSON file")
      ->check(CLI::ExistingFile)
      ->multi_option_policy(last);
  sub->add_option("--configs", opt.configs, "Folder holding presets.json and models/")->multi_option_policy(last);
  sub->add_option("--knobs", opt.knobs, "Search only these knobs and settings (default: every one with candidates)")
      ->delimiter(',');
  sub->add_option("--strategy", opt.strategy, "staged: one group of knobs at a time; joint: race the whole grid")
      ->check(CLI::IsMember({"staged", "joint"}))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--budget", opt.budget, "Wall-time budget of the search in seconds (0: none)")
      ->check(CLI::Range(0.0, 7 * 86400.0))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--tolerance", opt.tolerance, "Candidates at most this fraction slower than the best are a tie")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--alpha", opt.alpha, "Significance level of the eliminations")
      ->check(CLI::Range(1e-6, 0.5))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_flag("--no-halving", opt.no_halving,
               "Eliminate only candidates shown slower across processes (no successive halving by estimate): "
               "more processes when candidates differ by less than the noise");
  sub->add_option("--max-rounds", opt.max_rounds,
                  "Rounds (process sets under lockstep) per race before the best by estimate is taken (nothing is "
                  "eliminated on timings before round 2)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--schedule", opt.schedule,
                  "How a stage's candidates share the machine: lockstep (each round one process set of co-resident "
                  "workers taking turns, when they fit in memory together; else rounds, said in a note) or rounds "
                  "(a process per candidate, one after another)")
      ->check(CLI::IsMember({"lockstep", "rounds"}))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--turn-ms", opt.turn_ms, "Lockstep: a turn's length in milliseconds, at least one forward")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--cycles", opt.cycles, "Lockstep: cycles (every candidate one turn) per batch in each process set")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--cosine-threshold", opt.cosine_threshold,
                  "Reject a candidate whose logits' cosine to float64 is below this")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--min-top1", opt.min_top1,
                  "Reject a candidate whose top-1 agreement with float64 is below this (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->multi_option_policy(last);
}

// Each benchmark process, and what the search writes.
void setup_tune_processes(CLI::App* sub, tune_options& opt) {
  sub->add_option("--warmup", opt.warmup,
                  "Untimed forwards per batch in each process, or 'auto': until steady state (at most 5 s)")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--iters", opt.iterations, "Timed forwards per batch in each process (rounds; lockstep times turns)")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--min-time", opt.min_time, "Seconds of timed forwards per batch and process at least")
      ->check(CLI::Range(0.0, 86400.0))
      ->multi_option_policy(last);
  sub->add_option("--seed", opt.seed, "Seed of weights and inputs, a whole number from 0 to 2^64-1")
      ->check(seed_validator())
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--cpus", opt.cpus,
                  "Pin every benchmark process: auto (the least busy CPUs, as many as its threads), none, or a list "
                  "such as 1 or 0-1")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--timeout", opt.timeout,
                  "Seconds each benchmark process may run; past it, it is stopped and its candidate eliminated. "
                  "Default: as for a run (120 + the planned forwards at 1 GFLOP/s); 0: no limit")
      ->check(CLI::Range(0.0, 7.0 * 86400.0))
      ->multi_option_policy(last);
  sub->add_option("--json", opt.json_path, "Write the whole search (every process's samples) to this file")
      ->multi_option_policy(last);
  sub->add_option("--write-presets", opt.write_presets, "Write the winners as presets tuned-bN to this presets file")
      ->multi_option_policy(last);
  sub->add_flag("-q,--quiet", opt.quiet, "No progress on stderr");
}

} // namespace

CLI::App* setup_tune(CLI::App& app, tune_options& opt) {
  auto* sub = app.add_subcommand(
      "tune", "Find the fastest configuration of the declared knobs per batch: raced, guarded by accuracy");
  setup_tune_search(sub, opt);
  setup_tune_processes(sub, opt);
  return sub;
}

namespace {

// The same plan as a run's, so that every candidate's process gets what a preset's gets: the model and batches
// checked, warm-up until steady, samples in chunks, a time limit, CPU placement and the interrupt path.
run::plan plan_of(const tune_options& opt, const config::preset_catalog& catalog,
                  const std::filesystem::path& configs) {
  run::plan_options po;
  po.model = opt.model;
  po.batches = opt.batches;
  po.presets = {"default"};
  po.warmup = opt.warmup;
  po.iterations = opt.iterations;
  po.seed = opt.seed;
  po.min_time = opt.min_time;
  po.profile = false;
  po.alpha = opt.alpha;
  po.cosine_threshold = opt.cosine_threshold;
  po.timeout = opt.timeout;
  po.schedule = opt.schedule;
  po.turn_ms = opt.turn_ms;
  po.cycles = opt.cycles;
  auto plan = run::make_plan(po, catalog, configs / "models");
  if (!plan.models.empty()) {
    // A search races knob values on one model; eager against compiled is `run --model a.pt,a.pt2`.
    throw input_error(fmt::format("--model '{}': tune searches one model; give one name or file", opt.model));
  }
  return plan;
}

tune::search_options search_options_of(const tune_options& opt) {
  tune::search_options so;
  so.strategy = opt.strategy;
  so.rules.alpha = opt.alpha;
  so.rules.tolerance = opt.tolerance;
  so.rules.halving = !opt.no_halving;
  so.budget_s = opt.budget;
  so.max_rounds = opt.max_rounds;
  so.cosine_threshold = opt.cosine_threshold;
  so.min_top1 = opt.min_top1;
  so.schedule = opt.schedule;
  return so;
}

} // namespace

int run_tune(const tune_options& opt) {
  const auto configs = config_dir(opt.configs);
  auto catalog = load_catalog(configs, opt.presets_file);
  auto plan = plan_of(opt, catalog, configs);
  const session::tune_request request{.plan = std::move(plan),
                                      .builtin = load_catalog(configs, ""),
                                      .catalog = std::move(catalog),
                                      .knobs = opt.knobs,
                                      .search = search_options_of(opt),
                                      .warmup = opt.warmup,
                                      .cpus = opt.cpus,
                                      .progress = !opt.quiet && ::isatty(STDERR_FILENO) != 0,
                                      .json_path = opt.json_path,
                                      .write_presets = opt.write_presets,
                                      .command_line = opt.command_line,
                                      .executable = util::self_executable()};
  return session::run_tune(request, std::cout);
}

} // namespace gbench::app

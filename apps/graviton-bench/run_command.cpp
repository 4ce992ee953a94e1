#include <unistd.h>

#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/session/run_session.hpp"
#include "gbench/util/subprocess.hpp"
#include "plan.hpp"

namespace gbench::app {

namespace {

// A repeated single-valued option takes its last value, so that a wrapper's defaults can be overridden.
constexpr auto last = CLI::MultiOptionPolicy::TakeLast;

// What runs: the model, batches, presets, knobs, warm-up and timing.
void setup_run_what(CLI::App& app, run_options& opt) {
  app.add_option("--model", opt.plan.model,
                 "Model name in configs/models, a model JSON file, a TorchScript .pt or an AOTInductor .pt2 file; "
                 "a comma list runs each (e.g. m.pt,m.pt2: eager against compiled)")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--input", opt.plan.inputs,
                 "A model file's input, one sample: SHAPE[:DTYPE[:LOW..HIGH]], e.g. 3x224x224:float32 or "
                 "128:int64:0..30521; repeat per forward argument (default: the model's sidecar JSON)");
  app.add_option("-b,--batch", opt.plan.batches, "Batch sizes, e.g. 256,32,10")->delimiter(',')->capture_default_str();
  app.add_option("-p,--preset", opt.plan.presets, "Presets to run, e.g. default,bf16 (or 'all'); see 'presets'")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--presets", opt.presets_file, "Also read presets from this JSON file")->check(CLI::ExistingFile)->multi_option_policy(last);
  app.add_option("--env", opt.plan.env, "Set one knob in every preset's process, KEY=VALUE (repeatable)");
  app.add_option("--warmup", opt.plan.warmup,
                 "Untimed forwards before timing, per batch, or 'auto': until steady state (at most 5 s), reported")
      ->capture_default_str()->multi_option_policy(last);
  app.add_option("--iters", opt.plan.iterations, "Timed forwards per batch")->check(CLI::Range(1, 10000000))->capture_default_str()->multi_option_policy(last);
  app.add_option("--threads", opt.plan.threads, "Intra-op threads (default: LibTorch's choice); at most 4 per core "
                                           "this process may use")->check(CLI::Range(1, 4096))->multi_option_policy(last);
  app.add_option("--seed", opt.plan.seed, "Seed of weights and inputs, a whole number from 0 to 2^64-1")
      ->check(seed_validator())
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_flag("-v,--verbose", opt.plan.verbose, "Print the model and its predicted classes (stderr)");
}

// Where the results go.
void setup_run_output(CLI::App& app, run_options& opt) {
  app.add_option("--json", opt.json_path, "Write the full report (context, samples, statistics) to this file")->multi_option_policy(last);
  app.add_option("--format", opt.format, "Output on stdout: table, markdown, csv, json, jsonl")->capture_default_str()->multi_option_policy(last);
  app.add_option("--columns", opt.columns,
                 "Columns of the table, markdown and csv: 'all', or a list such as preset,batch,median,p90 "
                 "(default: the table shows what carries information for this run, markdown and csv every column)")
      ->delimiter(',');
}

// Repetitions, schedule and the statistics of the comparison.
void setup_run_comparison(CLI::App& app, run_options& opt) {
  app.add_option("-r,--repetitions", opt.plan.repetitions,
                 "Process sets (lockstep, duet) or rounds (--schedule rounds) of every preset, each in new processes; "
                 "'auto' (with --precision): until precise")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--schedule", opt.plan.schedule,
                 "How presets share the machine: lockstep (co-resident workers taking turns), duet (their windows at "
                 "the same time, each on CPUs of its own), rounds (one process after another), or auto")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--turn-ms", opt.plan.turn_ms, "Lockstep and duet: a turn's (a window's) length in milliseconds, at least one forward")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--cycles", opt.plan.cycles, "Lockstep and duet: cycles (every preset one turn) per batch in each process set")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--worker-bin", opt.plan.worker_bins,
                 "LABEL=PATH: a build whose workers run beside the others' (lockstep or duet), every preset once per build "
                 "(two or more; --json then holds {build})");
  app.add_option("--worker-env", opt.plan.worker_env,
                 "LABEL:KEY=VALUE: a variable in one build's workers; a label without --worker-bin is this "
                 "graviton-bench under that environment");
  app.add_option("--precision", opt.plan.precision,
                 "With --repetitions auto: add process sets (or rounds) until every speed-up's 95% interval is within +-PCT percent "
                 "(or --max-time seconds pass, default 600)")
      ->check(CLI::Range(0.1, 100.0))
      ->multi_option_policy(last);
  app.add_option("--cpus", opt.cpus,
                 "Pin every benchmark process: auto (the least busy CPUs, as many as its threads), none, or a list "
                 "such as 1 or 0-1")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--baseline", opt.plan.baseline, "Preset that speed-ups are measured against")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--alpha", opt.plan.alpha,
                 "Significance level of the comparison (its test follows how the presets ran: docs/statistics.md)")
      ->check(CLI::Range(1e-6, 0.5))
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--min-time", opt.plan.min_time, "Seconds of timed forwards at least: --iters at a time until reached")
      ->check(CLI::Range(0.0, 86400.0))
      ->multi_option_policy(last);
  app.add_option("--max-time", opt.plan.max_time,
                 "Seconds after which --min-time adds no more forwards; with --repetitions auto, the whole run's limit")
      ->check(CLI::Range(0.0, 86400.0))
      ->multi_option_policy(last);
}

// Progress, profiling, evidence, limits and the files a run reads.
void setup_run_more(CLI::App& app, run_options& opt) {
  app.add_flag("-q,--quiet", opt.quiet, "No progress on stderr");
  app.add_flag("--no-profile", opt.no_profile, "Skip the profiled forwards and the operator tables");
  app.add_option("--sort-by", opt.sort_by, "Sort the operator table by self_cpu_time_total, cpu_time_total, cpu_time, count")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--row-limit", opt.row_limit, "Rows of the operator table (-1: all)")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_flag("--group-by-input-shape", opt.plan.record_shapes,
               "Record input shapes and give each (operator, shapes) a row of its own");
  app.add_option("--trace", opt.plan.trace_dir, "Write a Chrome/Perfetto trace per preset and batch into this folder")
      ->multi_option_policy(last);
  app.add_flag("--verify", opt.verify,
               "Also record, per preset, which backend served each layer (oneDNN verbose), huge pages, and "
               "accuracy against float64");
  app.add_option("--cosine-threshold", opt.plan.cosine_threshold,
                 "With --verify, flag a preset whose logits' cosine similarity to float64 is below this")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--timeout", opt.plan.timeout,
                 "Seconds each preset's process may run in rounds (a lockstep worker has a limit per order instead); past "
                 "it, it is stopped (SIGTERM, then SIGKILL) and reported as failed, the other presets still run, exit 6. "
                 "Default: 120 + the planned forwards at 1 GFLOP/s + --max-time (or --min-time) per batch, twice with "
                 "profiling; 0: no limit")
      ->check(CLI::Range(0.0, 7.0 * 86400.0))
      ->multi_option_policy(last);
  app.add_option("--configs", opt.configs, "Folder holding presets.json and models/")->multi_option_policy(last);
  app.add_option("--peak", opt.peak,
                 "Peak figures for the roofline columns: a file of 'graviton-bench peak --json' (or a report that "
                 "has them), or 'none' (default: this host's cache, written by 'graviton-bench peak')")
      ->multi_option_policy(last);
}

} // namespace

void setup_run(CLI::App& app, run_options& opt) {
  setup_run_what(app, opt);
  setup_run_output(app, opt);
  setup_run_comparison(app, opt);
  setup_run_more(app, opt);
}

int run_run(const run_options& opt) {
  report::reporter_options layout;
  if (!opt.columns.empty()) {
    layout.columns = opt.columns;
  }
  const auto keys = profile::sort_keys();
  if (std::find(keys.begin(), keys.end(), opt.sort_by) == keys.end()) {
    throw input_error(fmt::format("--sort-by: unknown key '{}'; valid keys: {}", opt.sort_by, fmt::join(keys, ", ")));
  }
  if (!opt.no_profile) {
    layout.profiles = report::profile_view{opt.sort_by, opt.row_limit, opt.plan.record_shapes};
  }
  if (opt.verify) {
    layout.evidence_cosine_threshold = opt.plan.cosine_threshold;
  }
  const auto reporter = report::make_reporter(opt.format, layout);
  auto options = opt.plan;
  options.profile = !opt.no_profile;
  session::run_request request{.plan = make_plan(options, opt.configs, opt.presets_file),
                               .cpus = opt.cpus,
                               .peak = opt.peak,
                               .verify = opt.verify,
                               .progress = !opt.quiet && ::isatty(STDERR_FILENO) != 0,
                               .json_path = opt.json_path,
                               .command_line = opt.command_line,
                               .default_preset = default_preset(opt.configs, opt.presets_file),
                               .executable = util::self_executable()};
  return session::run_session(request, *reporter, std::cout);
}

} // namespace gbench::app

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <thread>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "gbench/backend/libtorch.hpp"
#include "gbench/compare/preset_comparison.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/report/evidence_text.hpp"
#include "gbench/run/evidence.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/host/placement.hpp"
#include "gbench/run/until_precise.hpp"
#include "gbench/peak/peak.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/record/report.hpp"
#include "gbench/report/columns.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/subprocess.hpp"
#include "gbench/util/json_text.hpp"
#include "paths.hpp"
#include "plan.hpp"

namespace gbench::app {

void setup_run(CLI::App& app, run_options& opt) {
  // A repeated single-valued option takes its last value, so that a wrapper's defaults can be overridden.
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
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
  app.add_option("--json", opt.json_path, "Write the full report (context, samples, statistics) to this file")->multi_option_policy(last);
  app.add_option("--format", opt.format, "Output on stdout: table, markdown, csv, json, jsonl")->capture_default_str()->multi_option_policy(last);
  app.add_option("--columns", opt.columns,
                 "Columns of the table, markdown and csv: 'all', or a list such as preset,batch,median,p90 "
                 "(default: the table shows what carries information for this run, markdown and csv every column)")
      ->delimiter(',');
  app.add_option("-r,--repetitions", opt.plan.repetitions,
                 "Runs of every preset, each in a new process, interleaved; 'auto' (with --precision): until precise")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--schedule", opt.plan.schedule,
                 "How presets share the machine: lockstep (co-resident workers taking turns), duet (their windows at "
                 "the same time, each on CPUs of its own), rounds (one process after another), or auto")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--turn-ms", opt.plan.turn_ms, "Lockstep: a turn's length in milliseconds (at least one forward)")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--cycles", opt.plan.cycles, "Lockstep: cycles (every preset one turn) per batch in each process set")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--precision", opt.plan.precision,
                 "With --repetitions auto: add rounds until every speed-up's 95% interval is within +-PCT percent "
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
                 "Significance level of the comparison (the t-test across processes, paired by round)")
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
                 "Seconds each preset's process may run; past it, it is stopped (SIGTERM, then SIGKILL) and reported "
                 "as failed, the other presets still run, exit 6. Default: 120 + the planned forwards at 1 GFLOP/s "
                 "+ --max-time (or --min-time) per batch, twice with profiling; 0: no limit")
      ->check(CLI::Range(0.0, 7.0 * 86400.0))
      ->multi_option_policy(last);
  app.add_option("--configs", opt.configs, "Folder holding presets.json and models/")->multi_option_policy(last);
  app.add_option("--peak", opt.peak,
                 "Peak figures for the roofline columns: a file of 'graviton-bench peak --json' (or a report that "
                 "has them), or 'none' (default: this host's cache, written by 'graviton-bench peak')")
      ->multi_option_policy(last);
}

namespace {

// PyTorch's key_averages().table() of each preset and batch, as the recipe prints it (first repetition).
void print_profiles(const record::report& r, const run_options& opt, std::ostream& out) {
  for (const auto& run : r.runs) {
    if (run.repetition != 1) {
      continue;
    }
    for (const auto& b : run.batches) {
      if (!b.ok || !b.profile) {
        continue;
      }
      const auto& p = *b.profile;
      out << fmt::format("\n{} @ batch {}: {} profiled forwards inside record_function(\"mymodel_inference\")\n",
                         run.model.empty() ? run.preset.name : run.model + " " + run.preset.name, b.batch,
                         p.samples_ns.size());
      out << profile::format_table(p.table, opt.sort_by, opt.row_limit, opt.plan.record_shapes);
      if (!p.samples_ns.empty()) {
        out << fmt::format("median per forward: {} profiled, {} unprofiled ({:+.1f}% profiler overhead)\n",
                           report::format_duration_ns(p.summary_ns.median),
                           report::format_duration_ns(b.summary_ns.median),
                           100.0 * (p.summary_ns.median / b.summary_ns.median - 1.0));
      }
    }
  }
}

// --peak FILE, else the host's cache; none when there is neither (the roofline columns then say '-').
std::optional<record::peak_figures> find_peak(const std::string& option, const host::host_info& host) {
  if (option == "none") {
    return std::nullopt;
  }
  if (!option.empty()) {
    return peak::read_file(option);
  }
  std::string why;
  auto cached = peak::read_cache(host, why);
  if (!cached) {
    std::cerr << fmt::format("note: no roofline: {}; 'graviton-bench peak' measures this host's peak once, or give "
                             "--peak FILE\n",
                             why);
  }
  return cached;
}

} // namespace

int run_run(const run_options& opt) {
  report::reporter_options layout;
  if (!opt.columns.empty()) {
    layout.columns = opt.columns;
  }
  auto reporter = report::make_reporter(opt.format, layout);
  const auto keys = profile::sort_keys();
  if (std::find(keys.begin(), keys.end(), opt.sort_by) == keys.end()) {
    throw input_error(fmt::format("--sort-by: unknown key '{}'; valid keys: {}", opt.sort_by, fmt::join(keys, ", ")));
  }
  auto options = opt.plan;
  options.profile = !opt.no_profile;
  run::plan plan = make_plan(options, opt.configs, opt.presets_file);
  const auto host = host::query_host();
  record::run_conditions conditions;
  std::vector<host::cpu_load> load;
  plan.placement = place_processes(opt.cpus, &load);
  conditions.cpus_mode = plan.placement.mode;
  conditions.cpu_order = plan.placement.order;
  conditions.placement_reason = plan.placement.reason;
  const auto used = plan.placement.cpus_for(plan.threads.value_or(0));
  for (const auto& l : load) {
    if (std::find(used.begin(), used.end(), l.cpu) != used.end()) {
      conditions.other_load_before = std::max(conditions.other_load_before, l.busy);
      conditions.steal_before = std::max(conditions.steal_before, l.steal);
    }
  }
  if (conditions.other_load_before > 0.25) {
    // Threads that share a CPU with other work wait for it, and at every parallel region for each other.
    std::cerr << fmt::format("warning: other work used {:.0f}% of CPU {} in the last half second; timings will be "
                             "noisy (use a quiet machine, --cpus to choose others, or -r / --precision to measure "
                             "through it)\n",
                             100.0 * conditions.other_load_before, host::format_cpu_list(used));
  }
  for (const auto& model : plan.models.empty() ? std::vector{plan.model} : plan.models) {
    run::check_memory(model, plan.batches, host.mem_available_bytes);
  }
  const auto peak_figures = find_peak(opt.peak, host);
  if (!opt.json_path.empty()) {
    util::check_writable(opt.json_path, "--json");
  }
  if (!plan.trace_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(plan.trace_dir, ec);
    util::check_writable(std::filesystem::path(plan.trace_dir) / "trace.json", "--trace");
  }

  auto context = record::make_context(host, opt.command_line);
  const auto torch = backend::query_libtorch();
  // With --verify the bf16 settings are probed (a few small processes) before the context is written.
  context.knobs = opt.verify ? run::probe_knobs(plan, util::self_executable(), host, torch)
                             : evidence::assess_knobs(host, torch);
  context.peak = peak_figures;
  auto run_plan = plan;
  run_plan.progress = !opt.quiet && ::isatty(STDERR_FILENO) != 0;
  record::report result = run::begin_report(run_plan, std::move(context));
  reporter->begin(result, std::cout);
  const host::load_monitor monitor;
  std::optional<run::until_precise> precise;
  if (plan.precision) {
    precise.emplace(run_plan, *plan.precision, opt.plan.max_time > 0 ? opt.plan.max_time : 600.0);
  }
  result.runs = run::execute(
      run_plan, util::self_executable(), false, [&](const record::preset_run& r) { reporter->on_run(r, std::cout); },
      precise ? run::next_round_fn(std::ref(*precise)) : run::next_round_fn{});
  const auto during = monitor.others(used);
  conditions.other_load_during = during.busy;
  conditions.steal_during = during.steal;
  if (precise) {
    conditions.precision = precise->outcome();
    result.settings.repetitions = precise->outcome().rounds;
    std::cerr << fmt::format("precision: widest 95% interval {} ({}) after {} rounds: {}\n",
                             std::isfinite(precise->outcome().reached)
                                 ? fmt::format("+-{:.1f}%", 100.0 * precise->outcome().reached)
                                 : std::string("not estimable"),
                             precise->outcome().widest, precise->outcome().rounds, precise->outcome().stopped);
  }
  result.conditions = conditions;
  if (opt.verify && util::interrupt_signal() == 0) {
    run::attach_evidence(result.runs, run::gather_evidence(plan, default_preset(opt.configs, opt.presets_file),
                                                                     util::self_executable()));
  }
  const int interrupted_by = util::interrupt_signal();
  if (interrupted_by != 0) {
    result.status = "interrupted";
  }
  result.comparison = compare::compare_presets(result);

  reporter->write(result, std::cout);
  if (opt.format == "table" && !opt.no_profile) {
    print_profiles(result, opt, std::cout);
  }
  if (opt.verify && opt.format == "table") {
    std::cout << "\nevidence (one more forward per batch with ONEDNN_VERBOSE=1, in a process of its own)\n";
    report::print_evidence(result.runs, opt.plan.cosine_threshold, std::cout);
  }
  std::cout.flush();
  if (!opt.json_path.empty()) {
    util::write_file_atomically(opt.json_path, util::json_dump(record::to_json(result), 2) + "\n");
    std::cerr << fmt::format("report written to {}\n", opt.json_path);
  }

  if (interrupted_by != 0) {
    std::cerr << fmt::format("interrupted: {} process(es) finished{}; exiting with {}\n", result.runs.size(),
                             opt.json_path.empty() ? "" : ", report marked \"interrupted\"",
                             util::interrupt_exit_code(interrupted_by));
    return util::interrupt_exit_code(interrupted_by);
  }
  bool failed = false;
  for (const auto& r : result.runs) {
    if (!r.all_ok()) {
      failed = true;
      std::cerr << fmt::format("error: preset '{}' did not complete: {}\n", r.preset.name,
                               r.ok ? "a batch failed (see the status column)" : r.error);
      if (!r.ok && !r.stderr_tail.empty()) {
        std::cerr << fmt::format("  last lines of its stderr:\n{}\n", r.stderr_tail);
      }
    }
  }
  return failed ? static_cast<int>(exit_code::partial_failure) : 0;
}

} // namespace gbench::app

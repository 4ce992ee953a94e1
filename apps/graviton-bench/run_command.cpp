#include <unistd.h>

#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "gbench/backend/libtorch.hpp"
#include "gbench/compare/preset_comparison.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/record/report.hpp"
#include "gbench/report/columns.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
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
  app.add_option("--warmup", opt.plan.warmup, "Untimed forwards before timing, per batch")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str()->multi_option_policy(last);
  app.add_option("--iters", opt.plan.iterations, "Timed forwards per batch")->check(CLI::Range(1, 10000000))->capture_default_str()->multi_option_policy(last);
  app.add_option("--threads", opt.plan.threads, "Intra-op threads (default: LibTorch's choice)")->check(CLI::Range(1, 4096))->multi_option_policy(last);
  app.add_option("--seed", opt.plan.seed, "Seed of weights and inputs")->capture_default_str()->multi_option_policy(last);
  app.add_flag("-v,--verbose", opt.plan.verbose, "Print the model and its predicted classes (stderr)");
  app.add_option("--json", opt.json_path, "Write the full report (context, samples, statistics) to this file")->multi_option_policy(last);
  app.add_option("--format", opt.format, "Output on stdout: table, markdown, csv, json")->capture_default_str()->multi_option_policy(last);
  app.add_option("-r,--repetitions", opt.plan.repetitions, "Runs of every preset, each in a new process, interleaved")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--baseline", opt.plan.baseline, "Preset that speed-ups are measured against")
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--alpha", opt.plan.alpha, "Significance level of the comparison (Mann-Whitney U)")
      ->check(CLI::Range(1e-6, 0.5))
      ->capture_default_str()
      ->multi_option_policy(last);
  app.add_option("--min-time", opt.plan.min_time, "Seconds of timed forwards at least: --iters at a time until reached")
      ->check(CLI::Range(0.0, 86400.0))
      ->multi_option_policy(last);
  app.add_option("--max-time", opt.plan.max_time, "Seconds after which --min-time adds no more forwards")
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
  app.add_option("--configs", opt.configs, "Folder holding presets.json and models/")->multi_option_policy(last);
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

// Evidence runs for every preset, and for `default` as the baseline of "what changed".
void attach_evidence(std::vector<record::preset_run>& runs, const run::plan& plan, const run_options& opt) {
  const auto found = gather_evidence(plan, opt.configs, opt.presets_file);
  // Evidence is per preset; every repetition of a preset carries it.
  for (auto& r : runs) {
    for (const auto& f : found) {
      if (f.preset.name != r.preset.name || f.model != r.model) {
        continue;
      }
      r.evidence = f.evidence ? *f.evidence : record::run_evidence{};
      if (!f.ok) {
        r.evidence->effects.push_back("evidence: " + f.error);
      }
    }
  }
}

} // namespace

int run_run(const run_options& opt) {
  auto reporter = report::make_reporter(opt.format);
  const auto keys = profile::sort_keys();
  if (std::find(keys.begin(), keys.end(), opt.sort_by) == keys.end()) {
    throw input_error(fmt::format("--sort-by: unknown key '{}'; valid keys: {}", opt.sort_by, fmt::join(keys, ", ")));
  }
  auto options = opt.plan;
  options.profile = !opt.no_profile;
  const run::plan plan = make_plan(options, opt.configs, opt.presets_file);
  const auto host = host::query_host();
  if (host.load_average > 0.5 * host.cores) {
    // Threads that share cores with other work wait for each other at every parallel region.
    std::cerr << fmt::format("warning: the machine is busy (1-minute load average {:.1f} on {} cores); timings "
                             "will be noisy, more so with as many threads as cores\n",
                             host.load_average, host.cores);
  }
  for (const auto& model : plan.models.empty() ? std::vector{plan.model} : plan.models) {
    run::check_memory(model, plan.batches, host.mem_available_bytes);
  }
  if (!opt.json_path.empty()) {
    util::check_writable(opt.json_path, "--json");
  }
  if (!plan.trace_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(plan.trace_dir, ec);
    util::check_writable(std::filesystem::path(plan.trace_dir) / "trace.json", "--trace");
  }

  auto context = record::make_context(host, opt.command_line);
  context.knobs = evidence::assess_knobs(host, backend::query_libtorch());
  auto run_plan = plan;
  run_plan.progress = !opt.quiet && ::isatty(STDERR_FILENO) != 0;
  record::report result = run::begin_report(run_plan, std::move(context));
  reporter->begin(result, std::cout);
  result.runs = run::execute(run_plan, util::self_executable(), false,
                             [&](const record::preset_run& r) { reporter->on_run(r, std::cout); });
  if (opt.verify) {
    attach_evidence(result.runs, plan, opt);
  }
  result.comparison = compare::compare_presets(result);

  reporter->write(result, std::cout);
  if (opt.format == "table" && !opt.no_profile) {
    print_profiles(result, opt, std::cout);
  }
  if (opt.verify && opt.format == "table") {
    std::cout << "\nevidence (one more forward per batch with ONEDNN_VERBOSE=1, in a process of its own)\n";
    print_evidence(result.runs, opt.plan.cosine_threshold, std::cout);
  }
  std::cout.flush();
  if (!opt.json_path.empty()) {
    util::write_file_atomically(opt.json_path, record::to_json(result).dump(2) + "\n");
    std::cerr << fmt::format("report written to {}\n", opt.json_path);
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

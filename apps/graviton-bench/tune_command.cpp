#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "gbench/backend/libtorch.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/context.hpp"
#include "gbench/record/report.hpp"
#include "gbench/report/columns.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/session/run_session.hpp"
#include "gbench/tune/search.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/subprocess.hpp"
#include "gbench/util/json_text.hpp"
#include "paths.hpp"
#include "plan.hpp"

namespace gbench::app {

CLI::App* setup_tune(CLI::App& app, tune_options& opt) {
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
  auto* sub = app.add_subcommand(
      "tune", "Find the fastest configuration of the declared knobs per batch: raced, guarded by accuracy");
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
                  "Rounds per race before the best by estimate is taken (nothing is eliminated on timings before "
                  "round 2)")
      ->check(CLI::Range(1, 1000))
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
  sub->add_option("--warmup", opt.warmup,
                  "Untimed forwards per batch in each process, or 'auto': until steady state (at most 5 s)")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--iters", opt.iterations, "Timed forwards per batch in each process")
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
  return sub;
}

namespace {

std::string fmt_time(double ns) {
  return report::format_duration_ns(ns);
}

void print_outcomes(const tune::search_result& r, std::ostream& out) {
  for (const auto& o : r.outcomes) {
    out << fmt::format("\nbatch {}\n", o.batch);
    out << fmt::format("  winner: {}", o.winner);
    if (o.vs_default && o.winner != "default") {
      const auto& c = *o.vs_default;
      out << fmt::format("  {:.3f}x default [{:.3f}, {:.3f}] ({}; {})", c.speedup, c.speedup_low.value_or(c.speedup),
                         c.speedup_high.value_or(c.speedup), report::verdict_text(c), o.basis);
    }
    out << '\n';
    if (!o.note.empty()) {
      out << fmt::format("  note: {}\n", o.note);
    }
    if (!o.finalists.empty()) {
      out << "  finalists of the last race (mean of the processes' lowest chunk medians):\n";
      const double best = o.finalists.front().estimate_ns;
      for (std::size_t i = 0; i < o.finalists.size(); ++i) {
        const auto& f = o.finalists[i];
        out << fmt::format("    {}. {:<48} {:>12}  {:+.1f}%  {} processes{}\n", i + 1, f.id, fmt_time(f.estimate_ns),
                           best > 0 ? 100.0 * (f.estimate_ns / best - 1.0) : 0.0, f.processes,
                           f.within_tolerance ? "  (within tolerance)" : "");
      }
    }
    if (!o.eliminated.empty()) {
      out << "  eliminated:\n";
      for (const auto& e : o.eliminated) {
        out << fmt::format("    {} (stage {}, round {}): {}\n", e.candidate, e.stage, e.round, e.reason);
      }
    }
    if (!o.rejected.empty()) {
      out << "  rejected by the accuracy guard:\n";
      for (const auto& e : o.rejected) {
        out << fmt::format("    {} (stage {}): {}\n", e.candidate, e.stage, e.reason);
      }
    }
  }
}

// The route each candidate's screening saw, per batch: who served each Linear.
void print_routes(const tune::search_result& r, std::ostream& out) {
  out << "\nroutes and accuracy seen by each candidate's screening process\n";
  for (const auto& p : r.processes) {
    if (!p.evidence) {
      continue;
    }
    out << fmt::format("  {}{}\n", p.candidate,
                       p.run.allocator ? fmt::format(" (allocator {})", p.run.allocator->name) : "");
    if (!p.run.ok) {
      out << fmt::format("    FAILED: {}\n", p.run.error);
    }
    if (!p.run.evidence) {
      continue;
    }
    for (const auto& e : p.run.evidence->batches) {
      if (!e.ok) {
        out << fmt::format("    batch {}: FAILED, {}\n", e.batch, e.error);
        continue;
      }
      std::vector<std::string> layers;
      for (const auto& route : e.routes) {
        layers.push_back(route.backend == "blas"
                             ? fmt::format("{}->{} BLAS", route.in_features, route.out_features)
                             : fmt::format("{}->{} {} {} ({})", route.in_features, route.out_features,
                                           route.backend == "onednn" ? "oneDNN" : route.backend, route.implementation,
                                           route.math));
      }
      out << fmt::format("    batch {}: {}; cosine {:.6f}, top-1 {:.1f}%\n", e.batch, fmt::join(layers, "; "),
                         e.accuracy.cosine, 100 * e.accuracy.top1_agreement);
    }
  }
}

nlohmann::ordered_json presets_file_of(const tune::search_result& r, const config::preset_catalog& builtin,
                                       const config::preset_catalog& catalog) {
  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  nlohmann::ordered_json knobs = nlohmann::ordered_json::object();
  nlohmann::ordered_json presets = nlohmann::ordered_json::array();
  for (const auto& o : r.outcomes) {
    const auto& p = o.winner_preset;
    nlohmann::ordered_json item{{"name", p.name}, {"description", p.description}, {"env", p.env}};
    if (p.settings.matmul_precision) {
      item["matmul_precision"] = *p.settings.matmul_precision;
    }
    if (p.settings.threads) {
      item["threads"] = *p.settings.threads;
    }
    if (p.settings.allocator) {
      item["allocator"] = *p.settings.allocator;
    }
    if (p.settings.weights_dtype) {
      item["weights_dtype"] = *p.settings.weights_dtype;
    }
    for (const auto& [k, v] : p.env) {
      const config::knob* decl = catalog.find_knob(k);
      if (builtin.find_knob(k) == nullptr && decl != nullptr) {
        nlohmann::ordered_json d{{"description", decl->description}};
        if (!decl->values.empty()) {
          d["values"] = decl->values;
        }
        if (decl->integer) {
          d["integer"] = true;
        }
        knobs[k] = d;
      }
    }
    presets.push_back(item);
  }
  if (!knobs.empty()) {
    j["knobs"] = knobs;
  }
  j["presets"] = presets;
  return j;
}

} // namespace

int run_tune(const tune_options& opt) {
  const auto configs = config_dir(opt.configs);
  const auto builtin = load_catalog(configs, "");
  const auto catalog = load_catalog(configs, opt.presets_file);
  // The same plan as a run's, so that every candidate's process gets what a preset's gets: the model and batches
  // checked, warm-up until steady, samples in chunks, a time limit, CPU placement and the interrupt path.
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
  run::plan plan = run::make_plan(po, catalog, configs / "models");
  if (!plan.models.empty()) {
    // A search races knob values on one model; eager against compiled is `run --model a.pt,a.pt2`.
    throw input_error(fmt::format("--model '{}': tune searches one model; give one name or file", opt.model));
  }
  if (!opt.json_path.empty()) {
    util::check_writable(opt.json_path, "--json");
  }
  if (!opt.write_presets.empty()) {
    util::check_writable(opt.write_presets, "--write-presets");
  }
  const auto host = host::query_host();
  run::check_memory(plan.model, plan.batches, host.mem_available_bytes / 3); // the screening's float64 copy
  const auto torch = backend::query_libtorch();
  tune::space_facts facts{evidence::assess_knobs(host, torch), std::max(1, host.cores), std::max(1, torch.threads)};
  const auto space = tune::build_space(catalog, facts, opt.knobs);

  tune::search_options so;
  so.batches = plan.batches;
  so.strategy = opt.strategy;
  so.rules.alpha = opt.alpha;
  so.rules.tolerance = opt.tolerance;
  so.rules.halving = !opt.no_halving;
  so.budget_s = opt.budget;
  so.max_rounds = opt.max_rounds;
  so.cosine_threshold = opt.cosine_threshold;
  so.min_top1 = opt.min_top1;

  plan.placement = session::place_run(opt.cpus, plan.threads).placement;
  const bool progress = !opt.quiet && ::isatty(STDERR_FILENO) != 0;

  std::cout << fmt::format("tune: model {}, batches {}, strategy {}, {} knobs and settings, full grid {:.0f} "
                           "configurations\n",
                           plan.model.name, fmt::join(plan.batches, ","), opt.strategy, space.dimensions.size(),
                           space.grid_points());
  for (const auto& d : space.dimensions) {
    std::vector<std::string> values;
    for (const auto& v : d.values) {
      values.push_back(v.empty() ? "(unset)" : v);
    }
    std::cout << fmt::format("  search {:<30} group {:<10} {}\n", d.name, d.group, fmt::join(values, ", "));
  }
  for (const auto& p : space.pruned) {
    std::cout << fmt::format("  not searched: {}: {}\n", p.name, p.reason);
  }
  std::cout.flush();

  const auto exe = util::self_executable();
  const tune::process_runner runner = [&](const tune::process_request& req) {
    auto one = plan;
    one.presets = {req.preset};
    one.batches = req.batches;
    auto runs = run::execute(one, exe, req.evidence);
    if (runs.empty()) { // an interrupt came before the process could start
      record::preset_run none;
      none.preset = req.preset;
      none.error = "not started: interrupted";
      return none;
    }
    return runs.front();
  };
  const auto started = std::chrono::steady_clock::now();
  const std::function<double()> now = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const std::function<void(const std::string&)> say = [&](const std::string& line) {
    if (progress) {
      std::cerr << fmt::format("[{:6.0f} s] {}\n", now(), line);
    }
  };
  const auto result = tune::search(space, so, runner, now, say);

  print_outcomes(result, std::cout);
  print_routes(result, std::cout);
  std::cout << fmt::format(
      "\ntime: {:.0f} s for {} processes ({} screening, {} timed); the full grid of {:.0f} "
      "configurations, each screened and timed in as many processes as the winner ({} each), would take about {:.0f} s "
      "({:.1f}x as long)\n",
      result.wall_s, result.processes.size(),
      std::count_if(result.processes.begin(), result.processes.end(), [](const auto& p) { return p.evidence; }),
      std::count_if(result.processes.begin(), result.processes.end(), [](const auto& p) { return !p.evidence; }),
      space.grid_points(), result.processes_per_point, result.grid_estimate_s,
      result.wall_s > 0 ? result.grid_estimate_s / result.wall_s : 0.0);
  std::cout.flush();

  if (!opt.json_path.empty()) {
    nlohmann::json j;
    j["schema"] = "graviton-bench-tune";
    j["schema_version"] = 2;
    auto context = record::make_context(host, opt.command_line);
    context.knobs = facts.verdicts;
    j["context"] = record::to_json(context);
    j["model"] = record::to_json(record::describe(plan.model));
    j["settings"] = {{"warmup", opt.warmup},
                     {"iterations", plan.iterations},
                     {"min_time", plan.min_time},
                     {"seed", plan.seed},
                     {"timeout_s", plan.timeout >= 0 ? nlohmann::json(plan.timeout) : nlohmann::json(nullptr)},
                     {"placement", host::to_json(plan.placement)}};
    j["search"] = tune::to_json(result);
    util::write_file_atomically(opt.json_path, util::json_dump(j, 2) + "\n");
    std::cerr << fmt::format("report written to {}\n", opt.json_path);
  }
  if (const int signal = util::interrupt_signal(); signal != 0) {
    std::cerr << fmt::format("interrupted: {} process(es) ran{}; no presets written; exiting with {}\n",
                             result.processes.size(), opt.json_path.empty() ? "" : ", the search so far is in --json",
                             util::interrupt_exit_code(signal));
    return util::interrupt_exit_code(signal);
  }
  if (result.budget_too_small) {
    std::cerr << fmt::format(
        "error: --budget {} s is too small for one round of the search: {} processes took {:.0f} s "
        "before the first round was complete; give a larger --budget, fewer --knobs or batches, "
        "or fewer --iters\n",
        opt.budget, result.processes.size(), result.wall_s);
    return static_cast<int>(exit_code::invalid_input);
  }
  if (!opt.write_presets.empty()) {
    util::write_file_atomically(opt.write_presets, util::json_dump(presets_file_of(result, builtin, catalog), 2) + "\n");
    std::cerr << fmt::format("presets written to {}: run them with --presets {} --preset {}\n", opt.write_presets,
                             opt.write_presets,
                             result.outcomes.empty() ? "tuned-bN" : result.outcomes.front().winner_preset.name);
  }
  const bool any_failed =
      std::any_of(result.processes.begin(), result.processes.end(), [](const auto& p) { return !p.run.ok; });
  return any_failed ? static_cast<int>(exit_code::partial_failure) : 0;
}

} // namespace gbench::app

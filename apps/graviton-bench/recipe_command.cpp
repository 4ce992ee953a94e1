#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gbench/compare/recipe_check.hpp"
#include "gbench/config/recipe.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/report/recipe_text.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/session/run_session.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/json_text.hpp"
#include "gbench/util/subprocess.hpp"
#include "paths.hpp"
#include "plan.hpp"

namespace gbench::app {

CLI::App* setup_recipe(CLI::App& app, recipe_options& opt) {
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
  auto* sub = app.add_subcommand(
      "recipe", "Run the PyTorch Graviton recipe's study (its presets, batches 256, 32, 10, with --verify) and print "
                "its published ratios beside the measured ones, each reproduced, different or not applicable here");
  sub->add_option("--recipe", opt.recipe_file, "The recipe's study and figures (default: configs/recipe.json)")
      ->check(CLI::ExistingFile)
      ->multi_option_policy(last);
  sub->add_option("--model", opt.model, "Another model than the recipe's (the ratios are the recipe MLP's)")
      ->multi_option_policy(last);
  sub->add_option("--threads", opt.threads, "Intra-op threads (default: LibTorch's choice)")
      ->check(CLI::Range(1, 4096))
      ->multi_option_policy(last);
  sub->add_option("-r,--repetitions", opt.repetitions, "Process sets of every preset, as for a run")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--warmup", opt.warmup, "Untimed forwards per batch, or 'auto'")->capture_default_str()->multi_option_policy(last);
  sub->add_option("--iters", opt.iterations, "Timed forwards per batch")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--min-time", opt.min_time, "Seconds of timed forwards at least")->check(CLI::Range(0.0, 86400.0))->multi_option_policy(last);
  sub->add_option("--max-time", opt.max_time, "Seconds after which --min-time adds no more forwards")
      ->check(CLI::Range(0.0, 86400.0))
      ->multi_option_policy(last);
  sub->add_option("--turn-ms", opt.turn_ms, "Lockstep: a turn's length in milliseconds")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--cycles", opt.cycles, "Lockstep: cycles (every preset one turn) per batch in each process set")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--cpus", opt.cpus, "Pin every benchmark process, as for a run")->capture_default_str()->multi_option_policy(last);
  sub->add_option("--peak", opt.peak, "Peak figures for the roofline, as for a run")->multi_option_policy(last);
  sub->add_option("--configs", opt.configs, "Folder holding presets.json, recipe.json and models/")->multi_option_policy(last);
  sub->add_option("--presets", opt.presets_file, "Also read presets from this JSON file")
      ->check(CLI::ExistingFile)
      ->multi_option_policy(last);
  sub->add_option("--json", opt.json_path, "Write the recipe's rows to this file (schemas/recipe.schema.json)")
      ->multi_option_policy(last);
  sub->add_option("--report", opt.report_path, "Write the run's full report to this file")->multi_option_policy(last);
  sub->add_flag("-q,--quiet", opt.quiet, "No progress on stderr");
  sub->footer("The run's table goes to stderr, the recipe's rows to stdout. On x86 the bf16 and OpenBLAS claims are "
              "not applicable (their knobs act only on aarch64 LibTorch with ACL); a stand-in preset named in "
              "recipe.json runs beside them.");
  return sub;
}

int run_recipe(const recipe_options& opt) {
  const auto configs = config_dir(opt.configs);
  const auto recipe = config::load_recipe(opt.recipe_file.empty() ? configs / "recipe.json" : std::filesystem::path(opt.recipe_file));
  for (const auto* path : {&opt.json_path, &opt.report_path}) {
    if (!path->empty()) {
      util::check_writable(*path, *path == opt.json_path ? "--json" : "--report");
    }
  }
  run::plan_options options;
  options.model = opt.model.empty() ? recipe.model : opt.model;
  options.batches.clear();
  for (const auto b : recipe.batches) {
    options.batches.push_back(std::to_string(b));
  }
  options.presets = recipe.presets;
  const auto arch = host::query_host().arch;
  for (const auto& claim : recipe.claims) {
    const auto it = claim.stand_in.find(arch);
    if (it != claim.stand_in.end() &&
        std::find(options.presets.begin(), options.presets.end(), it->second) == options.presets.end()) {
      options.presets.push_back(it->second);
    }
  }
  options.threads = opt.threads;
  options.repetitions = opt.repetitions;
  options.warmup = opt.warmup;
  options.iterations = opt.iterations;
  options.min_time = opt.min_time;
  options.max_time = opt.max_time;
  options.turn_ms = opt.turn_ms;
  options.cycles = opt.cycles;
  options.profile = false;
  util::temp_dir tmp;
  const std::string report_path = opt.report_path.empty() ? (tmp.path() / "report.json").string() : opt.report_path;
  session::run_request request{.plan = make_plan(options, opt.configs, opt.presets_file),
                               .cpus = opt.cpus,
                               .peak = opt.peak,
                               .verify = true,
                               .progress = !opt.quiet && ::isatty(STDERR_FILENO) != 0,
                               .json_path = report_path,
                               .command_line = opt.command_line,
                               .default_preset = default_preset(opt.configs, opt.presets_file),
                               .executable = util::self_executable()};
  const auto reporter = report::make_reporter("table");
  const int rc = session::run_session(request, *reporter, std::cerr);
  if (rc != 0 && !std::filesystem::exists(report_path)) {
    return rc;
  }
  auto check = compare::check_recipe(recipe, record::load_report(report_path));
  check.report = opt.report_path;
  report::print_recipe(check, std::cout);
  if (!opt.json_path.empty()) {
    util::write_file_atomically(opt.json_path, util::json_dump(record::to_json(check), 2) + "\n");
  }
  return rc;
}

} // namespace gbench::app

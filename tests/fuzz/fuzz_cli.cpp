// libFuzzer target: the command line. The bytes are split at NUL into arguments and parsed by CLI11 with every
// command graviton-bench has, wired by the same setup_<command> functions as main(). Then what the commands do
// with the words before anything runs: a run's or doctor's plan (run::make_plan, with the shipped presets and
// models), each --input spec (config::parse_input), --cpus, the output formats, compare's metric. Files are left
// to the other targets: items that name one (a path, a .pt or .pt2 model, --presets, --configs) are not followed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "commands.hpp"
#include "gbench/compare/engine.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/host/placement.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/run/orchestrator.hpp"
#include "plan.hpp"

namespace {

// Whether an item of --model names a file (followed by the model and sidecar targets, not here).
bool names_a_file(const std::string& models) {
  return models.find('/') != std::string::npos || models.find(".pt") != std::string::npos;
}

// What run and doctor check before starting a process; throws gbench::error as they do.
void plan_of(gbench::run::plan_options plan) {
  for (std::size_t i = 0; i < plan.inputs.size(); ++i) {
    const auto in = gbench::config::parse_input(plan.inputs[i], i);
    (void)in.describe();
    (void)in.elements();
  }
  if (names_a_file(plan.model)) {
    return;
  }
  plan.inputs.clear(); // refused for an MLP spec, checked above
  const auto p = gbench::app::make_plan(plan, GBENCH_FUZZ_CONFIGS, "");
  (void)gbench::run::default_timeout(p);
  gbench::run::check_memory(p.model, p.batches, std::int64_t{1} << 40);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"graviton-bench"};
  std::string current;
  for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(current);
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }

  CLI::App app{"graviton-bench", "graviton-bench"};
  app.require_subcommand(0, 1);
  gbench::app::run_options run_opt;
  gbench::app::setup_run(app, run_opt);
  gbench::app::presets_options presets_opt;
  (void)gbench::app::setup_presets(app, presets_opt);
  gbench::app::doctor_options doctor_opt;
  auto* doctor = gbench::app::setup_doctor(app, doctor_opt);
  gbench::app::worker_options worker_opt;
  (void)gbench::app::setup_worker(app, worker_opt);
  gbench::app::compare_options compare_opt;
  auto* compare = gbench::app::setup_compare(app, compare_opt);
  gbench::app::export_options export_opt;
  (void)gbench::app::setup_export(app, export_opt);
  gbench::app::peak_options peak_opt;
  (void)gbench::app::setup_peak(app, peak_opt);
  gbench::app::peak_worker_options peak_worker_opt;
  (void)gbench::app::setup_peak_worker(app, peak_worker_opt);
  gbench::app::tune_options tune_opt;
  (void)gbench::app::setup_tune(app, tune_opt);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
    return 0; // main(): app.exit(e), exit 2
  }
  try {
    if (doctor->parsed()) {
      if (doctor_opt.presets_file.empty() && doctor_opt.configs.empty()) {
        plan_of(doctor_opt.plan);
      }
    } else if (compare->parsed()) {
      (void)gbench::compare::parse_metric(compare_opt.metric);
      (void)gbench::report::make_diff_reporter(compare_opt.format);
    } else if (app.get_subcommands().empty()) {
      (void)gbench::report::make_reporter(run_opt.format);
      (void)gbench::host::choose_placement(run_opt.cpus, {0, 1}, {{.cpu = 0, .busy = 0.5}, {.cpu = 1, .busy = 0.1}});
      if (run_opt.presets_file.empty() && run_opt.configs.empty()) {
        auto plan = run_opt.plan;
        plan.profile = !run_opt.no_profile;
        plan_of(plan);
      }
    }
  } catch (const gbench::error&) {
    // main(): "error: ..." and the error's exit code.
  }
  return 0;
}

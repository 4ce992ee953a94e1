// libFuzzer target: the command line. The bytes are split at NUL into arguments, parsed with every subcommand
// graviton-bench has, and a benchmark's arguments are turned into its plan (files read, nothing run).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "commands.hpp"
#include "gbench/error.hpp"
#include "plan.hpp"

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
  auto* presets = gbench::app::setup_presets(app, presets_opt);
  gbench::app::doctor_options doctor_opt;
  (void)gbench::app::setup_doctor(app, doctor_opt);
  gbench::app::worker_options worker_opt;
  (void)gbench::app::setup_worker(app, worker_opt);
  gbench::app::compare_options compare_opt;
  (void)gbench::app::setup_compare(app, compare_opt);
  gbench::app::export_options export_opt;
  (void)gbench::app::setup_export(app, export_opt);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::Error&) {
    return 0;
  }
  if (app.get_subcommands().empty()) {
    try {
      (void)gbench::app::make_plan(run_opt);
    } catch (const gbench::error&) {
    }
  }
  (void)presets;
  return 0;
}

// graviton-bench: LibTorch CPU inference benchmark of the Graviton tuning knobs.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "gbench/error.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/stdout_check.hpp"
#include "gbench/version.hpp"

namespace {

// The exit code once stdout is checked: 5 (output not writable) when a write to it failed, unless the command
// was interrupted (130, 143) or hit an internal error (1), whose codes say more.
int checked_exit(int rc) {
  // Results go to stdout, and a write that failed there must not end in exit 0 with the results lost.
  const auto fault = gbench::util::stdout_fault();
  if (fault.empty()) {
    return rc;
  }
  std::cerr << "error: " << fault << '\n';
  const bool keep = rc == static_cast<int>(gbench::exit_code::internal) || gbench::util::interrupt_signal() != 0;
  return keep ? rc : static_cast<int>(gbench::exit_code::output);
}

// Every command's options, filled by CLI11, and the subcommands that were given.
struct commands {
  gbench::app::run_options run;
  gbench::app::presets_options presets;
  gbench::app::doctor_options doctor;
  gbench::app::worker_options worker;
  gbench::app::compare_options compare;
  gbench::app::export_options export_cmd;
  gbench::app::peak_options peak;
  gbench::app::peak_worker_options peak_worker;
  gbench::app::tune_options tune;
  gbench::app::recipe_options recipe;
  gbench::app::serve_options serve;
  CLI::App* presets_app = nullptr;
  CLI::App* doctor_app = nullptr;
  CLI::App* worker_app = nullptr;
  CLI::App* compare_app = nullptr;
  CLI::App* export_app = nullptr;
  CLI::App* peak_app = nullptr;
  CLI::App* peak_worker_app = nullptr;
  CLI::App* tune_app = nullptr;
  CLI::App* recipe_app = nullptr;
  CLI::App* serve_app = nullptr;
};

void setup(CLI::App& app, commands& c, int argc, char** argv) {
  app.set_version_flag("--version", fmt::format("graviton-bench {} ({})", gbench::version, gbench::git_sha));
  app.footer("Exit codes: 0 ok, 1 internal error, 2 bad command line, 3 invalid input (batch, preset, model, config),\n"
             "4 not enough memory for a batch, 5 output not writable, 6 some preset or batch failed or timed out (others\n"
             "reported), 10 compare: a regression, 11 a report file cannot be used, 12 compare: the reports' set-ups\n"
             "differ, 13 compare: inconclusive (too few processes a side, no regression), 130/143 interrupted by\n"
             "SIGINT/SIGTERM (workers stopped, report of what finished written).");
  app.require_subcommand(0, 1);
  c.run.command_line.assign(argv, argv + argc);
  gbench::app::setup_run(app, c.run);
  c.presets_app = gbench::app::setup_presets(app, c.presets);
  c.doctor.command_line = c.run.command_line;
  c.doctor_app = gbench::app::setup_doctor(app, c.doctor);
  c.worker_app = gbench::app::setup_worker(app, c.worker);
  c.compare_app = gbench::app::setup_compare(app, c.compare);
  c.export_app = gbench::app::setup_export(app, c.export_cmd);
  c.peak_app = gbench::app::setup_peak(app, c.peak);
  c.peak_worker_app = gbench::app::setup_peak_worker(app, c.peak_worker);
  c.tune.command_line = c.run.command_line;
  c.tune_app = gbench::app::setup_tune(app, c.tune);
  c.recipe.command_line = c.run.command_line;
  c.recipe_app = gbench::app::setup_recipe(app, c.recipe);
  c.serve.command_line = c.run.command_line;
  c.serve_app = gbench::app::setup_serve(app, c.serve);
}

// The command given; gbench::error and other exceptions are mapped to their exit codes by the caller.
int dispatch(const commands& c) {
  if (c.presets_app->parsed()) {
    return gbench::app::run_presets(c.presets);
  }
  if (c.doctor_app->parsed()) {
    return gbench::app::run_doctor(c.doctor);
  }
  if (c.worker_app->parsed()) {
    const int rc = gbench::app::run_worker(c.worker);
    // Its results are written and closed. LibTorch's static destructors are skipped: after a profile, Kineto's
    // (libkineto::ActivityProfilerController) at times corrupts the heap and aborts, which would turn a
    // complete run into a crashed one.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(rc);
  }
  if (c.compare_app->parsed()) {
    return gbench::app::run_compare(c.compare);
  }
  if (c.tune_app->parsed()) {
    return gbench::app::run_tune(c.tune);
  }
  if (c.serve_app->parsed()) {
    return gbench::app::run_serve(c.serve);
  }
  if (c.export_app->parsed()) {
    return gbench::app::run_export(c.export_cmd);
  }
  if (c.peak_app->parsed()) {
    return gbench::app::run_peak(c.peak);
  }
  if (c.peak_worker_app->parsed()) {
    return gbench::app::run_peak_worker(c.peak_worker);
  }
  if (c.recipe_app->parsed()) {
    return gbench::app::run_recipe(c.recipe);
  }
  return gbench::app::run_run(c.run);
}

// The command line, run; main() then checks what reached stdout.
int run_command_line(int argc, char** argv) {
  CLI::App app{"graviton-bench: time LibTorch CPU inference of an MLP under presets of the Graviton tuning knobs\n"
               "(DNNL_DEFAULT_FPMATH_MODE, TORCH_MKLDNN_MATMUL_MIN_DIM, THP_MEM_ALLOC_ENABLE), each in its own process.",
               "graviton-bench"};
  commands c;
  setup(app, c, argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(gbench::exit_code::usage);
  }
  if (!c.presets_app->parsed() && !c.worker_app->parsed() && !c.compare_app->parsed() && !c.export_app->parsed()) {
    // The commands that start preset processes stop them on SIGINT or SIGTERM and keep what finished. The
    // others (and a preset's own process, which the run that started it stops) keep the default actions.
    gbench::util::install_interrupt_handlers();
  }
  if (!c.worker_app->parsed()) {
    gbench::util::ignore_file_size_signal();
  }
  try {
    return dispatch(c);
  } catch (const gbench::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "error: internal: " << e.what() << '\n';
    return static_cast<int>(gbench::exit_code::internal);
  }
}

} // namespace

int main(int argc, char** argv) { return checked_exit(run_command_line(argc, argv)); }

// graviton-bench: LibTorch CPU inference benchmark of the Graviton tuning knobs.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "gbench/error.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/version.hpp"

namespace {

// Results go to stdout, and a write that failed there (a full disk, /dev/full, a closed descriptor) must not
// end in exit 0 with the results lost. std::cout writes through C's stdout (synchronised, the default), so
// flushing both and reading their error flags sees every failed write, early or at the last flush (only a
// failure at that flush still has its errno). Returns the message, or nothing when all that was written
// reached stdout.
std::string stdout_fault() {
  errno = 0;
  std::cout.flush();
  const bool flush_failed = std::fflush(stdout) != 0;
  const int err = errno;
  if (!flush_failed && !std::cout.fail() && std::ferror(stdout) == 0) {
    return {};
  }
  std::error_code ec;
  const auto target = std::filesystem::read_symlink("/proc/self/fd/1", ec);
  return fmt::format("standard output{}: write failed{}; what it shows is incomplete",
                     ec ? std::string{} : fmt::format(" ({})", target.string()),
                     err != 0 ? fmt::format(" ({})", std::strerror(err)) : std::string{});
}

// The exit code once stdout is checked: 5 (output not writable) when a write to it failed, unless the command
// was interrupted (130, 143) or hit an internal error (1), whose codes say more.
int checked_exit(int rc) {
  const auto fault = stdout_fault();
  if (fault.empty()) {
    return rc;
  }
  std::cerr << "error: " << fault << '\n';
  const bool keep = rc == static_cast<int>(gbench::exit_code::internal) || gbench::util::interrupt_signal() != 0;
  return keep ? rc : static_cast<int>(gbench::exit_code::output);
}

// The command line, run; main() then checks what reached stdout.
int run_command_line(int argc, char** argv) {
  CLI::App app{"graviton-bench: time LibTorch CPU inference of an MLP under presets of the Graviton tuning knobs\n"
               "(DNNL_DEFAULT_FPMATH_MODE, TORCH_MKLDNN_MATMUL_MIN_DIM, THP_MEM_ALLOC_ENABLE), each in its own process.",
               "graviton-bench"};
  app.set_version_flag("--version", fmt::format("graviton-bench {} ({})", gbench::version, gbench::git_sha));
  app.footer("Exit codes: 0 ok, 1 internal error, 2 bad command line, 3 invalid input (batch, preset, model, config),\n"
             "4 not enough memory for a batch, 5 output not writable, 6 some preset or batch failed or timed out (others\n"
             "reported), 10 compare: a regression, 11 a report file cannot be used, 12 compare: the reports' set-ups\n"
             "differ, 13 compare: inconclusive (too few processes a side, no regression), 130/143 interrupted by\n"
             "SIGINT/SIGTERM (workers stopped, report of what finished written).");
  app.require_subcommand(0, 1);

  gbench::app::run_options run_opt;
  run_opt.command_line.assign(argv, argv + argc);
  gbench::app::setup_run(app, run_opt);
  gbench::app::presets_options presets_opt;
  auto* presets = gbench::app::setup_presets(app, presets_opt);
  gbench::app::doctor_options doctor_opt;
  doctor_opt.command_line = run_opt.command_line;
  auto* doctor = gbench::app::setup_doctor(app, doctor_opt);
  gbench::app::worker_options worker_opt;
  auto* worker = gbench::app::setup_worker(app, worker_opt);
  gbench::app::compare_options compare_opt;
  auto* compare = gbench::app::setup_compare(app, compare_opt);
  gbench::app::export_options export_opt;
  auto* export_cmd = gbench::app::setup_export(app, export_opt);
  gbench::app::peak_options peak_opt;
  auto* peak = gbench::app::setup_peak(app, peak_opt);
  gbench::app::peak_worker_options peak_worker_opt;
  auto* peak_worker = gbench::app::setup_peak_worker(app, peak_worker_opt);
  gbench::app::tune_options tune_opt;
  tune_opt.command_line = run_opt.command_line;
  auto* tune = gbench::app::setup_tune(app, tune_opt);
  gbench::app::recipe_options recipe_opt;
  recipe_opt.command_line = run_opt.command_line;
  auto* recipe = gbench::app::setup_recipe(app, recipe_opt);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(gbench::exit_code::usage);
  }

  if (!presets->parsed() && !worker->parsed() && !compare->parsed() && !export_cmd->parsed()) {
    // The commands that start preset processes stop them on SIGINT or SIGTERM and keep what finished. The
    // others (and a preset's own process, which the run that started it stops) keep the default actions.
    gbench::util::install_interrupt_handlers();
  }
  if (!worker->parsed()) {
    gbench::util::ignore_file_size_signal();
  }
  try {
    if (presets->parsed()) {
      return gbench::app::run_presets(presets_opt);
    }
    if (doctor->parsed()) {
      return gbench::app::run_doctor(doctor_opt);
    }
    if (worker->parsed()) {
      const int rc = gbench::app::run_worker(worker_opt);
      // Its results are written and closed. LibTorch's static destructors are skipped: after a profile, Kineto's
      // (libkineto::ActivityProfilerController) at times corrupts the heap and aborts, which would turn a
      // complete run into a crashed one.
      std::cout.flush();
      std::cerr.flush();
      std::fflush(nullptr);
      std::_Exit(rc);
    }
    if (compare->parsed()) {
      return gbench::app::run_compare(compare_opt);
    }
    if (tune->parsed()) {
      return gbench::app::run_tune(tune_opt);
    }
    if (export_cmd->parsed()) {
      return gbench::app::run_export(export_opt);
    }
    if (peak->parsed()) {
      return gbench::app::run_peak(peak_opt);
    }
    if (recipe->parsed()) {
      return gbench::app::run_recipe(recipe_opt);
    }
    if (peak_worker->parsed()) {
      return gbench::app::run_peak_worker(peak_worker_opt);
    }
    return gbench::app::run_run(run_opt);
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

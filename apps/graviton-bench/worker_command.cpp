#include "commands.hpp"

#include "gbench/run/worker.hpp"

namespace gbench::app {

CLI::App* setup_worker(CLI::App& app, worker_options& opt) {
  // Hidden (empty group): the process that graviton-bench starts for each preset.
  auto* sub = app.add_subcommand("__worker", "Run one preset's benchmark (internal)")->group("");
  sub->add_option("--job", opt.job, "Job file")->required();
  sub->add_option("--out", opt.out, "Results file (JSON lines)")->required();
  return sub;
}

int run_worker(const worker_options& opt) {
  gbench::run::run_worker(opt.job, opt.out);
  return 0;
}

} // namespace gbench::app

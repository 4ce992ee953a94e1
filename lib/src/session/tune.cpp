#include "gbench/session/tune.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "gbench/backend/libtorch.hpp"
#include "gbench/error.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/context.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/session/run_session.hpp"
#include "gbench/tune/files.hpp"
#include "gbench/tune/runners.hpp"
#include "gbench/tune/text.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::session {

namespace {

// What the command's exit says once the search is over, and the presets written when it finished.
int conclude(const tune_request& rq, const tune::search_result& result) {
  if (const int signal = util::interrupt_signal(); signal != 0) {
    std::cerr << fmt::format("interrupted: {} process(es) ran{}; no presets written; exiting with {}\n",
                             result.processes.size(), rq.json_path.empty() ? "" : ", the search so far is in --json",
                             util::interrupt_exit_code(signal));
    return util::interrupt_exit_code(signal);
  }
  if (result.budget_too_small) {
    std::cerr << fmt::format("error: --budget {} s is too small for one round of the search: {} processes took {:.0f} "
                             "s before the first round was complete; give a larger --budget, fewer --knobs or "
                             "batches, or fewer --iters\n",
                             rq.search.budget_s, result.processes.size(), result.wall_s);
    return static_cast<int>(exit_code::invalid_input);
  }
  if (!rq.write_presets.empty()) {
    util::write_file_atomically(rq.write_presets,
                                util::json_dump(tune::presets_file_of(result, rq.builtin, rq.catalog), 2) + "\n");
    std::cerr << fmt::format("presets written to {}: run them with --presets {} --preset {}\n", rq.write_presets,
                             rq.write_presets,
                             result.outcomes.empty() ? "tuned-bN" : result.outcomes.front().winner_preset.name);
  }
  const bool any_failed =
      std::any_of(result.processes.begin(), result.processes.end(), [](const auto& p) { return !p.run.ok; });
  return any_failed ? static_cast<int>(exit_code::partial_failure) : 0;
}

} // namespace

int run_tune(const tune_request& rq, std::ostream& out) {
  if (!rq.json_path.empty()) {
    util::check_writable(rq.json_path, "--json");
  }
  if (!rq.write_presets.empty()) {
    util::check_writable(rq.write_presets, "--write-presets");
  }
  auto plan = rq.plan;
  const auto host = host::query_host();
  run::check_memory(plan.model, plan.batches, host.mem_available_bytes / 3); // the screening's float64 copy
  const auto torch = backend::query_libtorch();
  tune::space_facts facts{evidence::assess_knobs(host, torch), std::max(1, host.cores), std::max(1, torch.threads)};
  const auto space = tune::build_space(rq.catalog, facts, rq.knobs);
  auto options = rq.search;
  options.batches = plan.batches;
  options.turn_s = plan.turn_s;
  options.cycles = plan.cycles;
  plan.placement = place_run(rq.cpus, plan.threads).placement;

  tune::write_space_text(space, plan.model.name, options, out);
  out.flush();
  const auto started = std::chrono::steady_clock::now();
  const std::function<double()> now = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const std::function<void(const std::string&)> say = [&](const std::string& line) {
    if (rq.progress) {
      std::cerr << fmt::format("[{:6.0f} s] {}\n", now(), line);
    }
  };
  const auto result = tune::search(space, options, tune::process_runner_of(plan, rq.executable), now, say,
                                   tune::lockstep_runner_of(plan, rq.executable, host.mem_available_bytes));
  tune::write_result_text(result, out);
  out.flush();
  if (!rq.json_path.empty()) {
    auto context = record::make_context(host, rq.command_line);
    context.knobs = facts.verdicts;
    util::write_file_atomically(rq.json_path,
                                util::json_dump(tune::report_json(context, plan, rq.warmup, result), 2) + "\n");
    std::cerr << fmt::format("report written to {}\n", rq.json_path);
  }
  return conclude(rq, result);
}

} // namespace gbench::session

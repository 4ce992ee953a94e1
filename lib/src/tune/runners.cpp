#include "gbench/tune/runners.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gbench/run/lockstep.hpp"
#include "gbench/run/orchestrator.hpp"

namespace gbench::tune {

namespace {

// The plan of one process, or of one process set: the candidates as its presets.
run::plan plan_of(const run::plan& plan, const std::vector<process_request>& requests) {
  auto one = plan;
  one.presets.clear();
  for (const auto& r : requests) {
    one.presets.push_back(r.preset);
  }
  one.batches = requests.empty() ? plan.batches : requests.front().batches;
  one.repetitions = 1;
  return one;
}

} // namespace

process_runner process_runner_of(const run::plan& plan, const std::string& executable) {
  return [plan, executable](const process_request& req) {
    auto one = plan_of(plan, {req});
    one.schedule = run::schedule::rounds;
    auto runs = run::execute(one, executable, req.evidence);
    if (runs.empty()) { // an interrupt came before the process could start
      record::preset_run none;
      none.preset = req.preset;
      none.error = "not started: interrupted";
      return none;
    }
    return runs.front();
  };
}

lockstep_runner lockstep_runner_of(const run::plan& plan, const std::string& executable,
                                   std::int64_t available_bytes) {
  lockstep_runner out;
  out.run = [plan, executable](const std::vector<process_request>& requests, int set) {
    auto one = plan_of(plan, requests);
    one.schedule = run::schedule::lockstep;
    one.first_set = std::max(1, set);
    return run::execute_lockstep(one, executable);
  };
  out.fits = [plan, available_bytes](std::size_t workers, const std::vector<std::int64_t>& batches) {
    auto set = plan;
    set.presets.assign(workers, plan.presets.empty() ? config::preset{} : plan.presets.front());
    set.batches = batches;
    if (run::coresident_fit(set, available_bytes)) {
      return std::string();
    }
    return fmt::format("the {} candidates' workers would not fit in memory together ({:.1f} GiB available)", workers,
                       static_cast<double>(available_bytes) / (1024.0 * 1024 * 1024));
  };
  return out;
}

} // namespace gbench::tune

#include "gbench/session/run_session.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "gbench/backend/libtorch.hpp"
#include "gbench/compare/preset_comparison.hpp"
#include "gbench/compare/report_diff.hpp"
#include "gbench/error.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/peak/peak.hpp"
#include "gbench/run/evidence.hpp"
#include "gbench/run/lockstep.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/run/until_precise.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::session {

namespace {

// --peak FILE, else the host's cache of the run's threads; none when there is neither (the roofline columns then
// say '-'). A row whose preset ran on other threads than the figures' gets no roofline (compare/).
std::optional<record::peak_figures> find_peak(const std::string& option, const host::host_info& host, int threads) {
  if (option == "none") {
    return std::nullopt;
  }
  if (!option.empty()) {
    return peak::read_file(option);
  }
  std::string why;
  auto cached = peak::read_cache(host, threads, why);
  if (!cached) {
    std::cerr << fmt::format("note: no roofline: {}; 'graviton-bench peak --threads {}' measures this host's peak "
                             "once, or give --peak FILE\n",
                             why, threads);
  }
  return cached;
}

// Where each report goes: one path, or with several builds one per build ("{build}" replaced by its label).
std::string json_path_of(const std::string& pattern, const std::string& build) {
  std::string path = pattern;
  if (const auto at = path.find("{build}"); at != std::string::npos) {
    path.replace(at, 7, build);
  }
  return path;
}

void check_outputs(const run_request& rq) {
  if (!rq.json_path.empty()) {
    if (!rq.plan.builds.empty() && rq.json_path.find("{build}") == std::string::npos) {
      throw input_error(fmt::format("--json {}: several builds run side by side write a report each; put {{build}} "
                                    "in the path, e.g. --json out/{{build}}.json",
                                    rq.json_path));
    }
    for (const auto& b : rq.plan.builds.empty() ? std::vector<run::build>{run::build{}} : rq.plan.builds) {
      util::check_writable(json_path_of(rq.json_path, b.label), "--json");
    }
  }
  if (!rq.plan.trace_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(rq.plan.trace_dir, ec);
    util::check_writable(std::filesystem::path(rq.plan.trace_dir) / "trace.json", "--trace");
  }
}

// The plan fitted to this host, with the context every report of the session carries.
record::report begin(const run_request& rq, run::plan& plan, const host::host_info& host, placed& where) {
  where = place_run(rq.cpus, plan.threads);
  plan.placement = where.placement;
  for (const auto& model : plan.models.empty() ? std::vector{plan.model} : plan.models) {
    run::check_memory(model, plan.batches, host.mem_available_bytes);
  }
  run::settle_schedule(plan, host.mem_available_bytes);
  const auto torch = backend::query_libtorch();
  auto peak_figures = find_peak(rq.peak, host, plan.threads.value_or(torch.threads));
  check_outputs(rq);
  auto context = record::make_context(host, rq.command_line);
  // With --verify the bf16 settings are probed (a few small processes) before the context is written.
  context.knobs =
      rq.verify ? run::probe_knobs(plan, rq.executable, host, torch) : evidence::assess_knobs(host, torch);
  context.peak = std::move(peak_figures);
  plan.progress = rq.progress;
  return run::begin_report(plan, std::move(context));
}

// The runs, until precise when the plan asks, with the other work seen on those CPUs meanwhile.
void measure(const run_request& rq, const run::plan& plan, const report::reporter& reporter, std::ostream& out,
             placed& where, record::report& result) {
  const host::load_monitor monitor;
  std::optional<run::until_precise> precise;
  if (plan.precision) {
    precise.emplace(plan, *plan.precision, plan.max_time > 0 ? plan.max_time : 600.0);
  }
  result.runs = run::execute(
      plan, rq.executable, false, [&](const record::preset_run& r) { reporter.on_run(r, out); },
      precise ? run::next_round_fn(std::ref(*precise)) : run::next_round_fn{});
  const auto during = monitor.others(where.used);
  where.conditions.other_load_during = during.busy;
  where.conditions.steal_during = during.steal;
  if (precise) {
    const auto& o = precise->outcome();
    where.conditions.precision = o;
    result.settings.repetitions = o.rounds;
    std::cerr << fmt::format("precision: widest 95% interval {} ({}) after {} {}: {}\n",
                             std::isfinite(o.reached) ? fmt::format("+-{:.1f}%", 100.0 * o.reached)
                                                      : std::string("not estimable"),
                             o.widest, o.rounds, plan.schedule == run::schedule::rounds ? "rounds" : "process sets",
                             o.stopped);
  }
  result.conditions = where.conditions;
  if (rq.verify && util::interrupt_signal() == 0) {
    run::attach_evidence(result.runs, run::gather_evidence(plan, rq.default_preset, rq.executable));
  }
  if (util::interrupt_signal() != 0) {
    result.status = "interrupted";
  }
}

// One report per build, each with its own comparison; one report of everything without builds.
std::vector<record::report> split_by_build(const record::report& whole, const run::plan& plan) {
  if (plan.builds.empty()) {
    auto r = whole;
    r.comparison = compare::compare_presets(r);
    return {r};
  }
  std::vector<record::report> out;
  for (const auto& b : plan.builds) {
    auto r = whole;
    std::erase_if(r.runs, [&](const record::preset_run& run) { return run.build != b.label; });
    r.comparison = compare::compare_presets(r);
    out.push_back(std::move(r));
  }
  return out;
}

void write_reports(const run_request& rq, const std::vector<record::report>& reports, const report::reporter& reporter,
                   std::ostream& out) {
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (!rq.plan.builds.empty()) {
      out << fmt::format("{}build {}\n", i == 0 ? "" : "\n", rq.plan.builds[i].label);
    }
    reporter.write(reports[i], out);
  }
  // The builds against the first, cycle by cycle: they ran side by side in the same session.
  for (std::size_t i = 1; i < reports.size() && reporter.writes_diffs(); ++i) {
    out << '\n';
    const auto diff = compare::diff_reports({rq.plan.builds[0].label, reports[0]}, {rq.plan.builds[i].label, reports[i]},
                                            compare::diff_options{});
    reporter.write(diff, out);
  }
  out.flush();
  if (rq.json_path.empty()) {
    return;
  }
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const auto path = json_path_of(rq.json_path, rq.plan.builds.empty() ? std::string() : rq.plan.builds[i].label);
    util::write_file_atomically(path, util::json_dump(record::to_json(reports[i]), 2) + "\n");
    std::cerr << fmt::format("report written to {}\n", path);
  }
}

int exit_code_of(const run_request& rq, const record::report& result) {
  if (const int sig = util::interrupt_signal(); sig != 0) {
    std::cerr << fmt::format("interrupted: {} process(es) finished{}; exiting with {}\n", result.runs.size(),
                             rq.json_path.empty() ? "" : ", report marked \"interrupted\"",
                             util::interrupt_exit_code(sig));
    return util::interrupt_exit_code(sig);
  }
  bool failed = false;
  for (const auto& r : result.runs) {
    if (!r.all_ok()) {
      failed = true;
      std::cerr << fmt::format("error: preset '{}'{} did not complete: {}\n", r.preset.name,
                               r.build.empty() ? std::string() : " of build " + r.build,
                               r.ok ? "a batch failed (see the status column)" : r.error);
      if (!r.ok && !r.stderr_tail.empty()) {
        std::cerr << fmt::format("  last lines of its stderr:\n{}\n", r.stderr_tail);
      }
    }
  }
  return failed ? static_cast<int>(exit_code::partial_failure) : 0;
}

} // namespace

placed place_run(const std::string& cpus, std::optional<int> threads) {
  const auto before = host::read_proc_stat();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto load = host::load_between(before, host::read_proc_stat());
  // libgomp binds this process's first thread to one CPU at load time when OMP_PROC_BIND or GOMP_CPU_AFFINITY
  // is set: the CPUs this process may use are then the online ones, not its own affinity.
  const bool bound = std::getenv("OMP_PROC_BIND") != nullptr || std::getenv("GOMP_CPU_AFFINITY") != nullptr;
  placed p;
  p.placement = host::choose_placement(cpus, bound ? host::online_cpus() : host::allowed_cpus(), load);
  p.conditions.cpus_mode = p.placement.mode;
  p.conditions.cpu_order = p.placement.order;
  p.conditions.placement_reason = p.placement.reason;
  p.used = p.placement.cpus_for(threads.value_or(0));
  for (const auto& l : load) {
    if (std::find(p.used.begin(), p.used.end(), l.cpu) != p.used.end()) {
      p.conditions.other_load_before = std::max(p.conditions.other_load_before, l.busy);
      p.conditions.steal_before = std::max(p.conditions.steal_before, l.steal);
    }
  }
  if (p.conditions.other_load_before > 0.25) {
    // Threads that share a CPU with other work wait for it, and at every parallel region for each other.
    std::cerr << fmt::format("warning: other work used {:.0f}% of CPU {} in the last half second; timings will be "
                             "noisy (use a quiet machine, --cpus to choose others, or -r / --precision to measure "
                             "through it)\n",
                             100.0 * p.conditions.other_load_before, host::format_cpu_list(p.used));
  }
  return p;
}

int run_session(const run_request& request, const report::reporter& reporter, std::ostream& out) {
  auto plan = request.plan;
  const auto host = host::query_host();
  placed where;
  record::report result = begin(request, plan, host, where);
  reporter.begin(result, out);
  measure(request, plan, reporter, out, where, result);
  const auto reports = split_by_build(result, plan);
  write_reports(request, reports, reporter, out);
  return exit_code_of(request, result);
}

} // namespace gbench::session

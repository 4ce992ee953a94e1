#include "gbench/session/serve.hpp"

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "gbench/backend/libtorch.hpp"
#include "gbench/error.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/serve/advice.hpp"
#include "gbench/serve/latency.hpp"
#include "gbench/serve/split.hpp"
#include "gbench/serve/text.hpp"
#include "gbench/serve/workers.hpp"
#include "gbench/session/run_session.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::session {

namespace {

double load_average_now() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  return in >> one ? one : 0.0;
}

std::string dmi_product_name() {
  std::ifstream in("/sys/devices/virtual/dmi/id/product_name");
  std::string line;
  std::getline(in, line);
  return line;
}

// The splits to run: those whose copies of the model fit. An explicit one that does not is refused; with auto,
// it is left out, said on stderr, and refused only when none fits.
std::vector<serve::split> fitting_splits(const serve_request& rq, std::size_t cpus, std::int64_t available) {
  const auto batch = rq.plan.batches.front();
  auto splits = serve::parse_splits(rq.splits, static_cast<int>(cpus));
  if (rq.splits != "auto") {
    for (const auto& s : splits) {
      serve::check_split_memory(s, rq.plan.model, batch, available);
    }
    return splits;
  }
  std::vector<serve::split> fit;
  for (const auto& s : splits) {
    try {
      serve::check_split_memory(s, rq.plan.model, batch, available);
      fit.push_back(s);
    } catch (const memory_error& e) {
      if (&s == &splits.front()) {
        throw; // not even one process fits
      }
      std::cerr << fmt::format("note: split {} left out: {}\n", serve::name_of(s), e.what());
    }
  }
  return fit;
}

serve::serve_report begin(const serve_request& rq, const host::host_info& host, const placed& where,
                          const std::vector<serve::split>& splits) {
  serve::serve_report r;
  r.context = record::make_context(host, rq.command_line);
  r.context.knobs = evidence::assess_knobs(host, backend::query_libtorch());
  r.model = record::describe(rq.plan.model);
  auto& s = r.settings;
  s.batch = rq.plan.batches.front();
  s.preset = run::effective_preset(rq.plan, rq.plan.presets.front());
  s.preset.settings.threads.reset(); // each split sets its own
  s.mode = std::string(serve::name_of(rq.search.mode));
  s.concurrency = rq.search.concurrency;
  s.rates = rq.search.rates;
  s.target_ms = rq.search.target_ms;
  s.duration_s = rq.search.base.duration_s;
  s.min_requests = rq.search.base.min_requests;
  s.max_duration_s = rq.search.base.max_duration_s;
  s.warmup_s = rq.search.base.warmup_s;
  s.windows = rq.search.base.windows;
  s.search_steps = rq.search.steps;
  s.seed = rq.search.base.seed;
  for (const auto& split : splits) {
    s.splits.push_back(serve::name_of(split));
  }
  std::tie(s.instance_type, s.instance_type_source) = serve::instance_type_of(rq.instance_type, dmi_product_name());
  std::tie(s.price_per_hour, s.price_source) = serve::price_of(rq.price_per_hour, rq.prices_file, s.instance_type);
  r.conditions.placement = where.conditions;
  r.conditions.load_average_start = host.load_average;
  return r;
}

// One load on the pool, as a point; none when it can measure no more.
std::optional<serve::point> measure_on(serve::process_pool& pool, const serve::load_spec& spec, const serve_request& rq,
                                       const std::string& split) {
  if (pool.alive() == 0 || util::interrupt_signal() != 0) {
    return std::nullopt;
  }
  if (rq.progress) {
    std::cerr << fmt::format("[split {}] {}, {:.0f} s warm-up, then a window of at least {:.0f} s\n", split,
                             spec.open ? fmt::format("open loop at {:.1f} requests/s", spec.rate)
                                       : fmt::format("closed loop, {} in flight", spec.concurrency),
                             spec.warmup_s, spec.duration_s);
  }
  const double load_average = load_average_now();
  const auto outcome = serve::drive(pool, spec);
  if (outcome.interrupted) {
    return std::nullopt;
  }
  auto p = serve::summarize(spec, outcome,
                            {.workers = pool.size(),
                             .batch = rq.plan.batches.front(),
                             .resamples = 1000,
                             .seed = spec.seed,
                             .target_ms = rq.search.target_ms});
  p.load_average = load_average;
  if (!outcome.died.empty() && p.stopped.empty()) {
    p.stopped = fmt::format("{} worker{} died during it", outcome.died.size(), outcome.died.size() == 1 ? "" : "s");
    if (p.meets_target) {
      p.meets_target = false;
    }
  }
  return p;
}

serve::split_result run_split(const serve_request& rq, const serve::split& split, const std::vector<int>& order,
                              std::size_t index, const util::temp_dir& tmp) {
  serve::split_result res;
  res.processes = split.processes;
  res.threads = split.threads;
  const auto preset = run::effective_preset(rq.plan, rq.plan.presets.front());
  res.env = serve::split_environment(split);
  res.env.insert(preset.env.begin(), preset.env.end());
  serve::process_pool pool({.plan = &rq.plan,
                            .preset = rq.plan.presets.front(),
                            .split = split,
                            .cpus = serve::assign_cpus(split, order),
                            .batch = rq.plan.batches.front(),
                            .executable = rq.executable,
                            .dir = tmp.path(),
                            .name = serve::name_of(split)});
  auto search = rq.search;
  search.base.seed += 1000003ULL * index;
  const serve::measure_fn measure = [&](const serve::load_spec& spec) {
    return measure_on(pool, spec, rq, serve::name_of(split));
  };
  serve::measure_split(res, search, measure);
  res.workers = pool.finish();
  if (util::interrupt_signal() != 0) {
    res.status = "interrupted";
    res.error = "stopped by the interrupt";
  }
  for (const auto& w : res.workers) {
    if (!w.ok) {
      res.status = "failed";
      res.error = fmt::format("worker {} failed: {}", w.index, w.error);
    }
  }
  return res;
}

void price(serve::serve_report& r) {
  for (auto& s : r.splits) {
    if (r.settings.price_per_hour && s.best) {
      s.cost_per_million = serve::cost_per_million(*r.settings.price_per_hour, s.points[*s.best].samples_per_s);
    }
  }
}

int exit_code_of(const serve::serve_report& r) {
  if (const int sig = util::interrupt_signal(); sig != 0) {
    std::cerr << fmt::format("interrupted: {} split(s) reported; exiting with {}\n", r.splits.size(),
                             util::interrupt_exit_code(sig));
    return util::interrupt_exit_code(sig);
  }
  for (const auto& s : r.splits) {
    if (s.status == "failed") {
      std::cerr << fmt::format("error: split {}x{} did not complete: {}\n", s.processes, s.threads, s.error);
    }
  }
  const bool failed = std::any_of(r.splits.begin(), r.splits.end(), [](const auto& s) { return s.status == "failed"; });
  return failed ? static_cast<int>(exit_code::partial_failure) : 0;
}

} // namespace

int serve_session(const serve_request& rq, std::ostream& out) {
  const auto host = host::query_host();
  const auto where = place_run(rq.cpus, std::nullopt);
  const auto& order = where.placement.order;
  run::check_memory(rq.plan.model, rq.plan.batches, host.mem_available_bytes);
  const auto splits = fitting_splits(rq, order.size(), host.mem_available_bytes);
  if (!rq.json_path.empty()) {
    util::check_writable(rq.json_path, "--json");
  }
  auto report = begin(rq, host, where, splits);
  const bool table = rq.format != "json";
  if (table) {
    out << serve::heading(report) << std::flush;
  }
  const host::load_monitor monitor;
  const util::temp_dir tmp;
  const auto pinned = where.placement.mode == "none" ? std::vector<int>{} : order;
  for (std::size_t i = 0; i < splits.size() && util::interrupt_signal() == 0; ++i) {
    report.splits.push_back(run_split(rq, splits[i], pinned, i, tmp));
    if (table) {
      out << serve::split_table(report.splits.back(), report.settings) << std::flush;
    }
  }
  const auto during = monitor.others(where.used);
  report.conditions.placement.other_load_during = during.busy;
  report.conditions.placement.steal_during = during.steal;
  report.conditions.load_average_end = load_average_now();
  price(report);
  report.recommendation = serve::recommend(report.splits, report.settings);
  if (util::interrupt_signal() != 0) {
    report.status = "interrupted";
  }
  out << (table ? serve::answer(report) : util::json_dump(serve::to_json(report), 2) + "\n") << std::flush;
  if (!rq.json_path.empty()) {
    util::write_file_atomically(rq.json_path, util::json_dump(serve::to_json(report), 2) + "\n");
    std::cerr << fmt::format("report written to {}\n", rq.json_path);
  }
  return exit_code_of(report);
}

} // namespace gbench::session

#include "gbench/run/orchestrator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/stream.hpp"
#include "gbench/host/allocator.hpp"
#include "gbench/run/worker.hpp"
#include "gbench/util/files.hpp"
#include "gbench/host/placement.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/subprocess.hpp"
#include "gbench/util/json_text.hpp"
#include "gbench/run/lockstep.hpp"
#include "orchestrator_parts.hpp"

namespace gbench::run {

std::vector<std::string> child_environment(const std::vector<std::string>& parent,
                                           const std::vector<std::string>& managed,
                                           const std::map<std::string, std::string>& preset_env,
                                           const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> set = preset_env;
  for (const auto& [k, v] : overrides) {
    set[k] = v;
  }
  std::set<std::string> removed(managed.begin(), managed.end());
  for (const auto& [k, v] : set) {
    removed.insert(k);
  }
  std::vector<std::string> env;
  for (const auto& item : parent) {
    const std::string key = item.substr(0, item.find('='));
    if (removed.count(key) == 0) {
      env.push_back(item);
    }
  }
  for (const auto& [k, v] : set) {
    env.push_back(k + "=" + v);
  }
  return env;
}

config::preset effective_preset(const plan& p, const config::preset& preset) {
  config::preset out = preset;
  for (const auto& [k, v] : p.env_overrides) {
    out.env[k] = v;
  }
  if (p.threads) {
    out.settings.threads = p.threads;
  }
  return out;
}

namespace detail {

std::string value_of(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& item : env) {
    if (item.size() > key.size() && item.compare(0, key.size(), key) == 0 && item[key.size()] == '=') {
      return item.substr(key.size() + 1);
    }
  }
  return {};
}

namespace {

// One line of a benchmark process's stream (record/stream.hpp) into the run.
void read_line(const record::node& n, record::preset_run& run, bool& done) {
  const std::string type = n.at("type").string();
  if (type == "context") {
    record::process_context context;
    from_json(n, context);
    run.effective_env = std::move(context.effective_env);
    run.libtorch = std::move(context.libtorch);
    run.allocator = std::move(context.allocator);
  } else if (type == "batch") {
    from_json(n, run.batches.emplace_back());
  } else if (type == "evidence") {
    if (!run.evidence) {
      run.evidence.emplace();
    }
    from_json(n, run.evidence->batches.emplace_back());
  } else if (type == "huge_pages") {
    record::huge_pages pages;
    from_json(n, pages);
    if (!run.evidence) {
      run.evidence.emplace();
    }
    run.evidence->huge_pages_before = pages.before;
    run.evidence->huge_pages_after = pages.after;
  } else if (type == "done") {
    done = true;
  }
}

} // namespace

record::preset_run collect(const std::filesystem::path& out, const job& j) {
  record::preset_run run;
  run.preset = j.preset;
  std::ifstream in(out);
  bool done = false;
  const std::string name = out.string();
  for (std::string line; std::getline(in, line);) {
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      break;
    }
    try {
      read_line(record::node(value, name), run, done);
    } catch (const error& e) {
      run.error = fmt::format("the benchmark process wrote a record this graviton-bench cannot read: {}", e.what());
      break;
    }
  }
  run.ok = done && run.error.empty();
  // Batches the process never reached are reported, not dropped.
  for (const std::int64_t batch : j.evidence ? std::vector<std::int64_t>{} : j.batches) {
    const bool seen = std::any_of(run.batches.begin(), run.batches.end(),
                                  [&](const record::batch_result& b) { return b.batch == batch; });
    if (!seen) {
      record::batch_result b;
      b.batch = batch;
      b.error = "not measured: the benchmark process ended before this batch";
      run.batches.push_back(std::move(b));
    }
  }
  return run;
}

} // namespace detail

namespace {

std::string gib(std::int64_t bytes) { return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024)); }

} // namespace

void check_memory(const config::model_spec& model, const std::vector<std::int64_t>& batches,
                  std::int64_t available_bytes) {
  if (available_bytes <= 0) {
    return; // unknown: nothing to check against
  }
  for (const std::int64_t batch : batches) {
    const std::int64_t need = model.estimate_bytes(batch);
    if (need > available_bytes) {
      throw memory_error(fmt::format(
          "--batch {}: model '{}' needs about {} at this batch (weights {}), but only {} of memory is available; "
          "use a smaller batch",
          batch, model.name, gib(need), gib(model.weight_bytes()), gib(available_bytes)));
    }
  }
}


namespace detail {

const std::vector<std::string> quiet_stderr{"USDT:"};

std::vector<std::string> worker_environment(const plan& p, const job& j, const std::vector<std::string>& parent_env) {
  auto process_env = j.preset.env;
  const host::allocator_library* allocator =
      j.preset.settings.allocator ? host::find_allocator(*j.preset.settings.allocator) : nullptr;
  if (allocator != nullptr && !allocator->soname.empty()) {
    process_env["LD_PRELOAD"] = host::preload_value(*allocator, value_of(parent_env, "LD_PRELOAD"));
  }
  return child_environment(parent_env, p.managed_env, process_env,
                           j.evidence ? std::map<std::string, std::string>{{"ONEDNN_VERBOSE", "1"}}
                                      : std::map<std::string, std::string>{});
}

void conclude_run(record::preset_run& run, const job& j, const util::child_status& status) {
  const host::allocator_library* allocator =
      j.preset.settings.allocator ? host::find_allocator(*j.preset.settings.allocator) : nullptr;
  const std::string loaded = run.allocator ? run.allocator->name : std::string();
  if (status.ok() && run.ok && allocator != nullptr && loaded != allocator->name) {
    // LD_PRELOAD can be ignored (a library of another architecture, a launcher that drops it): say so
    // rather than report the allocator's timings under the wrong name.
    run.ok = false;
    run.error = fmt::format("preset '{}' asked for the {} allocator, but its process ran with {}{}", j.preset.name,
                            allocator->name, loaded.empty() ? "an unknown one" : loaded,
                            run.allocator && !run.allocator->library.empty()
                                ? fmt::format(" ({})", run.allocator->library)
                                : std::string());
    for (auto& b : run.batches) {
      if (b.ok) {
        b.ok = false;
        b.error = run.error;
      }
    }
  }
  if (!status.ok()) {
    run.ok = false;
    run.error = fmt::format("the benchmark process for preset '{}' {}", j.preset.name, status.describe());
    run.stderr_tail = status.stderr_tail;
    for (auto& b : run.batches) {
      if (!b.ok && b.error.starts_with("not measured")) {
        b.error = fmt::format("not measured: {}", run.error);
      }
    }
  }
}

job make_job(const plan& p, const config::model_spec& model, const config::preset& preset, int iterations,
             bool evidence, bool open_ended) {
  job j;
  j.model = model;
  j.preset = effective_preset(p, preset);
  j.managed_env = p.managed_env;
  for (const auto& [name, value] : j.preset.env) {
    if (std::find(j.managed_env.begin(), j.managed_env.end(), name) == j.managed_env.end()) {
      j.managed_env.push_back(name);
    }
  }
  j.batches = p.batches;
  j.warmup = p.warmup;
  j.warmup_auto = p.warmup_auto;
  j.max_warmup_s = p.max_warmup_s;
  j.iterations = iterations;
  j.chunk_s = p.chunk_s;
  j.seed = p.seed;
  j.verbose = p.verbose;
  j.evidence = evidence;
  j.profile = p.profile && !evidence;
  j.record_shapes = p.record_shapes;
  j.trace_dir = p.trace_dir;
  j.min_time = p.min_time;
  j.max_time = open_ended ? 0.0 : p.max_time; // in an open-ended run --max-time bounds the whole run
  j.progress = p.progress;
  return j;
}

} // namespace detail

namespace {

record::preset_run run_one(const plan& p, job j, std::size_t k, bool cpu_has_bf16, double timeout, const util::temp_dir& tmp,
                           const std::vector<std::string>& parent_env, const std::string& executable) {
  const auto job_file = tmp.path() / fmt::format("job-{}.json", k);
  const auto out_file = tmp.path() / fmt::format("result-{}.jsonl", k);
  util::write_file_atomically(job_file, util::json_dump(to_json(j)));
  const auto env = detail::worker_environment(p, j, parent_env);
  const auto argv =
      util::wrapped_command({executable, "__worker", "--job", job_file.string(), "--out", out_file.string()});
  const auto cpus = p.placement.cpus_for(j.preset.settings.threads.value_or(0));
  const auto started = std::chrono::steady_clock::now();
  util::child_status status;
  {
    // The child inherits this thread's CPUs from its first instruction, before OpenMP reads them.
    const host::scoped_thread_affinity placed(cpus);
    status = util::run_process(argv, env,
                               {.forward_stderr = true,
                                .capture_stdout = j.evidence,
                                .timeout = std::chrono::duration<double>(timeout)},
                               detail::quiet_stderr);
  }
  record::preset_run run = detail::collect(out_file, j);
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.cpus = cpus;
  if (j.evidence) {
    detail::attach_routes(run, status.stdout_text, j, cpu_has_bf16);
    if (run.evidence) {
      run.evidence->onednn_disabled = evidence::onednn_disabled_warning(status.stderr_tail);
    }
  }
  detail::conclude_run(run, j, status);
  return run;
}

} // namespace

std::vector<record::preset_run> execute(const plan& p, const std::string& executable, bool evidence,
                                        const std::function<void(const record::preset_run&)>& on_done,
                                        const next_round_fn& next_round) {
  if (!evidence && p.schedule != schedule::rounds) {
    return execute_lockstep(p, executable, on_done, next_round);
  }
  util::temp_dir tmp;
  const auto parent_env = util::current_environment();
  std::vector<record::preset_run> runs;
  const bool open_ended = !evidence && p.repetitions == 0 && next_round;
  const int repetitions = evidence ? 1 : std::max(1, p.repetitions);
  const std::vector<config::model_spec> models = p.models.size() > 1 ? p.models : std::vector{p.model};
  const std::size_t per_round = p.presets.size() * models.size();
  const std::size_t total = per_round * static_cast<std::size_t>(repetitions);
  const auto started = std::chrono::steady_clock::now();
  const bool cpu_has_bf16 = evidence && evidence::cpu_has_bf16_instructions(host::query_host());
  int iterations = p.iterations;
  std::vector<std::int64_t> batches = p.batches; // until precise: the batches not yet settled
  std::size_t k = 0;
  // Rounds of every preset (of every model) once, interleaved, so that drift on a noisy machine falls on every
  // preset and model alike; the comparison pairs the processes of a round. Every other round runs in reverse
  // (A B C, C B A, A B C, ...): a machine that speeds up or slows down within rounds favours no position.
  for (int round = 1; util::interrupt_signal() == 0; ++round) {
    for (std::size_t n = 0; n < per_round && util::interrupt_signal() == 0; ++n, ++k) {
      const std::size_t slot = round % 2 == 0 ? per_round - 1 - n : n;
      const std::size_t i = slot % p.presets.size();
      const auto& model = models[slot / p.presets.size()];
      const std::string who = models.size() > 1 ? model.name + ", preset " + p.presets[i].name : "preset " + p.presets[i].name;
      if (p.progress) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (open_ended) {
          std::fprintf(stderr, "[%zu] %s, round %d (until precise); elapsed %.0f s\n", k + 1, who.c_str(), round,
                       elapsed);
        } else {
          const std::string eta =
              k == 0 ? std::string("?")
                     : fmt::format("{:.0f} s", elapsed / static_cast<double>(k) * static_cast<double>(total - k));
          std::fprintf(stderr, "[%zu/%zu] %s, repetition %d/%d%s; elapsed %.0f s, ETA %s\n", k + 1, total,
                       who.c_str(), round, repetitions, evidence ? " (evidence)" : "", elapsed,
                       eta.c_str());
        }
      }
      job j = detail::make_job(p, model, p.presets[i], iterations, evidence, open_ended);
      j.batches = batches;
      // A process past its time limit is stopped: the limit follows from this process's own work.
      plan sized = p;
      sized.model = j.model;
      sized.iterations = j.iterations;
      sized.max_time = j.max_time;
      const double timeout = p.timeout < 0 ? default_timeout(sized, evidence) : p.timeout;
      record::preset_run run = run_one(p, std::move(j), k, cpu_has_bf16, timeout, tmp, parent_env, executable);
      run.repetition = round;
      if (models.size() > 1) {
        run.model = model.name;
      }
      if (on_done) {
        on_done(run);
      }
      runs.push_back(std::move(run));
    }
    if (!open_ended) {
      if (round >= repetitions) {
        break;
      }
      continue;
    }
    if (util::interrupt_signal() != 0) {
      break;
    }
    const auto next = next_round(runs, round);
    if (!next) {
      break;
    }
    iterations = next->iterations;
    if (!next->batches.empty()) {
      batches = next->batches;
    }
  }
  return runs;
}

} // namespace gbench::run

#include "gbench/run/lockstep.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/host/placement.hpp"
#include "gbench/run/turns.hpp"
#include "gbench/util/child_process.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/json_text.hpp"
#include "orchestrator_parts.hpp"

namespace gbench::run {

namespace {

using clock = std::chrono::steady_clock;

clock::time_point after(double seconds) {
  return clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
}

// One preset (of one model) in one process set.
struct worker {
  config::model_spec model;
  std::size_t preset = 0; ///< into plan::presets
  run::build build;       ///< whose executable and environment, when several builds run side by side
  job j;
  std::filesystem::path out_file;
  std::vector<int> cpus;
  std::optional<util::child_process> child;
  bool alive = false;
  std::string failure;            ///< what it was doing when it failed
  std::optional<util::child_status> ended; ///< how it ended, once it has
  std::int64_t forwards = 1;      ///< per turn at the current batch
  double forward_ns = 0;          ///< its time per forward at the current batch, from its warm-up
  bool in_batch = false;          ///< answered "ready" at the current batch
  clock::time_point started;
};

// Stops a worker that failed, keeping how it ended and what it was doing.
void fail(worker& w, const std::string& doing) {
  w.alive = false;
  w.in_batch = false;
  if (w.failure.empty()) {
    w.failure = doing;
  }
  if (w.child) {
    w.ended = w.child->stop();
  }
}

// One answer, as JSON; none when the worker failed (it is then stopped) or this process was interrupted.
std::optional<nlohmann::json> hear(worker& w, double timeout_s, const std::string& doing) {
  std::string line;
  switch (w.child->receive(line, after(timeout_s))) {
  case util::child_process::received::line:
    try {
      return nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      fail(w, fmt::format("{}: an answer it cannot have meant ({})", doing, line.substr(0, 80)));
      return std::nullopt;
    }
  case util::child_process::received::closed:
    fail(w, doing);
    return std::nullopt;
  case util::child_process::received::timed_out:
    fail(w, fmt::format("{}: no answer within {:.0f} s", doing, timeout_s));
    return std::nullopt;
  case util::child_process::received::interrupted:
    return std::nullopt;
  }
  return std::nullopt;
}

// Sends an order and waits for its answer; none when the worker failed.
std::optional<nlohmann::json> ask(worker& w, const nlohmann::json& order, double timeout_s, const std::string& doing) {
  if (!w.alive) {
    return std::nullopt;
  }
  if (!w.child->send(util::json_dump(order))) {
    fail(w, doing);
    return std::nullopt;
  }
  return hear(w, timeout_s, doing);
}

// A build's variables over the worker's environment.
std::vector<std::string> with_build_env(std::vector<std::string> env, const build& b) {
  for (const auto& [name, value] : b.env) {
    const std::string prefix = name + "="; // a lambda may not capture a structured binding (before C++20's fix)
    std::erase_if(env, [&prefix](const std::string& item) { return item.starts_with(prefix); });
    env.push_back(prefix + value);
  }
  return env;
}

struct set_context {
  const plan& p;
  const std::string& executable;
  const util::temp_dir& tmp;
  const std::vector<std::string>& parent_env;
  int set = 1;
  bool duet = false;
  const std::vector<std::int64_t>& batches; // this set's: until precise, the batches not yet settled
};

// The CPUs of the w-th of `count` workers: the same for all in lockstep; in a duet, CPUs of its own, the blocks
// rotated by one worker every process set: CPUs differ (CPU 0 takes most interrupts), and an A/A duet with fixed
// blocks measured +0.8% [+0.1%, +1.5%] between two identical workers. Rotated, a CPU's bias changes sign between
// sets and falls into the spread across sets that the test already weighs.
std::vector<int> cpus_of(const set_context& c, const job& j, std::size_t w, std::size_t count) {
  const auto threads = static_cast<std::size_t>(std::max(1, j.preset.settings.threads.value_or(1)));
  if (!c.duet || c.p.placement.order.empty()) {
    return c.p.placement.cpus_for(j.preset.settings.threads.value_or(0));
  }
  const std::size_t block = (w + static_cast<std::size_t>(std::max(0, c.set - 1))) % std::max<std::size_t>(1, count);
  std::vector<int> out;
  for (std::size_t i = block * threads; i < (block + 1) * threads && i < c.p.placement.order.size(); ++i) {
    out.push_back(c.p.placement.order[i]);
  }
  return out;
}

std::vector<worker> start_workers(const set_context& c) {
  const auto models = c.p.models.size() > 1 ? c.p.models : std::vector{c.p.model};
  std::vector<worker> workers;
  const auto builds = c.p.builds.empty() ? std::vector<build>{build{}} : c.p.builds;
  for (const auto& b : builds) {
    for (const auto& model : models) {
      for (std::size_t i = 0; i < c.p.presets.size(); ++i) {
        worker w;
        w.model = model;
        w.preset = i;
        w.build = b;
        w.j = detail::make_job(c.p, model, c.p.presets[i], c.p.iterations, false, false);
        w.j.batches = c.batches; // the report of the set holds these, and no other batch as "not measured"
        w.j.conversation = true;
        w.j.turn_discard = c.p.turn_discard;
        workers.push_back(std::move(w));
      }
    }
  }
  for (std::size_t k = 0; k < workers.size(); ++k) {
    auto& w = workers[k];
    const auto job_file = c.tmp.path() / fmt::format("job-{}-{}.json", c.set, k);
    w.out_file = c.tmp.path() / fmt::format("result-{}-{}.jsonl", c.set, k);
    util::write_file_atomically(job_file, util::json_dump(to_json(w.j)));
    const auto argv = util::wrapped_command({w.build.executable.empty() ? c.executable : w.build.executable, "__worker",
                                             "--job", job_file.string(), "--out", w.out_file.string()});
    w.cpus = cpus_of(c, w.j, k, workers.size());
    w.started = clock::now();
    // The child inherits this thread's CPUs from its first instruction, before OpenMP reads them.
    const host::scoped_thread_affinity placed(w.cpus);
    w.child.emplace(argv, with_build_env(detail::worker_environment(c.p, w.j, c.parent_env), w.build),
                    util::child_options{.forward_stderr = true,
                                        .capture_stdout = false,
                                        .conversation = true,
                                        .quiet_prefixes = detail::quiet_stderr,
                                        .grace = std::chrono::duration<double>(3.0)});
    w.alive = true;
  }
  // All load at once; each says hello when its model is built.
  for (auto& w : workers) {
    const auto hello = hear(w, 120 + 10 * c.p.model.flops_per_sample() * 1e-9, "loading its model");
    if (hello && hello->value("hello", 0) != turn_protocol) {
      fail(w, fmt::format("a worker of another lockstep conversation ({}; this graviton-bench speaks {})",
                          hello->dump(), turn_protocol));
    }
  }
  return workers;
}

// Every worker prepares and warms up at `batch`, one after the other (a warm-up is timed too); each one's turn
// is sized from its time per forward.
void prepare_batch(const set_context& c, std::vector<worker>& workers, std::int64_t batch) {
  for (auto& w : workers) {
    w.in_batch = false;
    const auto ready = ask(w, {{"do", "batch"}, {"batch", batch}}, 60 + 2 * c.p.max_warmup_s + 10 * c.p.turn_s,
                           fmt::format("preparing batch {}", batch));
    if (ready && ready->contains("ready")) {
      w.in_batch = true;
      w.forward_ns = ready->value("forward_ns", 0.0);
      w.forwards = forwards_per_turn(c.p.turn_s, w.forward_ns);
    }
  }
}

double turn_timeout(const set_context& c, const worker& w) {
  // Generous: a turn takes about turn_s, or one forward; a machine ten times slower, or a slow episode, is not a
  // failure.
  return 30 + 20 * std::max(c.p.turn_s, 1e-9 * static_cast<double>(w.forwards + c.p.turn_discard) * w.forward_ns);
}

void take_turns(const set_context& c, std::vector<worker>& workers, std::int64_t batch) {
  const auto order = turn_order(workers.size(), c.p.cycles,
                                c.p.seed ^ (static_cast<std::uint64_t>(c.set) << 32U) ^ static_cast<std::uint64_t>(batch));
  for (const auto& cycle : order) {
    if (util::interrupt_signal() != 0) {
      return;
    }
    if (c.duet) {
      // Every window at once: the orders go out together, then the answers are collected.
      for (const auto k : cycle) {
        auto& w = workers[k];
        if (w.alive && w.in_batch && !w.child->send(util::json_dump({{"do", "turn"}, {"forwards", w.forwards}}))) {
          fail(w, fmt::format("a turn at batch {}", batch));
        }
      }
      for (const auto k : cycle) {
        auto& w = workers[k];
        if (w.alive && w.in_batch) {
          const auto a = hear(w, turn_timeout(c, w), fmt::format("a turn at batch {}", batch));
          w.in_batch = a && a->contains("turned");
        }
      }
      continue;
    }
    for (const auto k : cycle) {
      auto& w = workers[k];
      if (w.alive && w.in_batch) {
        const auto a = ask(w, {{"do", "turn"}, {"forwards", w.forwards}}, turn_timeout(c, w),
                           fmt::format("a turn at batch {}", batch));
        w.in_batch = a && a->contains("turned");
      }
    }
  }
}

void end_batch(const set_context& c, std::vector<worker>& workers, std::int64_t batch) {
  // The operator table is the recipe's: recorded once, in the first set, outside the timed turns.
  const bool profile = c.p.profile && c.set == 1;
  for (auto& w : workers) {
    if (w.alive) {
      (void)ask(w, {{"do", "end"}, {"profile", profile}}, 120 + 10 * c.p.turn_s * c.p.iterations,
                fmt::format("finishing batch {}", batch));
    }
  }
}

std::vector<record::preset_run> finish_set(const set_context& c, std::vector<worker>& workers) {
  std::vector<record::preset_run> runs;
  for (auto& w : workers) {
    if (w.alive) {
      (void)w.child->send(util::json_dump({{"do", "quit"}}));
      w.ended = w.child->finish(after(30), std::chrono::duration<double>(30));
    } else if (!w.ended && w.child) {
      w.ended = w.child->stop();
    }
    auto run = detail::collect(w.out_file, w.j);
    run.repetition = c.set;
    run.design = c.duet ? record::design::duet : record::design::lockstep;
    run.cpus = w.cpus;
    run.wall_s = std::chrono::duration<double>(clock::now() - w.started).count();
    if (c.p.models.size() > 1) {
      run.model = w.model.name;
    }
    run.build = w.build.label;
    for (auto& b : run.batches) {
      if (b.turns) {
        b.turns->target_s = c.p.turn_s;
      }
    }
    util::child_status status = w.ended.value_or(util::child_status{});
    if (!w.failure.empty() && status.ok()) {
      status.exit_code = -1; // it answered no more, whatever its exit says
    }
    detail::conclude_run(run, w.j, status);
    if (!w.failure.empty()) {
      run.error = fmt::format("{} (while {})", run.error, w.failure);
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

void say_progress(const plan& p, int set, std::int64_t batch, clock::time_point started) {
  if (p.progress) {
    std::fprintf(stderr, "[set %d] batch %lld: %zu workers taking %d cycles of %.0f ms turns; elapsed %.0f s\n", set,
                 static_cast<long long>(batch),
                 p.presets.size() * std::max<std::size_t>(1, p.models.size()) * std::max<std::size_t>(1, p.builds.size()),
                 p.cycles, 1000 * p.turn_s, std::chrono::duration<double>(clock::now() - started).count());
  }
}

} // namespace

std::vector<record::preset_run> execute_lockstep(const plan& p, const std::string& executable,
                                                 const std::function<void(const record::preset_run&)>& on_done,
                                                 const next_round_fn& next_set) {
  util::temp_dir tmp;
  const auto parent_env = util::current_environment();
  const bool open_ended = p.repetitions == 0 && next_set;
  const auto started = clock::now();
  std::vector<record::preset_run> runs;
  std::vector<std::int64_t> batches = p.batches; // until precise: the batches not yet settled
  for (int set = p.first_set; util::interrupt_signal() == 0; ++set) {
    const set_context c{p, executable, tmp, parent_env, set, p.schedule == schedule::duet, batches};
    auto workers = start_workers(c);
    for (const std::int64_t batch : batches) {
      if (util::interrupt_signal() != 0) {
        break;
      }
      say_progress(p, set, batch, started);
      prepare_batch(c, workers, batch);
      take_turns(c, workers, batch);
      if (util::interrupt_signal() == 0) {
        end_batch(c, workers, batch);
      }
    }
    for (auto& run : finish_set(c, workers)) {
      if (on_done) {
        on_done(run);
      }
      runs.push_back(std::move(run));
    }
    const int sets = set - p.first_set + 1;
    if (util::interrupt_signal() != 0 || (!open_ended && sets >= std::max(1, p.repetitions))) {
      break;
    }
    if (open_ended) {
      const auto next = next_set(runs, sets);
      if (!next) {
        break;
      }
      if (!next->batches.empty()) {
        batches = next->batches;
      }
    }
  }
  return runs;
}

} // namespace gbench::run

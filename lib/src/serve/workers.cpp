#include "gbench/serve/workers.hpp"

#include <poll.h>
#include <sys/prctl.h>

#include <cerrno>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/run/conversation.hpp"
#include "gbench/run/turns.hpp"
#include "gbench/util/interrupt.hpp"

namespace gbench::serve {

struct process_pool::worker {
  worker_info info;
  std::optional<run::conversation> conv;
  bool alive = false;
  bool stopped_by_interrupt = false;
  std::string failure; // what went wrong, when it did
  std::optional<util::child_status> ended;
};

namespace {

using namespace std::chrono_literals;

clock::time_point after(double seconds) {
  return clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
}

} // namespace

process_pool::process_pool(const pool_request& request) {
  // An arrival's wake-up on time: the default slack of 50 us would delay every timed wait by up to that much.
  saved_slack_ = ::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  ::prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  start(request);
}

process_pool::~process_pool() {
  workers_.clear(); // each child_process stops and reaps its process
  if (saved_slack_ > 0) {
    ::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(saved_slack_), 0, 0, 0);
  }
}

void process_pool::fail(worker& w, const std::string& why) {
  w.alive = false;
  if (util::interrupt_signal() != 0 && w.failure.empty()) {
    w.stopped_by_interrupt = true; // the interrupt stopped it: not a failure of its own
  } else if (w.failure.empty()) {
    w.failure = why;
  }
  if (w.conv && !w.ended) {
    w.ended = w.conv->child.stop();
  }
}

namespace {

// One answer of a worker within `timeout_s`; none when it ended, stayed silent or this process was interrupted.
std::optional<nlohmann::json> hear(util::child_process& child, double timeout_s, std::string& why) {
  std::string line;
  switch (child.receive(line, after(timeout_s))) {
  case util::child_process::received::line:
    try {
      return nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      why = fmt::format("an answer it cannot have meant ({})", line.substr(0, 80));
      return std::nullopt;
    }
  case util::child_process::received::closed:
    why = "it exited";
    return std::nullopt;
  case util::child_process::received::timed_out:
    why = fmt::format("no answer within {:.0f} s", timeout_s);
    return std::nullopt;
  case util::child_process::received::interrupted:
    why = "interrupted";
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace

void process_pool::start(const pool_request& rq) {
  auto plan = *rq.plan;
  plan.threads = rq.split.threads;
  auto env = split_environment(rq.split);
  for (int i = 0; i < rq.split.processes; ++i) {
    auto& w = *workers_.emplace_back(std::make_unique<worker>());
    w.info.index = i;
    w.info.cpus = rq.cpus.at(static_cast<std::size_t>(i));
    env["GBENCH_SERVE_WORKER"] = std::to_string(i);
    try {
      w.conv.emplace(run::start_conversation(plan, rq.preset, rq.executable, rq.dir, fmt::format("{}-{}", rq.name, i),
                                             w.info.cpus, env));
      w.alive = true;
    } catch (const error& e) {
      w.failure = fmt::format("could not be started: {}", e.what());
    }
  }
  // All load at once; each says hello when its model is built; then all warm up at once, each on its own CPUs.
  const double load_s = 120 + 10 * plan.model.flops_per_sample() * 1e-9;
  for (auto& w : workers_) {
    std::string why;
    if (!w->alive) {
      continue;
    }
    const auto hello = hear(w->conv->child, load_s, why);
    if (!hello || hello->value("hello", 0) != run::turn_protocol) {
      fail(*w,
           hello ? fmt::format("a worker of another conversation ({})", hello->dump()) : "loading its model: " + why);
    } else if (!w->conv->child.send(nlohmann::json{{"do", "batch"}, {"batch", rq.batch}}.dump())) {
      fail(*w, "preparing the batch: it exited");
    }
  }
  for (auto& w : workers_) {
    std::string why;
    if (!w->alive) {
      continue;
    }
    const auto ready = hear(w->conv->child, 60 + 2 * plan.max_warmup_s, why);
    if (ready && ready->contains("ready")) {
      w->info.forward_ms = ready->value("forward_ns", 0.0) * 1e-6;
      w->info.warmup = ready->value("warmup", 0);
      w->info.warmup_steady = ready->value("steady", true);
      w->info.cpus_seen = ready->value("cpus", std::vector<int>{});
    } else {
      fail(*w, fmt::format("preparing batch {}: {}", rq.batch, ready ? ready->value("error", ready->dump()) : why));
    }
  }
}

std::size_t process_pool::size() const {
  return workers_.size();
}

std::size_t process_pool::alive() const {
  std::size_t n = 0;
  for (const auto& w : workers_) {
    n += w->alive ? 1 : 0;
  }
  return n;
}

bool process_pool::send(std::size_t w, std::int64_t id) {
  auto& x = *workers_.at(w);
  if (!x.alive) {
    return false;
  }
  if (!x.conv->child.send(fmt::format(R"({{"do":"serve","id":{}}})", id))) {
    fail(x, fmt::format("sending request {}", id));
    return false;
  }
  return true;
}

void process_pool::wait(clock::time_point until, std::vector<completion>& done, std::vector<std::size_t>& died) {
  std::vector<pollfd> fds;
  std::vector<std::size_t> owner;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (workers_[i]->alive) {
      for (const int fd : workers_[i]->conv->child.watched()) {
        if (fd >= 0) {
          fds.push_back({fd, POLLIN, 0});
          owner.push_back(i);
        }
      }
    }
  }
  const auto left = std::max(clock::duration::zero(), until - clock::now());
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(left);
  const timespec timeout{static_cast<time_t>(secs.count()),
                         static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(left - secs).count())};
  if (::ppoll(fds.data(), fds.size(), &timeout, nullptr) <= 0) {
    return; // timed out, or a signal: the caller looks at the clock and the interrupt
  }
  std::vector<bool> ready(workers_.size(), false);
  for (std::size_t k = 0; k < fds.size(); ++k) {
    ready[owner[k]] = ready[owner[k]] || fds[k].revents != 0;
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    auto& w = *workers_[i];
    for (std::string line; ready[i] && w.alive;) {
      const auto got = w.conv->child.take(line);
      if (got == util::child_process::received::timed_out) {
        break;
      }
      nlohmann::json a;
      if (got == util::child_process::received::line) {
        a = nlohmann::json::parse(line, nullptr, false);
      }
      if (got == util::child_process::received::line && a.is_object() && a.contains("served")) {
        done.push_back({i, a["served"].get<std::int64_t>(), a.value("ns", std::int64_t{0})});
        continue;
      }
      fail(w, got == util::child_process::received::closed
                  ? std::string("serving")
                  : fmt::format("serving: {}", a.is_object() ? a.value("error", line) : line));
      died.push_back(i);
    }
  }
}

void process_pool::abandon(std::size_t w, const std::string& why) {
  auto& x = *workers_.at(w);
  if (x.alive) {
    fail(x, why);
  }
}

std::vector<worker_info> process_pool::finish() {
  std::vector<worker_info> out;
  for (auto& w : workers_) {
    if (w->alive) {
      (void)w->conv->child.send(R"({"do":"quit"})");
      w->ended = w->conv->child.finish(after(30), std::chrono::duration<double>(30));
      w->alive = false;
    } else if (w->conv && !w->ended) {
      w->ended = w->conv->child.stop();
    }
    auto info = w->info;
    if (w->conv) {
      const auto record = run::conversation_record(*w->conv, w->ended.value_or(util::child_status{}));
      info.effective_env = record.effective_env;
      info.allocator = record.allocator;
      if (!record.ok && !w->stopped_by_interrupt && util::interrupt_signal() == 0) {
        info.ok = false;
        info.error = record.error;
        info.stderr_tail = record.stderr_tail;
      }
    }
    if (!w->failure.empty()) {
      info.ok = false;
      info.error = info.error.empty() ? w->failure : fmt::format("{} (while {})", info.error, w->failure);
    } else if (w->stopped_by_interrupt || util::interrupt_signal() != 0) {
      info.error = "stopped by the interrupt";
    }
    out.push_back(std::move(info));
  }
  return out;
}

} // namespace gbench::serve

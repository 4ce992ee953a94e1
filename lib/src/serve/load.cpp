#include "gbench/serve/load.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <deque>

#include <fmt/format.h>

#include "gbench/serve/arrivals.hpp"
#include "gbench/util/interrupt.hpp"

namespace gbench::serve {

namespace {

constexpr std::int64_t never = INT64_MAX;

std::int64_t ns_of(double seconds) {
  return static_cast<std::int64_t>(std::llround(seconds * 1e9));
}

double cpu_seconds() {
  rusage u{};
  if (::getrusage(RUSAGE_SELF, &u) != 0) {
    return 0;
  }
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// The state of one load: the requests, the queue, the idle workers.
class driver {
public:
  driver(pool& workers, const load_spec& spec)
      : pool_(workers), spec_(spec), arrivals_(spec.open ? spec.rate : 1.0, spec.seed), busy_with_(workers.size(), -1),
        alive_(workers.size(), true), window_start_(ns_of(spec.warmup_s)) {
    for (std::size_t w = 0; w < workers.size(); ++w) {
      idle_.push_back(w);
    }
  }

  load_outcome run();

private:
  [[nodiscard]] std::int64_t now() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start_).count();
  }
  [[nodiscard]] bool measured(std::int64_t arrival) const { return arrival >= window_start_ && arrival < window_end_; }
  void open_window(std::int64_t t);
  void arrive(std::int64_t at);
  void dispatch();
  void complete(const completion& c, std::int64_t t);
  void bury(std::size_t w);
  void settle();
  [[nodiscard]] bool past_target(std::int64_t t) const;
  [[nodiscard]] bool finished(std::int64_t t);
  [[nodiscard]] std::int64_t wake_at() const;
  load_outcome outcome() const;

  pool& pool_;
  const load_spec& spec_;
  poisson_arrivals arrivals_;
  clock::time_point start_;
  std::vector<request> all_;       // every request, by id (ids in arrival order)
  std::deque<std::int64_t> queue_; // arrived, waiting for a worker
  std::deque<std::size_t> idle_;   // the longest idle first
  std::vector<std::int64_t> busy_with_;
  std::vector<bool> alive_;
  std::vector<std::size_t> died_;
  std::int64_t window_start_;
  std::int64_t window_end_ = never; // known from the start (open) or after the warm-up (closed)
  std::int64_t next_arrival_ = never;
  std::int64_t warmup_completions_ = 0;
  std::int64_t pending_ = 0; // measured requests not yet completed
  std::int64_t late_ = 0;    // measured requests completed later than the target
  std::vector<std::int64_t> completions_;
  std::string stopped_;
  bool interrupted_ = false;
  bool settling_ = false;
  std::int64_t stopped_at_ = never;
  double cpu_at_start_ = 0;
  double cpu_in_window_ = 0;
};

// The window's length, once the rate is known: an open loop's own, a closed loop's from its warm-up.
void driver::open_window(std::int64_t t) {
  if (window_end_ != never || t < window_start_) {
    return;
  }
  const double rate =
      spec_.open ? spec_.rate : (spec_.warmup_s > 0 ? static_cast<double>(warmup_completions_) / spec_.warmup_s : 0.0);
  window_end_ = window_start_ + ns_of(window_length_s(spec_, rate));
  completions_.assign(static_cast<std::size_t>(std::max(1, spec_.windows)), 0);
  cpu_at_start_ = cpu_seconds();
}

void driver::arrive(std::int64_t at) {
  open_window(at);
  all_.push_back({.arrival = at});
  queue_.push_back(static_cast<std::int64_t>(all_.size()) - 1);
  if (measured(at)) {
    ++pending_;
  }
}

void driver::dispatch() {
  while (!queue_.empty() && !idle_.empty()) {
    const std::size_t w = idle_.front();
    idle_.pop_front();
    const std::int64_t id = queue_.front();
    const std::int64_t t = now();
    if (!pool_.send(w, id)) {
      bury(w);
      continue;
    }
    queue_.pop_front();
    all_[static_cast<std::size_t>(id)].dispatch = t;
    all_[static_cast<std::size_t>(id)].worker = static_cast<int>(w);
    busy_with_[w] = id;
  }
}

void driver::complete(const completion& c, std::int64_t t) {
  if (c.worker >= busy_with_.size() || busy_with_[c.worker] != c.id) {
    if (c.worker < busy_with_.size() && alive_[c.worker]) {
      pool_.abandon(c.worker, fmt::format("it answered request {}, which it did not hold", c.id));
      bury(c.worker);
    }
    return;
  }
  auto& r = all_[static_cast<std::size_t>(c.id)];
  r.done = t;
  r.service = c.service_ns;
  busy_with_[c.worker] = -1;
  idle_.push_back(c.worker);
  if (measured(r.arrival)) {
    --pending_;
    if (spec_.target_ms && static_cast<double>(t - r.arrival) > *spec_.target_ms * 1e6) {
      ++late_;
    }
  }
  if (t < window_start_) {
    ++warmup_completions_;
  } else if (t < window_end_ && !completions_.empty()) {
    const auto slice =
        (t - window_start_) * static_cast<std::int64_t>(completions_.size()) / (window_end_ - window_start_);
    ++completions_[static_cast<std::size_t>(slice)];
  }
  if (!spec_.open && !settling_) {
    open_window(t);
    if (t < window_end_) {
      arrive(t); // its client sends the next request at once
    }
  }
}

// A worker that died: the request it held is lost (it never completes), and it takes no more.
void driver::bury(std::size_t w) {
  if (w >= alive_.size() || !alive_[w]) {
    return;
  }
  alive_[w] = false;
  died_.push_back(w);
  std::erase(idle_, w);
  if (const auto id = busy_with_[w]; id >= 0) {
    busy_with_[w] = -1;
    if (measured(all_[static_cast<std::size_t>(id)].arrival)) {
      --pending_;
    }
    if (!spec_.open && !settling_ && now() < window_end_) {
      arrive(now()); // its client tries again
    }
  }
}

// More than 1% of the window's expected requests already later than the target: its p99 is above it.
bool driver::past_target(std::int64_t t) const {
  if (!spec_.open || !spec_.target_ms || window_end_ == never) {
    return false;
  }
  const double expected = spec_.rate * static_cast<double>(window_end_ - window_start_) * 1e-9;
  const auto allowed = static_cast<std::int64_t>(std::floor(0.01 * expected)) + 1;
  const auto target = static_cast<std::int64_t>(*spec_.target_ms * 1e6);
  std::int64_t late = late_;
  for (const auto id : busy_with_) {
    if (id >= 0 && measured(all_[static_cast<std::size_t>(id)].arrival) &&
        t - all_[static_cast<std::size_t>(id)].arrival > target) {
      ++late;
    }
  }
  for (const auto id : queue_) { // oldest first
    const auto arrival = all_[static_cast<std::size_t>(id)].arrival;
    if (t - arrival <= target || late > allowed) {
      break;
    }
    late += measured(arrival) ? 1 : 0;
  }
  return late > allowed;
}

bool driver::finished(std::int64_t t) {
  if (util::interrupt_signal() != 0) {
    interrupted_ = true;
    return true;
  }
  if (std::none_of(alive_.begin(), alive_.end(), [](bool a) { return a; })) {
    stopped_ = "every worker died";
    return true;
  }
  if (window_end_ == never) {
    return false;
  }
  if (t >= window_end_ && pending_ <= 0) {
    return true;
  }
  if (past_target(t)) {
    stopped_ = fmt::format("p99 above the {} ms target: more than 1% of the window's requests waited longer",
                           *spec_.target_ms);
    return true;
  }
  const auto drain = std::max(window_end_ - window_start_, std::int64_t{1'000'000'000});
  if (t >= window_end_ + drain) {
    stopped_ = fmt::format("the queue did not drain: {} requests of the window had not completed {:.1f} s after it "
                           "ended (the load is above what this split serves)",
                           pending_, 1e-9 * static_cast<double>(drain));
    return true;
  }
  return false;
}

std::int64_t driver::wake_at() const {
  std::int64_t wake = spec_.open ? next_arrival_ : never;
  for (const auto edge : {window_start_, window_end_}) {
    if (edge != never && edge > now()) {
      wake = std::min(wake, edge);
    }
  }
  if (window_end_ != never) {
    wake = std::min(wake, window_end_ + std::max(window_end_ - window_start_, std::int64_t{1'000'000'000}));
  }
  // Never asleep for long: an interrupt or a dead worker's pipe wakes the wait, but a model of the pool may not.
  return std::min(wake, now() + 100'000'000);
}

load_outcome driver::run() {
  start_ = clock::now();
  if (spec_.open) {
    next_arrival_ = ns_of(arrivals_.next_gap_s());
    open_window(window_start_);
  } else {
    for (int i = 0; i < spec_.concurrency; ++i) {
      arrive(0);
    }
  }
  std::vector<completion> done;
  std::vector<std::size_t> died;
  for (;;) {
    for (const auto t = now(); spec_.open && next_arrival_ <= t;) {
      arrive(next_arrival_);
      next_arrival_ += ns_of(arrivals_.next_gap_s());
    }
    dispatch();
    if (const auto t = now(); finished(t)) {
      stopped_at_ = t;
      break;
    }
    done.clear();
    died.clear();
    pool_.wait(start_ + std::chrono::nanoseconds(wake_at()), done, died);
    const auto t = now();
    for (const auto& c : done) {
      complete(c, t);
    }
    for (const auto w : died) {
      bury(w);
    }
    if (window_end_ != never && t >= window_end_ && cpu_in_window_ == 0) {
      cpu_in_window_ = cpu_seconds() - cpu_at_start_;
    }
  }
  auto o = outcome(); // the window's requests as they stand: what settles now is not measured
  if (!interrupted_) {
    settle();
    o.died = died_;
  }
  return o;
}

// The requests the workers still hold are answered before the next load: a worker must be idle when it starts.
void driver::settle() {
  settling_ = true;
  const auto limit = now() + ns_of(spec_.settle_s);
  std::vector<completion> done;
  std::vector<std::size_t> died;
  const auto holding = [&] {
    for (std::size_t w = 0; w < busy_with_.size(); ++w) {
      if (alive_[w] && busy_with_[w] >= 0) {
        return true;
      }
    }
    return false;
  };
  while (holding() && util::interrupt_signal() == 0) {
    if (now() >= limit) {
      for (std::size_t w = 0; w < busy_with_.size(); ++w) {
        if (alive_[w] && busy_with_[w] >= 0) {
          pool_.abandon(
              w, fmt::format("it held request {} for {:.0f} s after the load ended", busy_with_[w], spec_.settle_s));
          bury(w);
        }
      }
      break;
    }
    done.clear();
    died.clear();
    pool_.wait(start_ + std::chrono::nanoseconds(std::min(limit, now() + 100'000'000)), done, died);
    const auto t = now();
    for (const auto& c : done) {
      complete(c, t);
    }
    for (const auto w : died) {
      bury(w);
    }
  }
}

load_outcome driver::outcome() const {
  load_outcome o;
  o.window_start_ns = window_start_;
  o.window_ns = window_end_ == never ? 0 : window_end_ - window_start_;
  o.elapsed_ns = window_end_ == never ? 0 : std::clamp(stopped_at_, window_start_, window_end_) - window_start_;
  for (const auto& r : all_) {
    if (measured(r.arrival)) {
      o.measured.push_back(r);
    }
  }
  o.completions = completions_;
  o.died = died_;
  o.stopped = stopped_;
  o.interrupted = interrupted_;
  o.parent_cpu_s = cpu_in_window_ > 0 ? cpu_in_window_ : cpu_seconds() - cpu_at_start_;
  return o;
}

} // namespace

double window_length_s(const load_spec& spec, double rate) {
  double length = spec.duration_s;
  if (rate > 0 && spec.min_requests > 0) {
    length = std::max(length, static_cast<double>(spec.min_requests) / rate);
  }
  return std::min(length, std::max(spec.duration_s, spec.max_duration_s));
}

load_outcome drive(pool& workers, const load_spec& spec) {
  driver d(workers, spec);
  return d.run();
}

} // namespace gbench::serve

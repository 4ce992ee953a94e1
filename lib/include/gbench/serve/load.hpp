#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

/// The load generator (docs/serve.md): requests handed to a pool of workers, one at a time each, from one FIFO
/// queue, and every request stamped on one steady clock: its arrival as scheduled, its dispatch, its completion.
/// A request's latency runs from its scheduled arrival, so that the time it waited for a worker is in it, whatever
/// held the workers up (no coordinated omission).
namespace gbench::serve {

using clock = std::chrono::steady_clock;

/// A worker's answer: it served request `id` in `service_ns` of its own time.
struct completion {
  std::size_t worker = 0;
  std::int64_t id = 0;
  std::int64_t service_ns = 0;
};

/// The workers the load generator feeds: worker processes (serve/workers.hpp), or a model of them in tests.
class pool {
public:
  pool() = default;
  virtual ~pool() = default;
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  [[nodiscard]] virtual std::size_t size() const = 0;
  /// Hands request `id` to worker `w`, which holds none; false when it cannot take it (it died).
  virtual bool send(std::size_t w, std::int64_t id) = 0;
  /// Waits until a worker answers, `until` passes or this process is interrupted; appends the answers to `done`
  /// and the workers that died meanwhile to `died`.
  virtual void wait(clock::time_point until, std::vector<completion>& done, std::vector<std::size_t>& died) = 0;
  /// Stops worker `w`, which cannot be trusted with more requests (it answered what it was not asked, or did not
  /// answer in time); `why` says which.
  virtual void abandon(std::size_t w, const std::string& why) = 0;
};

/// One load: a closed loop of `concurrency` requests in flight (each completion sends the next at once, as a
/// client that waits for its answer), or an open loop of Poisson arrivals at `rate` per second.
struct load_spec {
  bool open = false;
  int concurrency = 1;
  double rate = 0;
  double warmup_s = 1;           ///< the same load before the window, not measured
  double duration_s = 5;         ///< the window lasts at least this long,
  std::int64_t min_requests = 0; ///< and long enough for this many requests at the expected rate,
  double max_duration_s = 60;    ///< but no longer than this
  int windows = 10;              ///< slices of the window, for the intervals (serve/latency.hpp)
  std::uint64_t seed = 0;        ///< of the Poisson arrivals
  /// Open loop: the window ends early once more than 1% of its expected requests have waited longer than this:
  /// its p99 is then above the target, whatever the rest would show.
  std::optional<double> target_ms;
  double settle_s = 60; ///< how long the requests still held after the load may take
};

/// One request; times in ns from the load's start, -1 where it did not happen.
struct request {
  std::int64_t arrival = 0;
  std::int64_t dispatch = -1;
  std::int64_t done = -1;
  std::int64_t service = -1;
  int worker = -1;
};

/// What a load measured.
struct load_outcome {
  std::vector<request> measured; ///< the requests that arrived in the window, in arrival order
  std::int64_t window_start_ns = 0;
  std::int64_t window_ns = 0;
  std::int64_t elapsed_ns = 0;           ///< of the window, when the load stopped early; else window_ns
  std::vector<std::int64_t> completions; ///< requests completed in each slice of the window (any arrival)
  std::vector<std::size_t> died;         ///< workers that died during the load
  std::string stopped;                   ///< why it ended before its window and queue did; empty if it did not
  bool interrupted = false;
  double parent_cpu_s = 0; ///< this process's CPU time during the window
};

/// Runs one load on `workers`: warm-up, then the window, then until every request of the window has completed
/// (or the queue has not drained within as long again as the window, or every worker died, or an interrupt).
/// Before it returns, the requests the workers still hold are answered (not measured), so that the next load
/// starts with every worker idle; a worker that does not answer within `settle_s` is abandoned.
load_outcome drive(pool& workers, const load_spec& spec);

/// How long the window of a load lasts when its requests come at `rate` per second.
double window_length_s(const load_spec& spec, double rate);

} // namespace gbench::serve

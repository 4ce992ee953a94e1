// The load generator against a model of its workers (model_pool.hpp): its schedule, its queue, what a latency
// holds, dead workers. Bounds on times are loose: they hold on a loaded machine, whose sleeps overshoot.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "gbench/serve/arrivals.hpp"
#include "gbench/serve/load.hpp"
#include "serve/model_pool.hpp"

using namespace std::chrono_literals;
namespace serve = gbench::serve;
using gbench_test::model_pool;

namespace {

serve::load_spec closed(int concurrency, double duration_s) {
  serve::load_spec s;
  s.concurrency = concurrency;
  s.warmup_s = 0.05;
  s.duration_s = duration_s;
  s.max_duration_s = duration_s;
  return s;
}

serve::load_spec open(double rate, double duration_s, std::uint64_t seed = 1) {
  serve::load_spec s;
  s.open = true;
  s.rate = rate;
  s.warmup_s = 0.05;
  s.duration_s = duration_s;
  s.max_duration_s = duration_s;
  s.seed = seed;
  return s;
}

} // namespace

TEST_CASE("serve: a closed loop keeps N requests in flight, each sent when the last completes", "[serve]") {
  model_pool pool(2, 2ms);
  const auto o = serve::drive(pool, closed(2, 0.3));
  REQUIRE(o.stopped.empty());
  REQUIRE(o.measured.size() > 20);
  for (const auto& r : o.measured) {
    REQUIRE(r.done >= 0);
    CHECK(r.done - r.arrival >= 2'000'000);    // a latency holds the whole service time
    CHECK(r.dispatch - r.arrival < 1'000'000); // two workers, two in flight: nobody queues for long
  }
  // Each request is sent at the instant one completes: all but the two sent when the window opened (by requests of
  // the warm-up) arrive at a measured request's completion, and never more than two are in flight.
  std::set<std::int64_t> completions;
  for (const auto& r : o.measured) {
    completions.insert(r.done);
  }
  const auto sent_on_completion = std::count_if(o.measured.begin(), o.measured.end(),
                                                [&](const auto& r) { return completions.contains(r.arrival); });
  CHECK(sent_on_completion >= static_cast<std::ptrdiff_t>(o.measured.size()) - 2);
  for (const auto& r : o.measured) {
    const auto in_flight = std::count_if(o.measured.begin(), o.measured.end(), [&](const auto& other) {
      return other.arrival <= r.arrival && r.arrival < other.done;
    });
    CHECK(in_flight <= 2);
  }
  // Two workers of 2 ms each: at most 1000 requests a second (the sleeps of a busy machine only take from it).
  const double served = static_cast<double>(o.measured.size()) / (1e-9 * static_cast<double>(o.window_ns));
  CHECK(served <= 1000 * 1.02);
  // Concurrency 4 on 2 workers: every request waits for one ahead of it.
  model_pool busy(2, 2ms);
  const auto q = serve::drive(busy, closed(4, 0.3));
  std::vector<std::int64_t> waits;
  for (const auto& r : q.measured) {
    waits.push_back(r.dispatch - r.arrival);
  }
  std::sort(waits.begin(), waits.end());
  CHECK(waits[waits.size() / 2] > 1'000'000);
}

TEST_CASE("serve: an open loop's arrivals are the seeded Poisson schedule, whatever the workers do", "[serve]") {
  model_pool pool(1, 1ms);
  const auto spec = open(200, 0.5, 99);
  pool.stall(10, 150ms); // the schedule must not wait for it
  const auto o = serve::drive(pool, spec);
  serve::poisson_arrivals schedule(200, 99);
  std::int64_t t = 0;
  std::vector<std::int64_t> expected;
  while (expected.size() < 1000) {
    t += static_cast<std::int64_t>(std::llround(schedule.next_gap_s() * 1e9));
    if (t >= o.window_start_ns && t < o.window_start_ns + o.window_ns) {
      expected.push_back(t);
    } else if (t >= o.window_start_ns + o.window_ns) {
      break;
    }
  }
  REQUIRE(o.measured.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(o.measured[i].arrival == expected[i]);
  }
}

TEST_CASE("serve: a latency runs from the scheduled arrival: the queue behind a stalled worker is in it", "[serve]") {
  // One worker of 1 ms at 100 requests/s, and one request that stalls it for 300 ms: the requests that arrive
  // meanwhile are served in 1 ms each, but waited up to 300 ms for the worker.
  model_pool pool(1, 1ms);
  auto spec = open(100, 1.0, 5);
  spec.warmup_s = 0.2;
  pool.stall(40, 300ms); // about 0.2 s into the window
  const auto o = serve::drive(pool, spec);
  REQUIRE(o.stopped.empty());
  int queued_long = 0;
  for (const auto& r : o.measured) {
    REQUIRE(r.done >= 0);
    CHECK(r.done - r.arrival >= r.service); // latency = queueing + service (+ the pipe)
    CHECK(r.done - r.arrival >= r.dispatch - r.arrival);
    if (r.service < 50'000'000 && r.done - r.arrival > 100'000'000) {
      ++queued_long; // served quickly, yet late: it queued
    }
  }
  CHECK(queued_long >= 10); // about 20 arrive in the first 200 ms of the stall
  const auto worst = std::max_element(o.measured.begin(), o.measured.end(), [](const auto& a, const auto& b) {
    return a.done - a.arrival < b.done - b.arrival;
  });
  CHECK(worst->done - worst->arrival >= 290'000'000);
}

TEST_CASE("serve: a worker that dies loses the request it held, the others serve the rest", "[serve]") {
  model_pool pool(2, 1ms);
  pool.die_at(1, 5);
  const auto o = serve::drive(pool, closed(2, 0.3));
  REQUIRE(o.died == std::vector<std::size_t>{1});
  CHECK(o.stopped.empty());
  std::int64_t by_survivor = 0;
  for (const auto& r : o.measured) {
    by_survivor += r.worker == 0 && r.done >= 0 ? 1 : 0;
    CHECK(r.worker != 1); // it died in the warm-up: no measured request went to it
  }
  CHECK(by_survivor == static_cast<std::int64_t>(o.measured.size()));
  model_pool all_die(1, 1ms);
  all_die.die_at(0, 3);
  CHECK(serve::drive(all_die, closed(1, 0.3)).stopped == "every worker died");
}

TEST_CASE("serve: above its capacity an open loop stops once its p99 is certainly above the target", "[serve]") {
  model_pool pool(1, 5ms); // 200 requests/s at most
  auto spec = open(400, 2.0);
  spec.target_ms = 20;
  const auto start = std::chrono::steady_clock::now();
  const auto o = serve::drive(pool, spec);
  CHECK_THAT(o.stopped, Catch::Matchers::Contains("p99 above the 20 ms target"));
  CHECK(std::chrono::steady_clock::now() - start < 1500ms); // long before the 2 s window would have ended
  // What the worker still held was answered before the load returned: the next load finds it idle.
  const auto next = serve::drive(pool, closed(1, 0.1));
  CHECK(next.died.empty());
  CHECK(next.stopped.empty());
  CHECK_FALSE(next.measured.empty());
  // Without a target it runs its window, then gives up on the queue that cannot drain.
  model_pool slow(1, 5ms);
  const auto u = serve::drive(slow, open(1000, 0.3));
  CHECK_THAT(u.stopped, Catch::Matchers::Contains("the queue did not drain"));
  CHECK(std::any_of(u.measured.begin(), u.measured.end(), [](const auto& r) { return r.done < 0; }));
}

TEST_CASE("serve: the window lasts long enough for the requests asked for, within its bounds", "[serve]") {
  serve::load_spec s;
  s.duration_s = 5;
  s.min_requests = 1000;
  s.max_duration_s = 60;
  CHECK(serve::window_length_s(s, 1000) == 5);
  CHECK(serve::window_length_s(s, 50) == 20);
  CHECK(serve::window_length_s(s, 1) == 60);
  CHECK(serve::window_length_s(s, 0) == 5);
}

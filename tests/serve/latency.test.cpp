#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "gbench/serve/latency.hpp"
#include "gbench/stats/summary.hpp"

namespace serve = gbench::serve;

TEST_CASE("serve: a pooled quantile of resampled slices is the quantile of their union, NumPy's way", "[serve]") {
  std::mt19937_64 engine(3);
  std::vector<std::vector<std::int64_t>> slices(5);
  std::vector<std::int64_t> all;
  for (auto& s : slices) {
    const auto n = 1 + engine() % 40;
    for (std::uint64_t i = 0; i < n; ++i) {
      s.push_back(static_cast<std::int64_t>(engine() % 1000));
    }
    std::sort(s.begin(), s.end());
    all.insert(all.end(), s.begin(), s.end());
  }
  std::sort(all.begin(), all.end());
  for (const std::vector<int>& times :
       {std::vector<int>{1, 1, 1, 1, 1}, std::vector<int>{0, 2, 1, 0, 2}, std::vector<int>{5, 0, 0, 0, 0}}) {
    std::vector<double> pooled;
    for (std::size_t i = 0; i < slices.size(); ++i) {
      for (int k = 0; k < times[i]; ++k) {
        pooled.insert(pooled.end(), slices[i].begin(), slices[i].end());
      }
    }
    std::sort(pooled.begin(), pooled.end());
    for (const double q : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0}) {
      const auto v = serve::pooled_quantile(slices, times, all, q);
      REQUIRE(v);
      CHECK(*v == Approx(gbench::stats::quantile_sorted(pooled, q)));
    }
  }
  CHECK_FALSE(serve::pooled_quantile(slices, {0, 0, 0, 0, 0}, all, 0.5));
}

TEST_CASE("serve: a percentile that needs a request that never completed is unbounded", "[serve]") {
  std::vector<std::vector<std::int64_t>> slices{{1, 2, 3, 4, 5, 6, 7, 8, 9, serve::unbounded}};
  const auto all = slices.front();
  CHECK(serve::pooled_quantile(slices, {1}, all, 0.5));
  CHECK_FALSE(serve::pooled_quantile(slices, {1}, all, 0.99));
  CHECK(*serve::pooled_quantile(slices, {1}, all, 8.0 / 9.0) == Approx(9));
}

TEST_CASE("serve: a point's figures come from its requests: percentiles, intervals, shares, throughput", "[serve]") {
  serve::load_outcome o;
  o.window_start_ns = 1'000'000'000;
  o.window_ns = 1'000'000'000;
  o.elapsed_ns = o.window_ns;
  o.completions.assign(10, 100); // 1000 completions in the window
  for (int i = 0; i < 1000; ++i) {
    serve::request r;
    r.arrival = o.window_start_ns + i * 1'000'000;
    r.dispatch = r.arrival + 100'000;
    r.service = 1'000'000 + (i % 100) * 10'000; // 1 to 1.99 ms
    r.done = r.dispatch + r.service;
    r.worker = i % 4 == 0 ? 1 : 0; // worker 1 takes a quarter
    o.measured.push_back(r);
  }
  serve::load_spec spec;
  spec.open = true;
  spec.rate = 1000;
  spec.windows = 10;
  const auto p = serve::summarize(spec, o, {.workers = 2, .batch = 4, .resamples = 200, .seed = 1, .target_ms = 2.0});
  CHECK(p.load == "open");
  CHECK(p.rate == 1000.0);
  CHECK(p.arrived == 1000);
  CHECK(p.completed == 1000);
  CHECK(*p.throughput.value == Approx(1000));
  CHECK(p.samples_per_s == Approx(4000));
  // latency = 0.1 ms queue + service: 1.1 to 2.09 ms
  CHECK(*p.latency_ms.p50.value == Approx(1.595).epsilon(0.01));
  CHECK(*p.latency_ms.p99.value == Approx(2.08).epsilon(0.01));
  for (const auto* f : {&p.latency_ms.p50, &p.latency_ms.p90, &p.latency_ms.p99, &p.throughput}) {
    REQUIRE(f->ci95);
    CHECK((*f->ci95)[0] <= *f->value);
    CHECK((*f->ci95)[1] >= *f->value);
  }
  CHECK(p.queue_ms.at("p99") == Approx(0.1));
  CHECK(p.service_ms.at("p50") == Approx(1.495).epsilon(0.01));
  REQUIRE(p.workers.size() == 2);
  CHECK(p.workers[1].share == Approx(0.25));
  CHECK(p.workers[0].share + p.workers[1].share == Approx(1));
  CHECK(p.workers[0].busy > p.workers[1].busy);
  CHECK(p.meets_target == false); // p99 2.08 ms > 2 ms
  CHECK(p.samples.latency_us.size() == 1000);
  CHECK(p.samples.arrival_us[1] == 1000);
  // A load stopped early served over the part of its window that passed.
  auto early = o;
  early.elapsed_ns = 250'000'000;
  early.completions = {100, 100, 50, 0, 0, 0, 0, 0, 0, 0};
  const auto e = serve::summarize(spec, early, {.workers = 2, .batch = 1, .resamples = 50, .seed = 1, .target_ms = {}});
  CHECK(*e.throughput.value == Approx(1000));
  CHECK_FALSE(e.throughput.ci95);
  // A request that never completed counts as longer than any.
  o.measured.back().done = -1;
  const auto q = serve::summarize(spec, o, {.workers = 2, .batch = 1, .resamples = 50, .seed = 1, .target_ms = 3.0});
  CHECK(q.completed == 999);
  CHECK(q.samples.latency_us.back() == -1);
  CHECK_FALSE((q.latency_ms.p999.value.has_value() && *q.latency_ms.p999.value < 2.0));
}

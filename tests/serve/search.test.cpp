#include <catch2/catch.hpp>

#include <cmath>

#include "gbench/serve/search.hpp"

namespace serve = gbench::serve;

namespace {

// A model of a split: it serves 100 requests/s at most, and its p99 at rate r is 10 / (1 - r / 100) ms.
std::optional<serve::point> model(const serve::load_spec& spec, std::vector<serve::load_spec>* asked) {
  asked->push_back(spec);
  serve::point p;
  p.load = spec.open ? "open" : "closed";
  const double rate = spec.open ? spec.rate : 100.0;
  p.rate = spec.open ? std::optional<double>(rate) : std::nullopt;
  p.throughput.value = std::min(rate, 100.0);
  p.samples_per_s = *p.throughput.value;
  p.latency_ms.p99.value = rate < 100 ? 10 / (1 - rate / 100) : 1e9;
  if (spec.target_ms) {
    p.meets_target = *p.latency_ms.p99.value <= *spec.target_ms;
  }
  return p;
}

} // namespace

TEST_CASE("serve: the search bisects the rate up to the highest within the p99 target", "[serve]") {
  std::vector<serve::load_spec> asked;
  serve::search_options o;
  o.mode = serve::mode::search;
  o.target_ms = 50; // met up to a rate of 80
  o.steps = 7;
  serve::split_result s;
  s.processes = 2;
  serve::measure_split(s, o, [&](const serve::load_spec& spec) { return model(spec, &asked); });
  REQUIRE(asked.size() == 8);
  CHECK_FALSE(asked[0].open);
  CHECK(asked[0].concurrency == 2); // one request per worker
  CHECK(asked[1].rate == 50);
  CHECK(asked[2].rate == 75);
  CHECK(asked[3].rate == 87.5);
  REQUIRE(s.best);
  const double found = *s.points[*s.best].rate;
  CHECK(found <= 80);
  CHECK(found >= 80 - 100.0 / 128);
  // Each load a seed of its own.
  CHECK(asked[1].seed != asked[2].seed);
}

TEST_CASE("serve: no rate within the target gives no best point", "[serve]") {
  std::vector<serve::load_spec> asked;
  serve::search_options o;
  o.mode = serve::mode::search;
  o.target_ms = 5; // below the service time: never met
  o.steps = 3;
  serve::split_result s;
  serve::measure_split(s, o, [&](const serve::load_spec& spec) { return model(spec, &asked); });
  CHECK(asked.size() == 4);
  CHECK_FALSE(s.best);
}

TEST_CASE("serve: the curve is the peak, then open loops at fractions of it, a stop ends it", "[serve]") {
  std::vector<serve::load_spec> asked;
  serve::search_options o; // curve
  serve::split_result s;
  serve::measure_split(s, o, [&](const serve::load_spec& spec) { return model(spec, &asked); });
  REQUIRE(asked.size() == 5);
  CHECK(asked[1].rate == Approx(50));
  CHECK(asked[4].rate == Approx(90));
  REQUIRE(s.best);
  CHECK(*s.best == 0); // no target: the highest throughput, the peak
  int calls = 0;
  serve::split_result t;
  serve::measure_split(t, o, [&](const serve::load_spec& spec) -> std::optional<serve::point> {
    return ++calls > 2 ? std::nullopt : model(spec, &asked);
  });
  CHECK(t.points.size() == 2);
  CHECK(calls == 3); // nothing asked after the stop
}

TEST_CASE("serve: with a target the best point is an open loop within it, never the closed loop", "[serve]") {
  std::vector<serve::point> points(3);
  points[0].load = "closed";
  points[0].throughput.value = 100;
  points[0].meets_target = true;
  points[1].load = "open";
  points[1].throughput.value = 60;
  points[1].meets_target = true;
  points[2].load = "open";
  points[2].throughput.value = 90;
  points[2].meets_target = false;
  CHECK(serve::best_point(points, 10.0) == 1u);
  CHECK(serve::best_point(points, std::nullopt) == 0u);
  points[1].meets_target = false;
  CHECK_FALSE(serve::best_point(points, 10.0));
}

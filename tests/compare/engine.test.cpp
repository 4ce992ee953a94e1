// compare/engine: the one comparison engine on samples made here: the metric names, the settings it refuses,
// a batch's samples as the engine takes them, and the design, test and verdict of a comparison.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "gbench/compare/engine.hpp"
#include "gbench/error.hpp"
#include "gbench/record/run.hpp"

using Catch::Matchers::Contains;

namespace {

// A process of `n` samples around `median` (+-1%), in chunks of 10, with its round and whether it was a lockstep
// worker.
gbench::stats::process_samples process(double median, std::uint64_t seed, std::size_t round = 0, bool lockstep = false,
                                       int n = 40) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-0.01, 0.01);
  gbench::stats::process_samples p;
  for (int i = 0; i < n; ++i) {
    p.samples.push_back(median * (1.0 + u(gen)));
  }
  p.chunk_size = 10;
  p.round = round;
  p.lockstep = lockstep;
  return p;
}

gbench::compare::sample_groups side(double median, std::uint64_t seed, bool lockstep = false, int processes = 5) {
  gbench::compare::sample_groups out;
  for (int i = 0; i < processes; ++i) {
    out.push_back(process(median * (1.0 + 0.002 * i), seed + static_cast<std::uint64_t>(i),
                          lockstep ? static_cast<std::size_t>(i + 1) : 0, lockstep));
  }
  return out;
}

} // namespace

TEST_CASE("engine: metrics by name, and the settings it refuses", "[compare][engine]") {
  using gbench::compare::metric;
  for (const auto m : {metric::median, metric::p90, metric::p99, metric::throughput}) {
    CHECK(gbench::compare::parse_metric(gbench::compare::name_of(m)) == m);
  }
  CHECK_THROWS_WITH(gbench::compare::parse_metric("mean"), Contains("--metric: unknown metric 'mean'"));
  CHECK(gbench::compare::higher_is_better(metric::throughput));
  CHECK_FALSE(gbench::compare::higher_is_better(metric::p99));
  gbench::compare::settings s;
  CHECK_NOTHROW(gbench::compare::check(s));
  s.alpha = 1.5;
  CHECK_THROWS_WITH(gbench::compare::check(s), Contains("--alpha: 1.5"));
  s = {};
  s.threshold = -0.1;
  CHECK_THROWS_WITH(gbench::compare::check(s), Contains("--threshold"));
  s = {};
  s.confidence = 1;
  CHECK_THROWS_AS(gbench::compare::check(s), gbench::input_error);
}

TEST_CASE("engine: a batch's samples as the engine takes them", "[compare][engine]") {
  gbench::record::batch_result r;
  r.batch = 8;
  r.ok = true;
  r.samples_ns = {100, 110, 120};
  r.chunk_size = 2;
  const auto p = gbench::compare::samples_of(r, 3, true);
  REQUIRE(p);
  CHECK(p->samples == std::vector<double>{100, 110, 120});
  CHECK(p->chunk_size == 2);
  CHECK(p->round == 3);
  CHECK(p->lockstep);
  r.ok = false;
  CHECK_FALSE(gbench::compare::samples_of(r));
  r.ok = true;
  r.samples_ns.clear();
  CHECK_FALSE(gbench::compare::samples_of(r));
}

TEST_CASE("engine: a 10% slowdown across processes is worse, an A/A comparison unchanged", "[compare][engine]") {
  gbench::compare::settings s;
  const auto base = side(1000, 1);
  const auto worse = gbench::compare::compare_samples(base, side(1100, 100), 8, gbench::compare::metric::median, s);
  CHECK(worse.design == gbench::record::design::independent);
  CHECK_THAT(worse.test, Contains("on log process estimates (5 vs 5 processes)"));
  CHECK(worse.verdict == gbench::record::verdict::worse);
  CHECK(worse.ratio == Approx(1.1).epsilon(0.01));
  CHECK(worse.speedup == Approx(1.0 / worse.ratio));
  REQUIRE(worse.ratio_low);
  CHECK(*worse.ratio_low > 1.0);
  CHECK(worse.processes_baseline == 5);
  const auto same = gbench::compare::compare_samples(base, side(1000, 200), 8, gbench::compare::metric::median, s);
  CHECK(same.verdict == gbench::record::verdict::unchanged);
  // Throughput is batch over time: its ratio is the inverse, and higher is better.
  const auto tp = gbench::compare::compare_samples(base, side(1100, 100), 8, gbench::compare::metric::throughput, s);
  CHECK(tp.ratio == Approx(1.0 / worse.ratio));
  CHECK(tp.verdict == gbench::record::verdict::worse);
  CHECK(tp.baseline_value == Approx(8 * 1e9 / 1000).epsilon(0.02));
  CHECK_THROWS_AS(gbench::compare::compare_samples({}, base, 8, gbench::compare::metric::median, s),
                  gbench::input_error);
}

TEST_CASE("engine: the design decides the test, and one process a side is inconclusive", "[compare][engine]") {
  gbench::compare::settings s;
  const auto c = gbench::compare::compare_samples(side(1000, 1, true, 3), side(900, 50, true, 3), 8,
                                                  gbench::compare::metric::median, s);
  CHECK(c.design == gbench::record::design::lockstep);
  CHECK_THAT(c.test, Contains("t across 3 process sets"));
  CHECK(c.units == 3);
  CHECK(c.verdict == gbench::record::verdict::better);
  s.duet = true;
  CHECK(gbench::compare::compare_samples(side(1000, 1, true, 3), side(900, 50, true, 3), 8,
                                         gbench::compare::metric::median, s)
            .design == gbench::record::design::duet);
  s.duet = false;
  const auto one = gbench::compare::compare_samples(side(1000, 1, false, 1), side(900, 50, false, 1), 8,
                                                    gbench::compare::metric::median, s);
  CHECK(one.verdict == gbench::record::verdict::inconclusive);
  CHECK_FALSE(one.p_value);
  CHECK_THAT(one.note, Contains("inconclusive: 1 vs 1 run a side"));
  CHECK(one.runs_needed >= 3);
}

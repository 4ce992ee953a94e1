// run/until_precise: the rows a run until precise narrows, and when it stops, on runs made here.
#include <catch2/catch.hpp>

#include <random>

#include "gbench/record/run.hpp"
#include "gbench/run/until_precise.hpp"

using Catch::Matchers::Contains;

namespace {

// A run of `preset` in round `round`: 30 samples at batch 8 around `median` ns (+-spread), in chunks of 10.
gbench::record::preset_run run_of(const std::string& preset, int round, double median, double spread) {
  gbench::record::preset_run r;
  r.preset.name = preset;
  r.ok = true;
  r.repetition = round;
  r.wall_s = 0.5;
  gbench::record::batch_result b;
  b.batch = 8;
  b.ok = true;
  b.chunk_size = 10;
  std::mt19937_64 gen(static_cast<std::uint64_t>(round * 31) + preset.size());
  std::uniform_real_distribution<double> u(-spread, spread);
  for (int i = 0; i < 30; ++i) {
    b.samples_ns.push_back(static_cast<std::int64_t>(median * (1.0 + u(gen))));
  }
  r.batches.push_back(b);
  return r;
}

std::vector<gbench::record::preset_run> rounds_of(int n, double spread) {
  std::vector<gbench::record::preset_run> runs;
  for (int round = 1; round <= n; ++round) {
    runs.push_back(run_of("default", round, 100000, spread));
    runs.push_back(run_of("fast", round, 80000, spread));
  }
  return runs;
}

} // namespace

TEST_CASE("until precise: a row per preset against the baseline at each batch, or per preset alone",
          "[run][precision]") {
  const auto runs = rounds_of(2, 0.01);
  const auto rows = gbench::run::precision_rows(runs, {8}, "default");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].name == "fast @ 8");
  CHECK(rows[0].preset.size() == 2);
  CHECK(rows[0].baseline.size() == 2);
  CHECK(rows[0].preset[0].round == 1);
  // Without the baseline among the runs: each preset's own estimate.
  const auto alone = gbench::run::precision_rows(runs, {8}, "thp");
  REQUIRE(alone.size() == 2);
  CHECK(alone[0].baseline.empty());
}

TEST_CASE("until precise: goes on until three rounds and the target, then stops and says why", "[run][precision]") {
  gbench::run::plan p;
  p.batches = {8};
  p.baseline = "default";
  p.iterations = 30;
  gbench::run::until_precise quiet(p, 0.05, 600);
  CHECK(quiet(rounds_of(2, 0.001), 2).has_value()); // too few rounds to know the variance between them
  CHECK(quiet.outcome().stopped == "running");
  CHECK_FALSE(quiet(rounds_of(3, 0.001), 3).has_value());
  CHECK(quiet.outcome().stopped == "precision reached");
  CHECK(quiet.outcome().reached <= 0.05);
  CHECK(quiet.outcome().widest == "fast @ 8");
  // A target it cannot reach, and no time to try: the time limit stops it, with the processes it would need.
  gbench::run::until_precise hurried(p, 0.0001, 1e-9);
  CHECK_FALSE(hurried(rounds_of(3, 0.2), 3).has_value());
  CHECK_THAT(hurried.outcome().stopped, Contains("time limit") && Contains("processes a side would be needed"));
}

// run/until_precise: the rows a run until precise narrows, and when it stops, on runs made here.
#include <catch2/catch.hpp>

#include <random>

#include "gbench/record/run.hpp"
#include "gbench/run/until_precise.hpp"

using Catch::Matchers::Contains;

namespace {

// 30 samples at `batch` around `median` ns (+-spread, a round's own luck included), in chunks of 10.
gbench::record::batch_result batch_of(std::int64_t batch, const std::string& preset, int round, double median,
                                      double spread) {
  gbench::record::batch_result b;
  b.batch = batch;
  b.ok = true;
  b.chunk_size = 10;
  std::mt19937_64 gen(static_cast<std::uint64_t>(round * 31 + batch) + preset.size());
  std::uniform_real_distribution<double> u(-spread, spread);
  const double luck = 1.0 + u(gen);
  for (int i = 0; i < 30; ++i) {
    b.samples_ns.push_back(static_cast<std::int64_t>(median * luck * (1.0 + 0.1 * u(gen))));
  }
  return b;
}

// A run of `preset` in round `round` at batch 8.
gbench::record::preset_run run_of(const std::string& preset, int round, double median, double spread) {
  gbench::record::preset_run r;
  r.preset.name = preset;
  r.ok = true;
  r.repetition = round;
  r.wall_s = 0.5;
  r.batches.push_back(batch_of(8, preset, round, median, spread));
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

TEST_CASE("until precise: goes on until five rounds and the target, then stops and says why", "[run][precision]") {
  gbench::run::plan p;
  p.batches = {8};
  p.baseline = "default";
  p.iterations = 30;
  gbench::run::until_precise quiet(p, 0.05, 600);
  CHECK(quiet(rounds_of(4, 0.001), 4).has_value()); // too few rounds to know the variance between them
  CHECK(quiet.outcome().stopped == "running");
  CHECK_FALSE(quiet(rounds_of(5, 0.001), 5).has_value());
  CHECK(quiet.outcome().stopped == "precision reached");
  CHECK(quiet.outcome().reached <= 0.05);
  CHECK(quiet.outcome().widest == "fast @ 8");
  // A target it cannot reach, and no time to try: the time limit stops it, with the processes it would need.
  gbench::run::until_precise hurried(p, 0.0001, 1e-9);
  CHECK_FALSE(hurried(rounds_of(5, 0.2), 5).has_value());
  CHECK_THAT(hurried.outcome().stopped, Contains("time limit") && Contains("processes a side would be needed"));
}

TEST_CASE("until precise: a batch within the target drops out of the next rounds, the others go on",
          "[run][precision]") {
  gbench::run::plan p;
  p.batches = {8, 64};
  p.baseline = "default";
  p.iterations = 30;
  // Batch 8 is steady from round to round, batch 64 is not (+-20% of process luck).
  std::vector<gbench::record::preset_run> runs;
  for (int round = 1; round <= 5; ++round) {
    for (const auto& [preset, median] : {std::pair<std::string, double>{"default", 100000}, {"fast", 80000}}) {
      auto r = run_of(preset, round, median, 0.001);
      r.batches.push_back(batch_of(64, preset, round, 8 * median, 0.2));
      runs.push_back(r);
    }
  }
  gbench::run::until_precise precise(p, 0.05, 600);
  const auto next = precise(runs, 5);
  REQUIRE(next.has_value());
  CHECK(next->batches == std::vector<std::int64_t>{64});
  REQUIRE(precise.outcome().settled.size() == 1);
  CHECK(precise.outcome().settled[0].batch == 8);
  CHECK(precise.outcome().settled[0].after == 5);
  CHECK(precise.outcome().widest == "fast @ 64");
  // The next round measured batch 64 only; batch 8 stays settled, once.
  for (const auto& [preset, median] : {std::pair<std::string, double>{"default", 100000}, {"fast", 80000}}) {
    auto r = run_of(preset, 6, median, 0.001);
    r.batches = {batch_of(64, preset, 6, 8 * median, 0.2)};
    runs.push_back(r);
  }
  const auto after = precise(runs, 6);
  REQUIRE(after.has_value());
  CHECK(after->batches == std::vector<std::int64_t>{64});
  CHECK(precise.outcome().settled.size() == 1);
  // Before five rounds nothing settles: the variance between rounds is not known well enough yet.
  gbench::run::until_precise early(p, 0.05, 600);
  const auto first = early(std::vector<gbench::record::preset_run>(runs.begin(), runs.begin() + 8), 4);
  REQUIRE(first.has_value());
  CHECK(first->batches == std::vector<std::int64_t>{8, 64});
  CHECK(early.outcome().settled.empty());
}

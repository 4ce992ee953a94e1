// compare/report_diff: two reports compared, on fixed samples and on recorded ones: verdicts, thresholds, the
// paired test, metrics, pooled runs, failures and mismatched set-ups.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gbench/compare/report_diff.hpp"
#include "gbench/compare/stored_report.hpp"
#include "gbench/error.hpp"
#include "schema_check.hpp"
#include "stored_reports.hpp"

using Catch::Matchers::Contains;
using gbench::compare::metric;
using verdict = gbench::compare::outcome;
using json = nlohmann::json;
using gbench_test::compare;
using gbench_test::compare_one;
using gbench_test::report;
using gbench_test::result;
using gbench_test::run;
using gbench_test::spread;
using gbench_test::text_of;

TEST_CASE("identical distributions are unchanged", "[regression]") {
  const auto same = compare_one(spread(30, 100e3, 1), spread(30, 100e3, 1));
  CHECK(same.result == verdict::unchanged);
  CHECK(same.comparison->ratio == 1.0);
  CHECK(same.comparison->p_value_samples == Approx(1.0));
  CHECK_FALSE(same.comparison->significant);
  // Two draws of the same distribution.
  const auto draws = compare_one(spread(30, 100e3, 1), spread(30, 100e3, 2));
  CHECK(draws.result == verdict::unchanged);
  CHECK(std::abs(draws.comparison->ratio - 1) < 0.05);
}

TEST_CASE("a 10% shift with enough samples is a regression, and the other way an improvement", "[regression]") {
  const auto slower = compare_one(spread(30, 100e3, 1), spread(30, 110e3, 2));
  CHECK(slower.result == verdict::regression);
  CHECK(slower.comparison->significant);
  CHECK(slower.comparison->enough_samples);
  CHECK(slower.comparison->p_value_samples < 0.001);
  CHECK(slower.comparison->z_samples > 0);
  CHECK(slower.comparison->ratio == Approx(1.1).epsilon(0.03));
  REQUIRE(slower.comparison->ratio_low);
  CHECK(*slower.comparison->ratio_low < slower.comparison->ratio);
  CHECK(*slower.comparison->ratio_high > slower.comparison->ratio);
  CHECK(*slower.comparison->ratio_low > 1.0);

  const auto faster = compare_one(spread(30, 110e3, 2), spread(30, 100e3, 1));
  CHECK(faster.result == verdict::improvement);
  CHECK(faster.comparison->z_samples < 0);
}

TEST_CASE("a 10% shift with 3 samples is not significant, and says so", "[regression]") {
  // Even completely separated: 3 vs 3 cannot reach p < 0.05 (three runs of one forward a side).
  auto three = [](double center) {
    return report({run("default", {result(8, {center})}, 1), run("default", {result(8, {center + 1e3})}, 2),
                   run("default", {result(8, {center + 2e3})}, 3)});
  };
  const auto r = compare(three(100e3), three(110e3));
  const auto& row = r.rows.front();
  CHECK(row.comparison->ratio == Approx(1.1).epsilon(0.01));
  CHECK_FALSE(row.comparison->significant);
  CHECK_FALSE(row.comparison->enough_samples);
  CHECK(row.result == verdict::too_few_samples);
  CHECK_FALSE(r.regressed());
  CHECK_THAT(row.note, Contains("3 vs 3 samples") && Contains("cannot reach alpha 0.05"));
  CHECK_THAT(text_of(r, "table"), Contains("too few samples") && Contains("3 vs 3 samples"));
  CHECK_THAT(text_of(r, "markdown"), Contains("too few samples"));
}

TEST_CASE("the threshold is respected", "[regression]") {
  const auto base = spread(30, 100e3, 1);
  const auto cand = spread(30, 110e3, 2);
  gbench::compare::diff_options o;
  o.threshold = 0.15;
  const auto wide = compare_one(base, cand, o);
  CHECK(wide.comparison->significant);
  CHECK(wide.result == verdict::unchanged);
  o.threshold = 0.05;
  CHECK(compare_one(base, cand, o).result == verdict::regression);
  // Significant but small: a tight 2% shift over many samples and processes that agree.
  const auto small = compare_one(spread(400, 100e3, 3), spread(400, 102e3, 4), {}, 0.001);
  CHECK(small.comparison->significant);
  CHECK(small.result == verdict::unchanged);
}

TEST_CASE("alpha is respected", "[regression]") {
  // Five processes a side whose estimates are 2 apart, shifted by 8: Yuen's trimmed t on their logarithms gives
  // p = 0.026 (scipy.stats.ttest_ind(equal_var=False, trim=0.2)), a change of +7.7%.
  auto side = [](double first) {
    std::vector<json> runs;
    for (int i = 0; i < 5; ++i) {
      const double c = first + 2 * i;
      runs.push_back(run("default", {result(8, {c - 0.5, c, c + 0.5})}, i + 1));
    }
    return report(runs);
  };
  gbench::compare::diff_options o;
  o.threshold = 0.02;
  const auto at_05 = compare(side(100), side(108), o).rows.front();
  REQUIRE(at_05.comparison->p_value);
  CHECK(*at_05.comparison->p_value == Approx(0.0261).margin(0.001));
  CHECK(at_05.comparison->ratio - 1 == Approx(0.0769).epsilon(0.02));
  CHECK(at_05.result == verdict::regression);
  o.alpha = 0.01;
  const auto at_01 = compare(side(100), side(108), o).rows.front();
  CHECK(at_01.comparison->enough_samples);
  CHECK_FALSE(at_01.comparison->significant);
  CHECK(at_01.result == verdict::unchanged);
}

TEST_CASE("compare --paired: runs that ran next to each other are compared within their rounds", "[regression]") {
  // The machine's speed wanders between rounds (100, 120, 90, 110, 105 us) and the candidate is 3% slower in
  // every round: across rounds the drift swamps the change, within them it cancels.
  const std::vector<double> base_levels{100000, 120000, 90000, 110000, 105000};
  const std::vector<double> cand_levels{103500, 123000, 92400, 113600, 108000};
  auto side = [](const std::vector<double>& levels, std::size_t rounds) {
    std::vector<json> runs;
    for (std::size_t i = 0; i < rounds; ++i) {
      const double c = levels[i];
      runs.push_back(run("default", {result(8, {c - 500, c, c + 500})}, 1));
    }
    return report(runs);
  };
  gbench::compare::diff_options o;
  o.threshold = 0.02;
  const auto welch = compare(side(base_levels, 5), side(cand_levels, 5), o).rows.front();
  CHECK_FALSE((welch.comparison->design == gbench::record::design::rounds));
  REQUIRE(welch.comparison->p_value);
  // scipy.stats.ttest_ind(log(cand), log(base), equal_var=False, trim=0.2).pvalue
  CHECK(*welch.comparison->p_value == Approx(0.5926985186936539).epsilon(1e-6));
  CHECK(welch.result == verdict::unchanged);

  o.paired = true;
  const auto diff = compare(side(base_levels, 5), side(cand_levels, 5), o);
  const auto& paired = diff.rows.front();
  CHECK((paired.comparison->design == gbench::record::design::rounds));
  REQUIRE(paired.comparison->p_value);
  // The 20%-trimmed paired test on the log differences (stats/group_test.test.cpp checks it against its
  // definition): p = 0.0070, the trimmed mean of the differences +2.93%.
  CHECK(*paired.comparison->p_value == Approx(0.007029086335484295).epsilon(1e-6));
  CHECK(paired.comparison->ratio == Approx(1.0293186809789912));
  CHECK(paired.result == verdict::regression);
  const auto j = json::parse(text_of(diff, "json"));
  gbench_test::check_schema(j, "comparison");
  CHECK(j["options"]["paired"] == true);
  CHECK(j["rows"][0]["comparison"]["design"] == "rounds");

  // A side with a run fewer cannot be paired: the test falls back to Welch's and says so.
  const auto uneven = compare(side(base_levels, 5), side(cand_levels, 4), o).rows.front();
  CHECK_FALSE((uneven.comparison->design == gbench::record::design::rounds));
  CHECK_THAT(uneven.note, Contains("not paired (5 vs 4 runs"));
}

TEST_CASE("metrics: throughput is better higher, and a tail that rises while the rest gets faster is not a regression",
          "[regression]") {
  gbench::compare::diff_options o;
  o.what = metric::throughput;
  const auto tp = compare_one(spread(30, 100e3, 1), spread(30, 110e3, 2), o);
  CHECK(tp.comparison->baseline_value > tp.comparison->candidate_value);
  CHECK(tp.comparison->ratio == Approx(1 / 1.1).epsilon(0.03));
  CHECK(tp.result == verdict::regression);
  REQUIRE(tp.comparison->ratio_low);
  CHECK(*tp.comparison->ratio_high < 1.0);

  // The candidate is faster almost everywhere but its slowest forwards are much slower.
  auto base = spread(100, 100e3, 1);
  auto cand = spread(100, 90e3, 2);
  for (int i = 0; i < 5; ++i) {
    cand[static_cast<std::size_t>(i)] = 200e3;
  }
  o.what = metric::p99;
  const auto tail = compare_one(base, cand, o);
  CHECK(tail.comparison->ratio > 1.5);
  CHECK(tail.comparison->significant);
  CHECK(tail.comparison->z_samples < 0);
  CHECK(tail.result == verdict::unchanged);
  CHECK_THAT(tail.note, Contains("p99 rose") && Contains("got faster"));
  REQUIRE(tail.comparison->ratio_low); // a bootstrap of the processes' own p99
  CHECK(*tail.comparison->ratio_low > 1.0);
  CHECK(compare_one(base, cand, {}).result == verdict::improvement);
}

TEST_CASE("mismatched set-ups are refused, naming what differs", "[regression]") {
  const auto base = report({run("default", {result(8, spread(30, 100e3, 1))})});
  struct change {
    std::string key;
    std::function<void(json&)> apply;
    std::string message;
  };
  const std::vector<change> changes{
      {"model.hidden", [](json& j) { j["model"]["hidden"] = {256}; }, "model.hidden is [128,344] in the baseline but [256] in the candidate"},
      {"model.input_shape", [](json& j) { j["model"]["input_shape"] = {64, 64}; }, "model.input_shape is [16,16]"},
      {"model.outputs", [](json& j) { j["model"]["outputs"] = 11; }, "model.outputs is 10 in the baseline but 11"},
      {"libtorch.version", [](json& j) { j["runs"][0]["libtorch"]["version"] = "2.12.0"; }, "libtorch.version is 2.13.0 in the baseline but 2.12.0"},
      {"libtorch.blas", [](json& j) { j["runs"][0]["libtorch"]["blas"] = "openblas"; }, "libtorch.blas is mkl"},
      {"libtorch.acl", [](json& j) { j["runs"][0]["libtorch"]["acl"] = true; }, "libtorch.acl is false in the baseline but true"},
      {"libtorch.onednn_version", [](json& j) { j["runs"][0]["libtorch"]["onednn_version"] = "3.7.1"; }, "libtorch.onednn_version is 3.12.0"},
      {"host.cpu_model", [](json& j) { j["context"]["host"]["cpu_model"] = "Neoverse-N1"; }, "host.cpu_model is Neoverse-V1 in the baseline but Neoverse-N1"},
      {"host.arch", [](json& j) { j["context"]["host"]["arch"] = "x86_64"; }, "host.arch is aarch64"},
  };
  for (const auto& c : changes) {
    INFO(c.key);
    json cand = base;
    c.apply(cand);
    try {
      (void)compare(base, cand);
      FAIL("a mismatch was accepted");
    } catch (const gbench::mismatch_error& e) {
      CHECK(e.code() == gbench::exit_code::context_mismatch);
      CHECK_THAT(e.what(), Contains("base.json and new.json") && Contains(c.message) && Contains("--allow-mismatch"));
    }
    gbench::compare::diff_options o;
    o.allow_mismatch = true;
    const auto r = compare(base, cand, o);
    REQUIRE(r.differences.size() == 1);
    CHECK(r.differences[0].key == c.key);
    CHECK_THAT(text_of(r, "table"), Contains("set-ups differ (allowed by --allow-mismatch): " + c.key));
  }
  // What may differ: the model's name, the date, the tool's version, the settings.
  json other = base;
  other["model"]["name"] = "renamed";
  other["context"]["tool"]["version"] = "0.2.0";
  other["settings"]["iterations"] = 100;
  CHECK(compare(base, other).differences.empty());
}

TEST_CASE("with several runs a side, a difference between processes is not taken for one between builds",
          "[regression]") {
  // Each process's samples share its luck: on a shared 2-core VM one process in three or so ran the tiny
  // model ~50% slower throughout. Six runs a side; the candidate drew three slow processes, the baseline one.
  auto side = [](int slow_runs, double factor, std::uint64_t seed) {
    std::vector<json> runs;
    for (int i = 0; i < 6; ++i) {
      const double center = (i < slow_runs ? 60e3 : 40e3) * factor;
      runs.push_back(run("default", {result(8, spread(200, center, seed + static_cast<std::uint64_t>(i)))}, i + 1));
    }
    return report(runs);
  };
  const auto aa = compare(side(1, 1.0, 10), side(3, 1.0, 20));
  const auto& row = aa.rows.front();
  CHECK(row.repetitions_baseline == 6);
  CHECK(row.comparison->p_value_samples < 1e-10); // the raw samples "differ"
  REQUIRE(row.comparison->p_value);
  CHECK(*row.comparison->p_value > 0.05);
  CHECK_FALSE(row.comparison->significant);
  CHECK(row.result == verdict::unchanged);
  CHECK_THAT(row.note, Contains("would detect >= "));
  CHECK_THAT(text_of(aa, "table"), Contains("decided by Yuen's 20%-trimmed t on log process estimates (6 vs 6 processes)") &&
                                       Contains("6 / 6"));

  // A real slowdown of every process is seen by both tests.
  const auto ab = compare(side(1, 1.0, 10), side(1, 1.5, 20));
  REQUIRE(ab.rows.front().comparison->p_value);
  CHECK(*ab.rows.front().comparison->p_value < 0.05);
  CHECK(ab.rows.front().result == verdict::regression);

  // Three runs a side are enough for a change this large and consistent.
  const auto few = compare(report({run("default", {result(8, spread(50, 40e3, 1))}, 1), run("default", {result(8, spread(50, 40e3, 2))}, 2),
                                   run("default", {result(8, spread(50, 40e3, 3))}, 3)}),
                           report({run("default", {result(8, spread(50, 48e3, 4))}, 1), run("default", {result(8, spread(50, 48e3, 5))}, 2),
                                   run("default", {result(8, spread(50, 48e3, 6))}, 3)}));
  REQUIRE(few.rows.front().comparison->p_value);
  CHECK(*few.rows.front().comparison->p_value < 0.05);
  CHECK(few.rows.front().result == verdict::regression);
}

TEST_CASE("failed runs and batches are reported as such", "[regression]") {
  const auto ok = run("default", {result(8, spread(30, 100e3, 1)), result(4, spread(30, 60e3, 2))});
  json failed_batch = ok;
  failed_batch["results"][1] = {{"batch", 4}, {"status", "failed"}, {"error", "out of memory"}};
  json failed_run = {{"preset", {{"name", "default"}}}, {"status", "failed"}, {"error", "the process was killed by SIGKILL"},
                     {"libtorch", json::object()}, {"results", json::array()}};

  const auto in_candidate = compare(report({ok}, {8, 4}), report({failed_batch}, {8, 4}));
  REQUIRE(in_candidate.rows.size() == 2);
  CHECK(in_candidate.rows[0].result == verdict::inconclusive); // one run a side
  CHECK(in_candidate.rows[1].result == verdict::failed_in_candidate);
  CHECK_FALSE(in_candidate.rows[1].measured());
  CHECK_THAT(in_candidate.rows[1].note, Contains("out of memory"));
  CHECK(in_candidate.regressed());
  CHECK(in_candidate.geomean_count == 1);
  CHECK_THAT(text_of(in_candidate, "table"), Contains("failed in candidate") && Contains("default @ 4: failed in the candidate: out of memory"));

  const auto in_baseline = compare(report({failed_batch}, {8, 4}), report({ok}, {8, 4}));
  CHECK(in_baseline.rows[1].result == verdict::failed_in_baseline);
  CHECK_FALSE(in_baseline.regressed());

  // A process that died wrote no result: every planned batch failed with it.
  const auto died = compare(report({ok}, {8, 4}), report({failed_run}, {8, 4}));
  REQUIRE(died.rows.size() == 2);
  for (const auto& row : died.rows) {
    CHECK(row.result == verdict::failed_in_candidate);
    CHECK_THAT(row.note, Contains("SIGKILL"));
  }
  CHECK_FALSE(died.geomean_ratio);
  CHECK_THAT(text_of(died, "table"), Contains("geomean"));
  const auto both = compare(report({failed_run}, {8, 4}), report({failed_run}, {8, 4}));
  CHECK(both.rows[0].result == verdict::failed_in_both);
  CHECK_FALSE(both.regressed());
}

TEST_CASE("pairs on one side only are listed, and no pair in common is an error", "[regression]") {
  const auto base = report({run("default", {result(8, spread(30, 100e3, 1))}), run("bf16", {result(8, spread(30, 90e3, 1))})});
  const auto cand = report({run("default", {result(8, spread(30, 100e3, 2)), result(2, spread(30, 20e3, 2))})}, {8, 2});
  const auto r = compare(base, cand);
  CHECK(r.rows.size() == 1);
  CHECK(r.only_in_baseline == std::vector<std::string>{"bf16 @ 8"});
  CHECK(r.only_in_candidate == std::vector<std::string>{"default @ 2"});
  CHECK_THAT(text_of(r, "table"), Contains("only in the baseline, not compared: bf16 @ 8"));

  const auto elsewhere = report({run("thp", {result(8, spread(30, 100e3, 1))})});
  CHECK_THROWS_AS(compare(base, elsewhere), gbench::report_error);
  CHECK_THROWS_WITH(compare(base, elsewhere), Contains("no (preset, batch) in common") && Contains("default @ 8, bf16 @ 8"));
}

TEST_CASE("the geometric mean summarises the ratios", "[regression]") {
  const auto base = report({run("default", {result(8, std::vector<double>(10, 100.0)), result(4, std::vector<double>(10, 100.0))})}, {8, 4});
  const auto cand = report({run("default", {result(8, std::vector<double>(10, 121.0)), result(4, std::vector<double>(10, 100.0))})}, {8, 4});
  const auto r = compare(base, cand);
  REQUIRE(r.geomean_ratio);
  CHECK(*r.geomean_ratio == Approx(1.1));
  CHECK(r.geomean_count == 2);
  CHECK_THAT(text_of(r, "table"), Contains("geomean") && Contains("+10.0%"));
}

TEST_CASE("A/A on recorded samples: processes that ran apart are not a regression, a slowed candidate is",
          "[regression]") {
  // Recorded with scripts/ci-regression on a shared 2-vCPU VM (tests/data/recorded): 6 rounds a side, ABBA, of
  // tiny-mlp at batch 8, 200 timed forwards each, one thread. aa: the same build on both sides; ab: the
  // candidate spins 40 us more in every timed forward (GBENCH_TEST_DELAY_US, test-only). Whole processes of
  // one build ran apart there, so the A/A samples differ (p ~ 1e-16): the test across runs is what keeps that
  // from being called a regression. Recorded samples, so the verdict cannot hinge on this machine's load.
  const std::filesystem::path data = std::filesystem::path(GBENCH_TEST_DATA) / "recorded";
  auto side = [&](const char* pair, const char* name) {
    std::vector<gbench::compare::stored_report> reports;
    for (int round = 1; round <= 6; ++round) {
      reports.push_back(gbench::compare::load_stored_report(data / pair / fmt::format("{}-{}.json", name, round)));
    }
    return gbench::compare::pool_reports(reports, false);
  };
  gbench::compare::diff_options o;
  o.alpha = 0.01;
  const auto aa = gbench::compare::diff_reports(side("aa", "baseline"), side("aa", "candidate"), o);
  REQUIRE(aa.rows.size() == 1);
  const auto& same = aa.rows.front();
  CHECK(same.repetitions_baseline == 6);
  CHECK(same.comparison->samples_candidate == 1200);
  CHECK(same.comparison->p_value_samples < o.alpha); // the trap is in the data: the raw samples "differ"
  REQUIRE(same.comparison->p_value);
  CHECK(*same.comparison->p_value > o.alpha);
  CHECK(same.result == verdict::unchanged);
  CHECK_FALSE(aa.regressed());
  CHECK_THAT(same.note, Contains("would detect >= "));

  const auto ab = gbench::compare::diff_reports(side("ab", "baseline"), side("ab", "candidate"), o);
  const auto& slowed = ab.rows.front();
  CHECK(slowed.result == verdict::regression);
  CHECK(slowed.comparison->ratio > 1.3);
  REQUIRE(slowed.comparison->p_value);
  CHECK(*slowed.comparison->p_value < o.alpha);
  CHECK(ab.regressed());
}

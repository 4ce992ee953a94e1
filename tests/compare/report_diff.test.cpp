// Comparing two reports (graviton-bench compare), exporting one as Google Benchmark JSON (export), and the
// CI job around them (scripts/ci-regression): unit tests on fixed samples, then end-to-end runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "gbench/compare/report_diff.hpp"
#include "gbench/error.hpp"
#include "gbench/report/google_benchmark.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/compare/stored_report.hpp"
#include "gbench/util/files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using gbench::compare::metric;
using verdict = gbench::compare::outcome;
using json = nlohmann::json;

namespace {

// n values spread over center * [0.9, 1.1]: one in each of n equal strata, jittered within it by a fixed LCG
// (the same on every platform), so that the median is center within 0.2/n and two seeds give two draws.
std::vector<double> spread(std::size_t n, double center, std::uint64_t seed) {
  std::uint64_t x = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double jitter = static_cast<double>(x >> 11U) * 0x1.0p-53;
    out.push_back(std::round(center * (0.9 + 0.2 * (static_cast<double>(i) + jitter) / static_cast<double>(n))));
  }
  return out;
}

json result(std::int64_t batch, const std::vector<double>& samples) {
  return {{"batch", batch}, {"status", "ok"}, {"samples_ns", samples}};
}

json run(const std::string& preset, std::vector<json> results, int repetition = 1) {
  return {{"preset", {{"name", preset}, {"env", json::object()}}},
          {"repetition", repetition},
          {"status", "ok"},
          {"libtorch", {{"version", "2.13.0"}, {"blas", "mkl"}, {"acl", false}, {"onednn_version", "3.12.0"}}},
          {"results", std::move(results)}};
}

// A report as graviton-bench writes it, cut down to what compare and export read (and a little more).
json report(std::vector<json> runs, std::vector<std::int64_t> batches = {8}) {
  return {{"schema", "graviton-bench-report"},
          {"schema_version", 1},
          {"context",
           {{"tool", {{"name", "graviton-bench"}, {"version", "0.1.0"}, {"git_sha", "abc"}}},
            {"date", "2026-11-25T12:00:00Z"},
            {"host", {{"arch", "aarch64"}, {"cpu_model", "Neoverse-V1"}, {"cores", 2}}}}},
          {"model", {{"name", "tiny-mlp"}, {"input_shape", {16, 16}}, {"hidden", {128, 344}}, {"outputs", 10}}},
          {"settings", {{"batches", batches}, {"warmup", 5}, {"iterations", 30}}},
          {"runs", std::move(runs)}};
}

gbench::compare::stored_report stored(const json& j, const std::string& name = "r.json") {
  return gbench::compare::parse_stored_report(j.dump(), name);
}

gbench::compare::report_diff compare(const json& base, const json& cand, gbench::compare::diff_options o = {}) {
  return gbench::compare::diff_reports(stored(base, "base.json"), stored(cand, "new.json"), o);
}

// The samples dealt round-robin to five runs of `preset`, each scaled by its own luck, as processes on a shared
// machine are: run i takes (1 + luck * (i - 2)) times as long.
std::vector<json> runs_of(const std::string& preset, const std::vector<double>& samples, double luck = 0.01) {
  constexpr int processes = 5;
  std::vector<json> out;
  for (int i = 0; i < processes; ++i) {
    std::vector<double> mine;
    for (std::size_t k = static_cast<std::size_t>(i); k < samples.size(); k += processes) {
      mine.push_back(std::round(samples[k] * (1.0 + luck * (i - 2))));
    }
    out.push_back(run(preset, {result(8, mine)}, i + 1));
  }
  return out;
}

// One (default, 8) on each side with these samples, measured by five processes a side.
gbench::compare::diff_row compare_one(const std::vector<double>& base, const std::vector<double>& cand,
                                      gbench::compare::diff_options o = {}, double luck = 0.01) {
  const auto r = compare(report(runs_of("default", base, luck)), report(runs_of("default", cand, luck)), o);
  REQUIRE(r.rows.size() == 1);
  return r.rows.front();
}

std::string text_of(const gbench::compare::report_diff& r, const std::string& format) {
  std::ostringstream out;
  gbench::report::make_diff_reporter(format)->write(r, out);
  return out.str();
}

} // namespace

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

TEST_CASE("repetitions of a preset are pooled, and several reports of a side too", "[regression]") {
  const auto base = report({run("default", {result(8, spread(20, 100e3, 1))}, 1),
                            run("bf16", {result(8, spread(20, 90e3, 5))}, 1),
                            run("default", {result(8, spread(20, 100e3, 2))}, 2)});
  // A stored report is read as the run wrote it: processes intact, each with its round.
  const auto s = stored(base);
  REQUIRE(s.report.runs.size() == 3);
  CHECK(s.report.runs[2].repetition == 2);
  CHECK(s.report.runs[2].batches[0].samples_ns.size() == 20);

  // Pooled, the second report's rounds follow the first's; the comparison sees every process.
  const auto pooled = gbench::compare::pool_reports({stored(base, "a1.json"), stored(base, "a2.json")}, false);
  CHECK(pooled.name == "a1.json + a2.json");
  REQUIRE(pooled.report.runs.size() == 6);
  CHECK(pooled.report.runs[5].repetition == 4);
  const auto diff = gbench::compare::diff_reports(pooled, pooled, {});
  REQUIRE(diff.rows.size() == 2);
  CHECK(diff.rows[0].preset == "default");
  CHECK(diff.rows[0].repetitions_baseline == 4);
  CHECK(diff.rows[0].comparison->samples_baseline == 80);
  CHECK(diff.rows[0].comparison->processes_baseline == 4);
  CHECK(diff.rows[1].preset == "bf16");
  json other_host = base;
  other_host["context"]["host"]["cpu_model"] = "Neoverse-N1";
  CHECK_THROWS_AS(gbench::compare::pool_reports({stored(base, "a1.json"), stored(other_host, "a2.json")}, false),
                  gbench::mismatch_error);
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

TEST_CASE("compare formats: table, markdown for a pull request, json", "[regression]") {
  auto side = [](double at8, std::uint64_t seed) {
    std::vector<json> runs;
    for (int i = 0; i < 3; ++i) {
      const auto s = seed + static_cast<std::uint64_t>(10 * i);
      runs.push_back(run("default", {result(8, spread(30, at8, s)), result(4, spread(30, 50e3, s + 1))}, i + 1));
    }
    return report(runs, {8, 4});
  };
  const auto base = side(100e3, 1);
  const auto cand = side(120e3, 2);
  const auto r = compare(base, cand);
  const auto table = text_of(r, "table");
  CHECK_THAT(table, Contains("baseline   base.json") && Contains("candidate  new.json") && Contains("regression") &&
                        Contains("unchanged") && Contains("decided by Welch's t") && Contains("95% CI") &&
                        Contains("result: REGRESSION (1 regression, 1 unchanged)"));
  const auto md = text_of(r, "markdown");
  CHECK_THAT(md, Contains("### graviton-bench: ❌ REGRESSION") && Contains("| preset | batch | baseline |") &&
                     Contains("| :--- | ---: |") && Contains("**regression**") && Contains("| **geomean** |") &&
                     Contains("<details>"));
  const auto j = json::parse(text_of(r, "json"));
  gbench_test::check_schema(j, "comparison");
  CHECK(j["schema"] == "graviton-bench-comparison");
  CHECK(j["regressed"] == true);
  CHECK(j["counts"]["regression"] == 1);
  CHECK(j["rows"][0]["verdict"] == "regression");
  CHECK(j["rows"][0]["comparison"]["p_value"].get<double>() < 0.05);
  CHECK(j["rows"][0]["comparison"]["design"] == "independent");
  CHECK(j["options"]["metric"] == "median");
  const auto fine = compare(base, base);
  CHECK_THAT(text_of(fine, "markdown"), Contains("✅ no regression"));
  CHECK_THROWS_WITH(text_of(r, "yaml"), Contains("unknown format 'yaml'"));
  CHECK_THROWS_AS(gbench::compare::parse_metric("mean"), gbench::input_error);
  gbench::compare::diff_options bad;
  bad.alpha = 1.5;
  CHECK_THROWS_WITH(compare(base, cand, bad), Contains("--alpha"));
}

TEST_CASE("corrupt, truncated or wrong-schema reports are refused, naming the file", "[regression]") {
  const std::string good = report({run("default", {result(8, spread(5, 100e3, 1))})}).dump(2);
  auto with = [&](const std::function<void(json&)>& f) {
    json j = json::parse(good);
    f(j);
    return j.dump();
  };
  struct bad_case {
    std::string what;
    std::string text;
    std::string message;
  };
  const std::vector<bad_case> cases{
      {"empty", "", "the file is empty"},
      {"blank", "  \n", "the file is empty"},
      {"truncated", good.substr(0, good.size() / 2), "malformed JSON (the file ends too early: truncated?)"},
      {"not JSON", "schema: graviton\n", "bad.json:1:1: malformed JSON"},
      {"array", "[1, 2]", "expected an object, found array"},
      {"other schema", with([](json& j) { j["schema"] = "something-else"; }), "\"something-else\" is not a graviton-bench report"},
      {"no schema", with([](json& j) { j.erase("schema"); }), "missing key 'schema'"},
      {"newer", with([](json& j) { j["schema_version"] = 3; }), "schema_version: 3 is newer than this graviton-bench reads"},
      {"version type", with([](json& j) { j["schema_version"] = "1"; }), "schema_version: expected a whole number, found string"},
      {"no runs", with([](json& j) { j.erase("runs"); }), "missing key 'runs'"},
      {"empty runs", with([](json& j) { j["runs"] = json::array(); }), "runs: holds no result"},
      {"runs type", with([](json& j) { j["runs"] = 3; }), "runs: expected an array, found number 3"},
      {"no host", with([](json& j) { j["context"].erase("host"); }), "context: missing key 'host'"},
      {"hidden type", with([](json& j) { j["model"]["hidden"] = "128"; }), "model.hidden: expected an array"},
      {"sample text", with([](json& j) { j["runs"][0]["results"][0]["samples_ns"][2] = "fast"; }),
       "runs[0].results[0].samples_ns[2]: expected a positive number of nanoseconds, found string \"fast\""},
      {"sample negative", with([](json& j) { j["runs"][0]["results"][0]["samples_ns"][0] = -5; }),
       "runs[0].results[0].samples_ns[0]: expected a positive number"},
      {"no samples", with([](json& j) { j["runs"][0]["results"][0].erase("samples_ns"); }),
       "runs[0].results[0]: missing key 'samples_ns'"},
      {"status", with([](json& j) { j["runs"][0]["status"] = "maybe"; }), "runs[0].status: expected \"ok\" or \"failed\""},
      {"batch", with([](json& j) { j["runs"][0]["results"][0]["batch"] = 0; }), "runs[0].results[0].batch: 0 is not a batch size"},
      {"preset name", with([](json& j) { j["runs"][0]["preset"].erase("name"); }), "runs[0].preset: missing key 'name'"},
      {"google benchmark", R"({"context": {}, "benchmarks": []})", "this is Google Benchmark JSON"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    try {
      (void)gbench::compare::parse_stored_report(c.text, "bad.json");
      FAIL("accepted");
    } catch (const gbench::report_error& e) {
      CHECK(e.code() == gbench::exit_code::unusable_report);
      CHECK_THAT(e.what(), Contains("bad.json") && Contains(c.message));
    }
  }
  gbench::util::temp_dir dir;
  CHECK_THROWS_WITH(gbench::compare::load_stored_report(dir.path() / "missing.json"), Contains("missing.json: no such file"));
  CHECK_THROWS_WITH(gbench::compare::load_stored_report(dir.path()), Contains("is a directory"));
  std::ofstream(dir.path() / "empty.json").flush();
  CHECK_THROWS_WITH(gbench::compare::load_stored_report(dir.path() / "empty.json"), Contains("empty.json: the file is empty"));
}

TEST_CASE("export as Google Benchmark JSON: one benchmark per (preset, batch), one repetition per sample", "[regression]") {
  json failed = {{"batch", 4}, {"status", "failed"}, {"error", "out of memory"}};
  const auto r = stored(report({run("default", {result(8, {100, 200, 300}), failed}), run("bf16", {result(8, {50, 60})}),
                                run("default", {result(8, {400}), result(4, {10})}, 2)},
                               {8, 4}),
                        "r.json");
  const auto g = gbench::report::to_google_benchmark_json(r);
  CHECK(g["context"]["executable"] == "graviton-bench");
  CHECK(g["context"]["num_cpus"] == 2);
  CHECK(g["context"]["graviton_bench"]["libtorch"] == "2.13.0");
  const auto& b = g["benchmarks"];
  std::map<std::string, std::vector<json>> by_name;
  for (const auto& e : b) {
    by_name[e["name"].get<std::string>()].push_back(e);
  }
  // The repetitions of default @ 8 are pooled: 4 samples.
  const auto& d8 = by_name["tiny-mlp/default/batch:8"];
  REQUIRE(d8.size() == 4);
  for (std::size_t i = 0; i < d8.size(); ++i) {
    CHECK(d8[i]["run_type"] == "iteration");
    CHECK(d8[i]["repetition_index"] == i);
    CHECK(d8[i]["repetitions"] == 4);
    CHECK(d8[i]["iterations"] == 1);
    CHECK(d8[i]["time_unit"] == "ns");
    CHECK(d8[i]["real_time"] == d8[i]["cpu_time"]);
    CHECK(d8[i]["family_index"] == 0);
    CHECK(d8[i]["per_family_instance_index"] == 0);
  }
  CHECK(d8[3]["real_time"] == 400);
  CHECK(d8[0]["items_per_second"].get<double>() == Approx(8e9 / 100));
  CHECK(by_name["tiny-mlp/default/batch:8_mean"].at(0)["real_time"].get<double>() == Approx(250));
  CHECK(by_name["tiny-mlp/default/batch:8_median"].at(0)["real_time"].get<double>() == Approx(250));
  CHECK(by_name["tiny-mlp/default/batch:8_median"].at(0)["run_type"] == "aggregate");
  CHECK(by_name["tiny-mlp/default/batch:8_median"].at(0)["aggregate_name"] == "median");
  CHECK(by_name["tiny-mlp/default/batch:8_cv"].at(0)["aggregate_unit"] == "percentage");
  CHECK(by_name.count("tiny-mlp/default/batch:8_stddev") == 1);
  CHECK(by_name.count("tiny-mlp/default/batch:8_p99") == 1);
  // A batch that failed in one repetition is a failed benchmark, as Google Benchmark writes SkipWithError.
  const auto& d4 = by_name["tiny-mlp/default/batch:4"];
  REQUIRE(d4.size() == 1);
  CHECK(d4[0]["error_occurred"] == true);
  CHECK(d4[0]["error_message"] == "out of memory");
  CHECK(d4[0]["per_family_instance_index"] == 1);
  const auto& bf = by_name["tiny-mlp/bf16/batch:8"];
  REQUIRE(bf.size() == 2);
  CHECK(bf[0]["family_index"] == 1);
}

// ---- end to end: the binary, the script, google/benchmark's compare.py ----------------------------------

namespace {

using gbench_test::run_cli;
using gbench_test::run_program;

std::string write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

const std::string script = (std::filesystem::path(GBENCH_CONFIGS).parent_path() / "scripts" / "ci-regression").string();

// A real run of the tiny model: one preset, one batch, the timed loop long enough that a process's median
// does not hinge on one moment of the machine's load.
std::vector<std::string> tiny_run(const std::string& json_path, int iters) {
  return {"--model", "tiny-mlp", "--batch", "8", "--preset", "default", "--warmup", "50", "--iters",
          std::to_string(iters), "--threads", "1", "--no-profile", "--json", json_path};
}

} // namespace

TEST_CASE("compare: exit codes and messages", "[regression][cli][sanitizers]") {
  gbench::util::temp_dir dir;
  const auto base_json = report(runs_of("default", spread(30, 100e3, 1)));
  const auto base = write(dir.path() / "base.json", base_json.dump());
  const auto same = write(dir.path() / "same.json", report(runs_of("default", spread(30, 100e3, 2))).dump());
  const auto slow = write(dir.path() / "slow.json", report(runs_of("default", spread(30, 120e3, 2))).dump());
  const auto single = write(dir.path() / "single.json", report({run("default", {result(8, spread(30, 100e3, 1))})}).dump());
  json other = base_json;
  other["context"]["host"]["cpu_model"] = "Neoverse-N1";
  const auto elsewhere = write(dir.path() / "elsewhere.json", other.dump());
  const auto truncated = write(dir.path() / "truncated.json", base_json.dump().substr(0, 200));

  const auto ok = run_cli({"compare", base, same});
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.stdout_text, Contains("unchanged") && Contains("result: no regression"));
  const auto regressed = run_cli({"compare", base, slow, "--format", "markdown"});
  CHECK(regressed.exit_code == 10);
  CHECK_THAT(regressed.stdout_text, Contains("❌ REGRESSION") && Contains("| default | 8 |"));
  CHECK(run_cli({"compare", base, slow, "--threshold", "25"}).exit_code == 0);
  CHECK(run_cli({"compare", base, slow, "--metric", "throughput", "--format", "json"}).exit_code == 10);
  CHECK(run_cli({"compare", base, slow, "--alpha", "1e-30"}).exit_code == 0);

  // One run a side cannot tell a change from process luck: inconclusive, with the command that would decide.
  const auto one_run = run_cli({"compare", single, slow});
  CHECK(one_run.exit_code == 13);
  CHECK_THAT(one_run.stdout_text, Contains("inconclusive: 1 vs 5 runs a side") && Contains("measure again: "));

  const auto mismatch = run_cli({"compare", base, elsewhere});
  CHECK(mismatch.exit_code == 12);
  CHECK_THAT(mismatch.stderr_tail, Contains("error: ") && Contains("host.cpu_model is Neoverse-V1 in the baseline but Neoverse-N1"));
  CHECK(mismatch.stdout_text.empty());
  const auto allowed = run_cli({"compare", base, elsewhere, "--allow-mismatch"});
  CHECK(allowed.exit_code == 0);
  CHECK_THAT(allowed.stdout_text, Contains("set-ups differ"));

  const auto corrupt = run_cli({"compare", base, truncated});
  CHECK(corrupt.exit_code == 11);
  CHECK_THAT(corrupt.stderr_tail, Contains("truncated.json:") && Contains("truncated?"));
  const auto missing = run_cli({"compare", (dir.path() / "nope.json").string(), base});
  CHECK(missing.exit_code == 11);
  CHECK_THAT(missing.stderr_tail, Contains("nope.json: no such file"));
  CHECK(run_cli({"export", truncated}).exit_code == 11);

  CHECK(run_cli({"compare", base}).exit_code == 2);
  CHECK(run_cli({"compare", base, same, "--alpha", "0"}).exit_code == 2);
  CHECK(run_cli({"compare", base, same, "--threshold", "-1"}).exit_code == 2);
  CHECK_THAT(run_cli({"compare", base, same, "--metric", "mean"}).stderr_tail, Contains("unknown metric 'mean'"));
  CHECK(run_cli({"compare", base, same, "--format", "csv"}).exit_code == 3);
  CHECK(run_cli({"export", base, "--format", "csv"}).exit_code == 3);
  // Pooled rounds: --baseline and --candidate add reports to a side.
  const auto pooled = run_cli({"compare", base, same, "--baseline", same, "--candidate", base, "--format", "json"});
  CHECK(pooled.exit_code == 0);
  CHECK(json::parse(pooled.stdout_text)["rows"][0]["comparison"]["samples"][0] == 60);
  gbench_test::check_schema(json::parse(pooled.stdout_text), "comparison");
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

TEST_CASE("ci-regression runs both builds in rounds and writes every output", "[regression][e2e]") {
  // The job's plumbing only: which verdict two short runs of one build get depends on the machine's load. The
  // candidate is slowed by a share of its own forward's time, so that it is slower in any build (Release or the
  // sanitizers' Debug build alike), not by a fixed time that a slow build's noise would drown.
  gbench::util::temp_dir dir;
  const auto out = dir.path() / "aa";
  const auto r = run_program({script, "--baseline-bin", GBENCH_BINARY, "--candidate-bin", GBENCH_BINARY, "--rounds", "2",
                           "--schedule", "rounds",
                           "--candidate-env", "GBENCH_TEST_DELAY_PERCENT=50", "--out", out.string(), "--", "--model",
                           "tiny-mlp", "--batch", "8", "--preset", "default", "--warmup", "5", "--iters", "30",
                           "--threads", "1", "--no-profile"});
  INFO(r.stdout_text << r.stderr_tail);
  CHECK((r.exit_code == 0 || r.exit_code == 10));
  CHECK_THAT(r.stdout_text, Contains("2 / 2") && Contains("decided by paired t on 2 rounds") && Contains("result: "));
  const auto comparison = json::parse(gbench::util::read_text_file(out / "comparison.json"));
  gbench_test::check_schema(comparison, "comparison");
  CHECK(comparison["regressed"] == (r.exit_code == 10));
  CHECK_THAT(gbench::util::read_text_file(out / "comparison.md"), Contains("### graviton-bench:"));
  for (int round = 1; round <= 2; ++round) {
    for (const char* side : {"baseline", "candidate"}) {
      const auto report = out / fmt::format("{}-{}.json", side, round);
      REQUIRE(std::filesystem::exists(report));
      gbench_test::check_schema(json::parse(gbench::util::read_text_file(report)), "report");
    }
  }
}

TEST_CASE("ci-regression runs both builds side by side in lockstep by default and compares them cycle by cycle",
          "[regression][e2e][lockstep]") {
  gbench::util::temp_dir dir;
  const auto out = dir.path() / "ls";
  const auto r = run_program({script, "--baseline-bin", GBENCH_BINARY, "--candidate-bin", GBENCH_BINARY, "--rounds", "2",
                              "--candidate-env", "GBENCH_TEST_DELAY_PERCENT=50", "--out", out.string(), "--", "--model",
                              "tiny-mlp", "--batch", "8", "--preset", "default", "--warmup", "5", "--threads", "1",
                              "--no-profile", "--turn-ms", "5", "--cycles", "4"});
  INFO(r.stdout_text << r.stderr_tail);
  CHECK((r.exit_code == 0 || r.exit_code == 10));
  CHECK_THAT(r.stdout_text, Contains("decided by t across 2 process sets") &&
                                Contains("the builds of one lockstep run, paired by process set and cycle"));
  const auto comparison = json::parse(gbench::util::read_text_file(out / "comparison.json"));
  gbench_test::check_schema(comparison, "comparison");
  CHECK(comparison["rows"][0]["comparison"]["design"] == "lockstep");
  for (const char* side : {"baseline", "candidate"}) {
    const auto report = json::parse(gbench::util::read_text_file(out / fmt::format("{}.json", side)));
    gbench_test::check_schema(report, "report");
    CHECK(report["settings"]["schedule"] == "lockstep");
    REQUIRE(report["runs"].size() == 2); // one worker of this build in each of two process sets
    CHECK(report["runs"][0]["build"] == side);
  }
}

TEST_CASE("ci-regression reads stored reports and passes compare's verdict on", "[regression][cli]") {
  gbench::util::temp_dir dir;
  const auto base = write(dir.path() / "base.json", report(runs_of("default", spread(30, 100e3, 1))).dump());
  const auto slow = write(dir.path() / "slow.json", report(runs_of("default", spread(30, 120e3, 2))).dump());
  const auto bad = write(dir.path() / "bad.json", "{");
  const std::vector<std::string> tail{"--compare-bin", GBENCH_BINARY, "--out", (dir.path() / "out").string()};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), script);
    args.insert(args.end(), tail.begin(), tail.end());
    return run_program(args);
  };
  CHECK(with({"--baseline-report", base, "--candidate-report", base}).exit_code == 0);
  const auto regressed = with({"--baseline-report", base, "--candidate-report", slow});
  CHECK(regressed.exit_code == 10);
  CHECK_THAT(regressed.stdout_text, Contains("result: REGRESSION"));
  CHECK_THAT(gbench::util::read_text_file(dir.path() / "out" / "comparison.md"), Contains("| default | 8 |"));
  // The HTML page beside it (scripts/report): the table and the change chart, inline.
  CHECK_THAT(gbench::util::read_text_file(dir.path() / "out" / "comparison.html"),
             Contains("<svg") && Contains("REGRESSION") && Contains("<td>default</td>"));
  CHECK(with({"--baseline-report", base, "--candidate-report", slow, "--threshold", "30"}).exit_code == 0);
  CHECK(with({"--baseline-report", bad, "--candidate-report", slow}).exit_code == 11);
  CHECK(with({"--candidate-report", slow}).exit_code == 2);
}

TEST_CASE("export --format gbench feeds google/benchmark's compare.py unchanged", "[regression][e2e][gbench][sanitizers]") {
  const std::filesystem::path compare_py = "/usr/share/benchmark/compare.py";
  if (!std::filesystem::exists(compare_py)) {
    WARN("NOT TESTED: " << compare_py << " is missing; install Debian's libbenchmark-tools (scripts/setup does)");
    return;
  }
  // compare.py needs SciPy and NumPy: the first python3 that has them (PATH's, then Debian's).
  std::string python;
  for (const std::string candidate : {"python3", "/usr/bin/python3"}) {
    if (run_program({candidate, "-c", "import scipy.stats, numpy"}).exit_code == 0) {
      python = candidate;
      break;
    }
  }
  if (python.empty()) {
    WARN("NOT TESTED: no python3 with scipy and numpy for compare.py; install python3-scipy python3-numpy");
    return;
  }
  gbench::util::temp_dir dir;
  const auto p = [&](const char* name) { return (dir.path() / name).string(); };
  const auto sample_median = [](const std::string& stem) {
    const auto j = json::parse(gbench::util::read_text_file(stem + ".json"));
    auto v = j["runs"][0]["results"][0]["samples_ns"].get<std::vector<double>>();
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  REQUIRE(run_cli(tiny_run(p("a.json"), 30)).exit_code == 0);
  REQUIRE(run_cli(tiny_run(p("a2.json"), 30)).exit_code == 0);
  REQUIRE(run_cli(tiny_run(p("b.json"), 30), {"GBENCH_TEST_DELAY_PERCENT=100"}).exit_code == 0);
  for (const char* name : {"a", "a2", "b"}) {
    const auto r = run_cli({"export", "--format", "gbench", p((std::string(name) + ".json").c_str()), "-o",
                            p((std::string(name) + ".gb.json").c_str())});
    INFO(r.stderr_tail);
    REQUIRE(r.exit_code == 0);
  }
  const auto to_stdout = run_cli({"export", p("a.json")});
  CHECK(json::parse(to_stdout.stdout_text)["benchmarks"].size() == 30 + 6);

  for (const char* other : {"a2", "b"}) {
    INFO("a against " << other);
    const auto diff_path = p((std::string("diff-") + other + ".json").c_str());
    const auto py = run_program({python, compare_py.string(), "-a", "--no-color", "--dump_to_json", diff_path, "benchmarks",
                              p("a.gb.json"), p((std::string(other) + ".gb.json").c_str())});
    INFO(py.stdout_text << py.stderr_tail);
    REQUIRE(py.exit_code == 0);
    CHECK_THAT(py.stdout_text, Contains("tiny-mlp/default/batch:8_pvalue") && Contains("tiny-mlp/default/batch:8_median"));
    const auto ours = run_cli({"compare", p("a.json"), p((std::string(other) + ".json").c_str()), "--format", "json"});
    gbench_test::check_schema(json::parse(ours.stdout_text), "comparison");
    gbench_test::check_schema(json::parse(gbench::util::read_text_file(p((std::string(other) + ".json").c_str()))), "report");
    const auto mine = json::parse(ours.stdout_text)["rows"][0];
    const auto theirs = json::parse(gbench::util::read_text_file(diff_path));
    bool seen_test = false;
    bool seen_median = false;
    for (const auto& bench : theirs) {
      if (bench["name"] == "tiny-mlp/default/batch:8") {
        // compare.py's U test ran on the same 30 vs 30 samples, and agrees with ours.
        REQUIRE(bench["utest"].contains("time_pvalue"));
        CHECK(bench["utest"]["nr_of_repetitions"] == 30);
        CHECK(bench["utest"]["time_pvalue"].get<double>() == Approx(mine["comparison"]["p_value_samples"].get<double>()).epsilon(1e-6));
        seen_test = true;
      }
      if (bench["name"] == "tiny-mlp/default/batch:8_median") {
        // compare.py's change of the medians is that of the samples the reports hold.
        CHECK(bench["measurements"][0]["time"].get<double>() ==
              Approx(sample_median(p(other)) / sample_median(p("a")) - 1).epsilon(1e-9));
        seen_median = true;
      }
    }
    CHECK(seen_test);
    CHECK(seen_median);
    CHECK(ours.exit_code == 13); // one run a side: inconclusive, whatever the samples say
  }
}

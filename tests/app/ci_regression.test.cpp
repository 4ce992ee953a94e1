// scripts/ci-regression, the CI job around compare: both builds run in rounds or side by side in lockstep, or
// stored reports compared.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gbench/util/files.hpp"
#include "input_files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"
#include "stored_reports.hpp"

using Catch::Matchers::Contains;
using json = nlohmann::json;
using gbench_test::report;
using gbench_test::run_program;
using gbench_test::runs_of;
using gbench_test::spread;
using gbench_test::write;

namespace {

const std::string script = (std::filesystem::path(GBENCH_CONFIGS).parent_path() / "scripts" / "ci-regression").string();

} // namespace

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

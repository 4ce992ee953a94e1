// graviton-bench compare end to end: exit codes and messages (and export's, on the same reports).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/util/files.hpp"
#include "input_files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"
#include "stored_reports.hpp"

using Catch::Matchers::Contains;
using json = nlohmann::json;
using gbench_test::report;
using gbench_test::result;
using gbench_test::run;
using gbench_test::run_cli;
using gbench_test::runs_of;
using gbench_test::spread;
using gbench_test::write;

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

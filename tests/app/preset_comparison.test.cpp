// Presets side by side end to end: interleaved rounds, a preset whose process dies, every output format,
// --min-time, --baseline.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gbench/util/files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using namespace gbench;
using gbench_test::run_cli;

namespace {

std::vector<std::string> tiny(std::vector<std::string> more) {
  std::vector<std::string> args{"--model", "tiny-mlp", "--warmup", "1", "--iters", "4", "--threads", "1", "--no-profile"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Fields of one CSV line (RFC 4180: commas inside double quotes do not separate).
std::size_t csv_fields(const std::string& line) {
  std::size_t fields = 1;
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      ++fields;
    }
  }
  return fields;
}

} // namespace

TEST_CASE("presets run interleaved, every other round in reverse, each repetition in its own process",
          "[comparison][e2e]") {
  util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  const auto r = run_cli(tiny({"--batch", "2", "--preset", "default,bf16", "-r", "2", "--schedule", "rounds", "--json",
                               path.string()}));
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  std::vector<std::string> order;
  for (const auto& run : report["runs"]) {
    order.push_back(run["preset"]["name"].get<std::string>() + "/" + std::to_string(run["repetition"].get<int>()));
  }
  CHECK(order == std::vector<std::string>{"default/1", "bf16/1", "bf16/2", "default/2"});
  REQUIRE(report["comparison"].size() == 2);
  CHECK(report["comparison"][1]["repetitions"] == 2);
  CHECK(report["comparison"][1]["statistics_ns"]["count"] == 8);
  CHECK(report["comparison"][1]["vs_baseline"].contains("speedup_ci95"));
}

TEST_CASE("a preset whose process dies loses nothing the others measured", "[comparison][e2e]") {
  util::temp_dir dir;
  const auto presets = dir.path() / "crash.json";
  std::ofstream(presets) << R"({
    "knobs": {"GBENCH_TEST_ABORT_AFTER_BATCHES": {"description": "test only: abort after N batches", "integer": true}},
    "presets": [{"name": "crashy", "description": "dies after its first batch", "env": {"GBENCH_TEST_ABORT_AFTER_BATCHES": "1"}}]
  })";
  const auto path = dir.path() / "r.json";
  const auto r = run_cli(tiny({"--batch", "4,2", "--preset", "default,crashy,bf16", "--schedule", "rounds", "--presets", presets.string(),
                               "--format", "jsonl", "--json", path.string()}));
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.stderr_tail, Contains("preset 'crashy' did not complete") && Contains("signal 6"));
  const auto report = nlohmann::json::parse(util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  REQUIRE(report["runs"].size() == 3);
  CHECK(report["runs"][0]["status"] == "ok");
  CHECK(report["runs"][2]["status"] == "ok");
  const auto& crashy = report["runs"][1];
  CHECK(crashy["status"] == "failed");
  CHECK_THAT(crashy["error"].get<std::string>(), Contains("killed by signal 6"));
  CHECK(crashy["results"][0]["status"] == "ok"); // batch 4 finished before the crash
  CHECK(crashy["results"][0]["samples_ns"].size() == 4);
  CHECK(crashy["results"][1]["status"] == "failed");
  // The JSONL stream: every line parses; the crash is a line of its own, between the others' results.
  std::istringstream lines(r.stdout_text);
  std::vector<std::string> types;
  for (std::string line; std::getline(lines, line);) {
    types.push_back(nlohmann::json::parse(line)["type"].get<std::string>());
  }
  CHECK(types.front() == "context");
  CHECK(std::count(types.begin(), types.end(), "result") == 6);
  CHECK(std::count(types.begin(), types.end(), "failure") == 1);
  CHECK(std::count(types.begin(), types.end(), "comparison") == 6);
}

TEST_CASE("every output format parses", "[comparison][e2e][sanitizers]") {
  const auto csv = run_cli(tiny({"--batch", "2", "--preset", "default,bf16", "--format", "csv"}));
  REQUIRE(csv.exit_code == 0);
  std::istringstream in(csv.stdout_text);
  std::string header;
  std::getline(in, header);
  CHECK(header.rfind("preset,batch,repetitions,median_ns", 0) == 0);
  int rows = 0;
  for (std::string line; std::getline(in, line); ++rows) {
    CHECK(csv_fields(line) == csv_fields(header));
  }
  CHECK(rows == 2);
  const auto json = run_cli(tiny({"--batch", "2", "--format", "json"}));
  REQUIRE(json.exit_code == 0);
  CHECK(nlohmann::json::parse(json.stdout_text)["schema"] == "graviton-bench-report");
  gbench_test::check_schema(nlohmann::json::parse(json.stdout_text), "report");
  const auto md = run_cli(tiny({"--batch", "2", "--preset", "default,bf16", "--format", "markdown"}));
  REQUIRE(md.exit_code == 0);
  CHECK_THAT(md.stdout_text, Contains("| preset | batch |") && Contains("| bf16 | 2 |") && Contains("- bf16 vs default @2:"));
}

TEST_CASE("min-time keeps timing until the time has passed", "[comparison][e2e]") {
  util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  const auto r = run_cli(tiny({"--batch", "2", "--min-time", "0.05", "--json", path.string()}));
  REQUIRE(r.exit_code == 0);
  const auto whole = nlohmann::json::parse(util::read_text_file(path));
  gbench_test::check_schema(whole, "report");
  const auto b = whole["runs"][0]["results"][0];
  double total = 0;
  for (const auto& ns : b["samples_ns"]) {
    total += ns.get<double>();
  }
  CHECK(total >= 0.05e9);
  CHECK(b["samples_ns"].size() % 4 == 0); // whole chunks of --iters
}

TEST_CASE("an unknown baseline is refused", "[comparison][cli]") {
  const auto r = run_cli(tiny({"--batch", "2", "--preset", "default", "--baseline", "bf16"}));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.stderr_tail, Contains("--baseline: preset 'bf16' is not among the presets run"));
}

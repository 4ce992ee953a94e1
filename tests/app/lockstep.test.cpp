// Lockstep end to end: co-resident workers taking turns, in process sets, as a user runs them.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/config/preset.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/util/files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using gbench_test::run_cli;
using json = nlohmann::json;

namespace {

std::vector<std::string> tiny(std::vector<std::string> more) {
  std::vector<std::string> args{"--model", "tiny-mlp", "--warmup", "2", "--threads", "1", "--no-profile",
                                "--batch", "4,2", "--schedule", "lockstep", "--turn-ms", "5", "--cycles", "4"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

} // namespace

TEST_CASE("lockstep: presets take turns in co-resident workers, one process set per repetition", "[lockstep][e2e]") {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  const auto r = run_cli(tiny({"--preset", "default,bf16", "-r", "2", "--json", path.string()}));
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  const auto report = json::parse(gbench::util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  CHECK(report["settings"]["schedule"] == "lockstep");
  CHECK(report["settings"]["cycles"] == 4);
  CHECK(report["settings"]["turn_s"] == 0.005);
  REQUIRE(report["runs"].size() == 4); // two workers in each of two sets
  std::vector<int> sets;
  for (const auto& run : report["runs"]) {
    CHECK(run["design"] == "lockstep");
    sets.push_back(run["repetition"].get<int>());
    REQUIRE(run["results"].size() == 2);
    for (const auto& b : run["results"]) {
      REQUIRE(b["status"] == "ok");
      const auto& turns = b["settings"]["turns"];
      CHECK(turns["cycles"] == 4);
      // Each turn is a chunk: its k-th ran in cycle k, next to the other worker's k-th.
      CHECK(b["settings"]["chunk_size"] == turns["forwards"]);
      CHECK(b["samples_ns"].size() == 4 * turns["forwards"].get<std::size_t>());
    }
  }
  CHECK(sets == std::vector<int>{1, 1, 2, 2});
  const auto& row = report["comparison"][2]; // bf16 @ 4
  CHECK(row["preset"] == "bf16");
  CHECK(row["vs_baseline"]["design"] == "lockstep");
  CHECK_THAT(row["vs_baseline"]["test"].get<std::string>(), Contains("2 process sets"));
  CHECK(row["vs_baseline"]["units"] == 2);
}

TEST_CASE("lockstep: a worker that dies mid-turn fails its preset only, the others finish, exit 6",
          "[lockstep][e2e][sanitizers]") {
  gbench::util::temp_dir dir;
  const auto presets = dir.path() / "crash.json";
  std::ofstream(presets) << R"({
    "knobs": {"GBENCH_TEST_ABORT_AFTER_TURNS": {"description": "test only: abort after N turns", "integer": true}},
    "presets": [{"name": "crashy", "description": "dies in its third turn", "env": {"GBENCH_TEST_ABORT_AFTER_TURNS": "3"}}]
  })";
  const auto path = dir.path() / "r.json";
  const auto r = run_cli(tiny({"--preset", "default,crashy,bf16", "--presets", presets.string(), "-r", "1", "--json",
                               path.string()}));
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.stderr_tail, Contains("preset 'crashy' did not complete"));
  const auto report = json::parse(gbench::util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  REQUIRE(report["runs"].size() == 3);
  const auto& crashy = report["runs"][1];
  CHECK(crashy["status"] == "failed");
  CHECK_THAT(crashy["error"].get<std::string>(), Contains("signal 6") && Contains("a turn at batch 4"));
  for (const int k : {0, 2}) {
    const auto& run = report["runs"][k];
    CHECK(run["status"] == "ok");
    for (const auto& b : run["results"]) {
      CHECK(b["status"] == "ok");
      CHECK(b["settings"]["turns"]["cycles"] == 4); // every cycle, without the dead worker
    }
  }
}

TEST_CASE("lockstep: a schedule, turn or cycle count that cannot be is refused", "[lockstep][cli]") {
  CHECK_THAT(run_cli(tiny({"--schedule", "interleaved"})).stderr_tail,
             Contains("--schedule: unknown schedule 'interleaved'; valid schedules: auto, lockstep, duet, rounds"));
  CHECK(run_cli(tiny({"--turn-ms", "0"})).exit_code == 3);
  CHECK(run_cli(tiny({"--cycles", "0"})).exit_code == 3);
  const auto missing = run_cli(tiny({"--worker-bin", "a=/nonexistent/graviton-bench", "--worker-bin", "b=/bin/true"}));
  CHECK(missing.exit_code == 3);
  CHECK_THAT(missing.stderr_tail, Contains("--worker-bin a: /nonexistent/graviton-bench is not an executable"));
  CHECK_THAT(run_cli(tiny({"--worker-env", "solo:OMP_NUM_THREADS=1"})).stderr_tail, Contains("one build ('solo') given"));
  CHECK_THAT(run_cli(tiny({"--worker-env", "a:X=1", "--worker-env", "b:X=2", "--schedule", "rounds"})).stderr_tail,
             Contains("need --schedule lockstep or duet"));
}

TEST_CASE("duet: each worker on CPUs of its own, the blocks rotated every process set", "[lockstep][e2e]") {
  const auto cpus = std::thread::hardware_concurrency();
  if (cpus < 2) {
    WARN("NOT TESTED: a duet of two one-thread workers needs two CPUs; this machine has " << cpus);
    return;
  }
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  auto args = tiny({"--preset", "default,bf16", "-r", "2", "--cpus", "0,1", "--json", path.string()});
  REQUIRE(args[9] == "--schedule");
  args[10] = "duet"; // tiny() asks for lockstep
  const auto r = run_cli(args);
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  const auto report = json::parse(gbench::util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  CHECK(report["settings"]["schedule"] == "duet");
  REQUIRE(report["runs"].size() == 4);
  // runs: default and bf16 of set 1, then of set 2; each pinned to one CPU, never the other's in its set.
  std::vector<std::vector<int>> pinned;
  for (const auto& run : report["runs"]) {
    CHECK(run["design"] == "duet");
    pinned.push_back(run["cpus"].get<std::vector<int>>());
  }
  for (const auto& p : pinned) {
    CHECK(p.size() == 1);
  }
  CHECK(pinned[0] != pinned[1]);
  CHECK(pinned[2] != pinned[3]);
  CHECK(pinned[0] == pinned[3]); // default's CPU in set 1 is bf16's in set 2
  CHECK(pinned[1] == pinned[2]);
}

TEST_CASE("until precise: a set after a batch settled runs only the others, and reports no batch as failed",
          "[lockstep][e2e]") {
  const auto catalog = gbench::config::load_presets(std::string(GBENCH_CONFIGS) + "/presets.json");
  for (const char* schedule : {"lockstep", "rounds"}) {
    gbench::run::plan_options po;
    po.model = "tiny-mlp";
    po.batches = {"4", "2"};
    po.presets = {"default", "bf16"};
    po.warmup = std::to_string(2); // not a literal: GCC 12 warns falsely (-Wrestrict) on one assigned to a string
    po.iterations = 4;
    po.threads = 1;
    po.profile = false;
    po.repetitions = "auto";
    po.precision = 3;
    po.schedule = schedule;
    po.turn_ms = 5;
    po.cycles = 3;
    const auto plan = gbench::run::make_plan(po, catalog, std::string(GBENCH_CONFIGS) + "/models");
    // The decision until precise, fixed here: after the first set batch 4 is settled, after the second, stop.
    const auto next = [](const std::vector<gbench::record::preset_run>&,
                         int sets) -> std::optional<gbench::run::next_round> {
      if (sets >= 2) {
        return std::nullopt;
      }
      return gbench::run::next_round{4, {2}};
    };
    const auto runs = gbench::run::execute(plan, GBENCH_BINARY, false, {}, next);
    INFO(schedule);
    REQUIRE(runs.size() == 4);
    for (const auto& run : runs) {
      std::vector<std::int64_t> batches;
      for (const auto& b : run.batches) {
        CHECK(b.ok);
        batches.push_back(b.batch);
      }
      CHECK(batches == (run.repetition == 1 ? std::vector<std::int64_t>{4, 2} : std::vector<std::int64_t>{2}));
    }
  }
}

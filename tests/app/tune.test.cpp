// graviton-bench tune end to end on tiny-mlp: bad input, a crashing candidate, a hung one stopped at its time
// limit, presets written back and run again, and the allocator verified inside the benchmark process.
#include <catch2/catch.hpp>

#include <fstream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "gbench/config/preset.hpp"
#include "gbench/host/allocator.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;

namespace {

using gbench_test::run_cli;

// A knob of the test's own, which LibTorch never reads: its candidate can only tie with default.
const char* const test_space = R"({
  "knobs": {
    "GBENCH_TUNE_TEST_KNOB": { "description": "read by nothing", "integer": true, "candidates": ["1"] },
    "GBENCH_TEST_ABORT_AFTER_TURNS": { "description": "test only: the lockstep worker aborts",
                                       "integer": true, "candidates": ["3"], "group": "crash" }
  },
  "presets": []
})";

std::vector<std::string> quick(std::vector<std::string> more) {
  std::vector<std::string> args{"tune",   "--model", "tiny-mlp", "--batch",   "4",  "--warmup", "1",
                                "--iters", "20",    "--max-rounds", "4",     "--cycles", "4", "--turn-ms",
                                "10",      "-q"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

} // namespace

TEST_CASE("tune: bad input exits 3 with the fix", "[tune][cli][tune-e2e]") {
  gbench::util::temp_dir dir;
  const auto space = dir.path() / "space.json";
  std::ofstream(space) << test_space;
  // Nothing left to search.
  auto r =
      run_cli(quick({"--presets", space.string(), "--knobs", "TORCH_MKLDNN_MATMUL_MIN_DIM,DNNL_DEFAULT_FPMATH_MODE"}));
  if (r.exit_code == 3 && r.stderr_tail.find("nothing to search") != std::string::npos) {
    CHECK_THAT(r.stderr_tail, Contains("inert here"));
  } else {
    WARN("both knobs can act on this host (aarch64 with ACL and BF16): the empty-space error is checked with "
         "an unknown name only");
  }
  r = run_cli(quick({"--knobs", "NO_SUCH_KNOB"}));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.stderr_tail, Contains("--knobs: 'NO_SUCH_KNOB' has no candidates"));
  // A candidate value the knob refuses.
  const auto bad = dir.path() / "bad.json";
  std::ofstream(bad)
      << R"({"knobs": {"THP_MEM_ALLOC_ENABLE": {"values": ["0", "1"], "candidates": ["2"]}}, "presets": []})";
  r = run_cli(quick({"--presets", bad.string()}));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.stderr_tail, Contains("THP_MEM_ALLOC_ENABLE=2 is not a valid value"));
  // A budget that cannot hold one round.
  r = run_cli(quick({"--presets", space.string(), "--knobs", "GBENCH_TUNE_TEST_KNOB", "--budget", "0.001"}));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.stderr_tail, Contains("too small for one round"));
  // The run's own checks: a warm-up that is neither a count nor auto is a command-line error.
  r = run_cli(quick({"--knobs", "NO_SUCH_KNOB", "--warmup", "soon"}));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.stderr_tail, Contains("--warmup: 'soon' is neither auto nor a whole number"));
  r = run_cli(quick({"--knobs", "NO_SUCH_KNOB", "--seed", "-1"}));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.stderr_tail, Contains("'-1' is not a seed"));
}

TEST_CASE("tune: a stage races in lockstep, a crashing worker is eliminated, the winner is written as a preset that "
          "runs again",
          "[tune][cli][tune-e2e]") {
  gbench::util::temp_dir dir;
  const auto space = dir.path() / "space.json";
  std::ofstream(space) << test_space;
  const auto presets = dir.path() / "tuned.json";
  const auto report = dir.path() / "tune.json";
  const auto r =
      run_cli(quick({"--presets", space.string(), "--knobs", "GBENCH_TUNE_TEST_KNOB,GBENCH_TEST_ABORT_AFTER_TURNS",
                     "--json", report.string(), "--write-presets", presets.string()}));
  INFO(r.stdout_text << r.stderr_tail);
  CHECK(r.exit_code == 6); // a candidate's process failed; the search still finished
  CHECK_THAT(r.stdout_text, Contains("batch 4") && Contains("winner: "));
  CHECK_THAT(r.stdout_text, Contains("GBENCH_TEST_ABORT_AFTER_TURNS=3 (stage crash, round 1): its process failed"));
  CHECK_THAT(r.stdout_text, Contains("races\n") && Contains("crash: lockstep, 1 process set of co-resident workers"));
  CHECK_THAT(r.stdout_text, Contains("the full grid of 4 configurations"));
  const auto j = nlohmann::json::parse(gbench::util::read_text_file(report));
  CHECK(j["schema"] == "graviton-bench-tune");
  gbench_test::check_schema(j, "tune");
  const auto& out = j["search"]["outcomes"][0];
  CHECK(out["batch"] == 4);
  CHECK(out["winner_preset"]["name"] == "tuned-b4");
  CHECK_FALSE(j["search"]["processes"].empty());
  CHECK(j["search"]["stages"].size() >= 2);
  // Every race in lockstep: its rounds process sets of co-resident workers, judged across the sets.
  CHECK(j["search"]["options"]["schedule"] == "lockstep");
  CHECK(j["search"]["options"]["cycles"] == 4);
  for (const auto& s : j["search"]["stages"]) {
    CHECK(s["design"] == "lockstep");
    for (const auto& x : s["standings"]) {
      if (x.contains("vs_best")) {
        CHECK(x["vs_best"]["design"] == "lockstep");
      }
    }
  }
  // Every timed process went the way of a run's: placed on CPUs, warmed up until steady, samples in chunks.
  for (const auto& p : j["search"]["processes"]) {
    if (p["kind"] != "timed" || p["run"]["status"] != "ok") {
      continue;
    }
    CHECK(p["run"]["design"] == "lockstep");
    CHECK_FALSE(p["run"]["cpus"].empty());
    for (const auto& b : p["run"]["results"]) {
      CHECK(b["settings"]["chunk_size"].get<int>() > 0);
    }
  }
  // An elimination on timings only once every candidate of its race ran in two processes.
  for (const auto& e : out["eliminated"]) {
    if (e["reason"].get<std::string>().starts_with("slower than")) {
      CHECK(e["round"].get<int>() >= 2);
    }
  }

  // The presets file reads back with the built-in knobs and runs.
  const auto builtin = gbench::config::load_presets(std::string(GBENCH_CONFIGS) + "/presets.json");
  const auto tuned = gbench::config::load_presets(presets, &builtin);
  REQUIRE(tuned.find("tuned-b4") != nullptr);
  const auto again = run_cli({"--model", "tiny-mlp", "--batch", "4", "--warmup", "0", "--iters", "2", "--no-profile",
                              "--presets", presets.string(), "--preset", "tuned-b4"});
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.stdout_text, Contains("tuned-b4"));
}

TEST_CASE("allocator: a preset's allocator is preloaded and verified inside its process", "[tune][allocator][cli]") {
  if (!gbench::host::locate_allocator(*gbench::host::find_allocator("jemalloc")) ||
      std::getenv("GBENCH_WORKER_WRAPPER") != nullptr) {
    WARN("libjemalloc2 is not installed for this architecture, or the binary runs under an emulator: "
         "checking that the preset is refused instead");
    gbench::util::temp_dir dir;
    const auto p = dir.path() / "p.json";
    std::ofstream(p) << R"({"presets": [{"name": "je", "allocator": "jemalloc"}]})";
    const auto r = run_cli({"--model", "tiny-mlp", "--batch", "2", "--warmup", "0", "--iters", "2", "--no-profile",
                            "--presets", p.string(), "--preset", "je"});
    CHECK(r.exit_code != 0);
    return;
  }
  gbench::util::temp_dir dir;
  const auto p = dir.path() / "p.json";
  std::ofstream(p)
      << R"({"presets": [{"name": "je", "allocator": "jemalloc"}, {"name": "tc", "allocator": "tcmalloc"}]})";
  const auto report = dir.path() / "r.json";
  auto r = run_cli({"--model", "tiny-mlp", "--batch", "2", "--warmup", "0", "--iters", "2", "--no-profile", "--presets",
                    p.string(), "--preset", "je,tc", "--json", report.string()});
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(gbench::util::read_text_file(report));
  gbench_test::check_schema(j, "report");
  CHECK(j["runs"][0]["allocator"]["name"] == "jemalloc");
  CHECK_THAT(j["runs"][0]["allocator"]["library"].get<std::string>(), Contains("libjemalloc"));
  CHECK(j["runs"][1]["allocator"]["name"] == "tcmalloc");
  // A launcher that drops LD_PRELOAD: the process runs with glibc, and the run says so instead of timing it
  // under the wrong name.
  r = run_cli({"--model", "tiny-mlp", "--batch", "2", "--warmup", "0", "--iters", "2", "--no-profile", "--presets",
               p.string(), "--preset", "je"},
              {"GBENCH_WORKER_WRAPPER=env -u LD_PRELOAD"});
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.stderr_tail, Contains("asked for the jemalloc allocator, but its process ran with glibc"));
}

TEST_CASE("tune: a candidate whose process hangs is stopped at --timeout and eliminated with the reason",
          "[tune][hostile][timeout][e2e][tune-e2e]") {
  gbench::util::temp_dir dir;
  const auto space = dir.path() / "space.json";
  // tests/data/hang-worker.sh, put before every benchmark process, never finishes one that sets this knob.
  std::ofstream(space) << R"({"knobs": {"GBENCH_TEST_HANG": {"description": "test only: the worker wrapper hangs",
                                                            "values": ["1"], "candidates": ["1"]}},
                              "presets": []})";
  const auto report = dir.path() / "tune.json";
  const auto r = run_cli(
      quick({"--presets", space.string(), "--knobs", "GBENCH_TEST_HANG", "--timeout", "30", "--json", report.string()}),
      {fmt::format("GBENCH_WORKER_WRAPPER=/bin/sh {}/hang-worker.sh", GBENCH_TEST_DATA)});
  INFO(r.stdout_text << r.stderr_tail);
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.stdout_text, Contains("GBENCH_TEST_HANG=1 (stage GBENCH_TEST_HANG, round 0): its evidence process "
                                     "failed") &&
                                Contains("timed out after 30 s"));
  CHECK_THAT(r.stdout_text, Contains("winner: default"));
  const auto j = nlohmann::json::parse(gbench::util::read_text_file(report));
  gbench_test::check_schema(j, "tune");
  CHECK(j["settings"]["timeout_s"] == 30.0);
}

// graviton-bench export end to end: its Google Benchmark JSON read by google/benchmark's own compare.py.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/util/files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using json = nlohmann::json;
using gbench_test::run_cli;
using gbench_test::run_program;

namespace {

// A real run of the tiny model: one preset, one batch, the timed loop long enough that a process's median
// does not hinge on one moment of the machine's load.
std::vector<std::string> tiny_run(const std::string& json_path, int iters) {
  return {"--model", "tiny-mlp", "--batch", "8", "--preset", "default", "--warmup", "50", "--iters",
          std::to_string(iters), "--threads", "1", "--no-profile", "--json", json_path};
}

} // namespace

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

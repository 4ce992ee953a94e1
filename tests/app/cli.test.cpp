// End-to-end tests of the graviton-bench binary: exit codes, messages, the report, environment isolation.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using gbench::util::child_status;
using gbench_test::run_cli;

namespace {

// A quick run of the tiny model: the shape of every end-to-end test that measures.
std::vector<std::string> tiny(std::vector<std::string> more) {
  std::vector<std::string> args{"--model", "tiny-mlp", "--warmup", "2", "--iters", "5", "--threads", "1"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// A report the binary wrote, checked against the published schema.
nlohmann::json read_json(const std::filesystem::path& p) {
  auto j = nlohmann::json::parse(gbench::util::read_text_file(p));
  gbench_test::check_schema(j, "report");
  return j;
}

} // namespace

TEST_CASE("help and version", "[cli]") {
  const auto help = run_cli({"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.stdout_text, Contains("--batch") && Contains("--preset") && Contains("Exit codes"));
  const auto version = run_cli({"--version"});
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.stdout_text, Contains("graviton-bench 0."));
}

TEST_CASE("bad command lines exit 2", "[cli]") {
  const auto r = run_cli({"--no-such-flag"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.stderr_tail, Contains("--no-such-flag"));
  CHECK(run_cli({"--iters", "0"}).exit_code == 2);
}

TEST_CASE("bad input exits 3 with a message naming the input", "[cli][sanitizers]") {
  struct expectation {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<expectation> cases{
      {{"--batch", "0"}, "--batch: 0 is not a batch size"},
      {{"--batch", "-4"}, "--batch: -4 is not a batch size"},
      {{"--batch", "32,abc"}, "--batch: 'abc' is not a whole number"},
      {{"--batch", "3.5"}, "--batch: '3.5' is not a whole number"},
      {{"--preset", "fast"}, "unknown preset 'fast'; valid names: default, bf16"},
      {{"--model", "resnet"}, "unknown model 'resnet'; valid names: recipe-mlp, "},
      {{"--env", "DNNL_DEFAULT_FPMATH_MODE=FAST"}, "DNNL_DEFAULT_FPMATH_MODE=FAST is not a valid value"},
      {{"--env", "NOEQUALS"}, "--env: 'NOEQUALS' is not KEY=VALUE"},
      {{"--format", "yaml"}, "unknown format 'yaml'"},
  };
  for (const auto& c : cases) {
    INFO(c.args.front() << " " << c.args.back());
    const auto r = run_cli(tiny(c.args));
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.stderr_tail, Contains("error: ") && Contains(c.message));
    CHECK(r.stdout_text.empty());
  }
}

TEST_CASE("a malformed presets file names the file and line", "[cli]") {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "mine.json";
  std::ofstream(path) << "{\n  \"presets\": [\n    {\"name\": \"x\", \"threads\": 1,}\n  ]\n}\n";
  const auto r = run_cli(tiny({"--presets", path.string()}));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.stderr_tail, Contains("mine.json:3:") && Contains("malformed JSON"));
}

TEST_CASE("a batch that cannot fit is refused before allocating, exit 4", "[cli]") {
  const auto r = run_cli({"--model", "recipe-mlp", "--batch", "10,100000000"});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.stderr_tail, Contains("--batch 100000000") && Contains("GiB") && Contains("available"));
}

TEST_CASE("an unwritable report path is refused before the benchmark, exit 5", "[cli]") {
  gbench::util::temp_dir dir;
  const auto missing = run_cli(tiny({"--json", (dir.path() / "no/such/dir/r.json").string()}));
  CHECK(missing.exit_code == 5);
  CHECK_THAT(missing.stderr_tail, Contains("--json") && Contains("does not exist"));
  CHECK(missing.stdout_text.empty()); // nothing was measured
  const auto is_dir = run_cli(tiny({"--json", dir.path().string()}));
  CHECK(is_dir.exit_code == 5);
  if (::geteuid() != 0) { // root writes anywhere
    const auto ro = dir.path() / "ro";
    std::filesystem::create_directory(ro);
    ::chmod(ro.c_str(), 0555);
    CHECK(run_cli(tiny({"--json", (ro / "r.json").string()})).exit_code == 5);
  }
}

TEST_CASE("a tiny run writes a complete report", "[cli][e2e][sanitizers]") {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "report.json";
  const auto r = run_cli(tiny({"--batch", "4,2", "--preset", "default,bf16", "--schedule", "rounds", "--json", path.string()}));
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.stdout_text, Contains("median") && Contains("GFLOP/s") && Contains("tiny-mlp"));
  const auto report = read_json(path);
  CHECK(report["schema"] == "graviton-bench-report");
  CHECK(report["schema_version"] == 2);
  const auto& ctx = report["context"];
  CHECK(ctx["tool"]["name"] == "graviton-bench");
  CHECK(ctx["date"].get<std::string>().size() == 20);
  CHECK_FALSE(ctx["host"]["arch"].get<std::string>().empty());
  REQUIRE(report["runs"].size() == 2);
  for (const auto& run : report["runs"]) {
    CHECK(run["status"] == "ok");
    CHECK(run["libtorch"]["version"].get<std::string>().rfind("2.", 0) == 0);
    CHECK(run["libtorch"]["threads"] == 1);
    REQUIRE(run["results"].size() == 2);
    for (const auto& b : run["results"]) {
      CHECK(b["status"] == "ok");
      CHECK(b["samples_ns"].size() == 5);
      const auto& s = b["statistics_ns"];
      CHECK(s["min"].get<double>() > 0);
      CHECK(s["min"].get<double>() <= s["median"].get<double>());
      CHECK(s["median"].get<double>() <= s["p90"].get<double>());
      CHECK(b["throughput_samples_per_s"].get<double>() > 0);
    }
  }
  CHECK(report["runs"][0]["results"][0]["batch"] == 4);
  CHECK(report["runs"][1]["preset"]["name"] == "bf16");
}

TEST_CASE("the same seed gives the same predictions", "[cli][e2e]") {
  gbench::util::temp_dir dir;
  const auto a = dir.path() / "a.json";
  const auto b = dir.path() / "b.json";
  REQUIRE(run_cli(tiny({"--batch", "8", "--seed", "7", "--json", a.string()})).exit_code == 0);
  REQUIRE(run_cli(tiny({"--batch", "8", "--seed", "7", "--json", b.string()})).exit_code == 0);
  const auto pa = read_json(a)["runs"][0]["results"][0]["predicted_classes"];
  CHECK(pa.size() == 8);
  CHECK(pa == read_json(b)["runs"][0]["results"][0]["predicted_classes"]);
}

TEST_CASE("each preset's process sees exactly its knobs, whatever the parent's environment says", "[cli][env]") {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "env.json";
  const std::vector<std::string> hostile{"DNNL_DEFAULT_FPMATH_MODE=STRICT", "TORCH_MKLDNN_MATMUL_MIN_DIM=5",
                                         "THP_MEM_ALLOC_ENABLE=0", "ONEDNN_VERBOSE=all", "UNRELATED_VAR=kept"};
  const auto r = run_cli(tiny({"--batch", "2", "--preset", "default,bf16,openblas,recommended", "--env",
                               "TORCH_MKLDNN_MATMUL_MIN_SIZE=100", "--json", path.string()}),
                         hostile);
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  using env_map = std::map<std::string, std::string>;
  const auto runs = read_json(path)["runs"];
  CHECK(runs[0]["effective_env"].get<env_map>() == env_map{{"TORCH_MKLDNN_MATMUL_MIN_SIZE", "100"}});
  CHECK(runs[1]["effective_env"].get<env_map>() ==
        env_map{{"DNNL_DEFAULT_FPMATH_MODE", "BF16"}, {"TORCH_MKLDNN_MATMUL_MIN_SIZE", "100"}});
  CHECK(runs[2]["effective_env"].get<env_map>() == env_map{{"DNNL_DEFAULT_FPMATH_MODE", "BF16"},
                                                           {"TORCH_MKLDNN_MATMUL_MIN_DIM", "64"},
                                                           {"TORCH_MKLDNN_MATMUL_MIN_SIZE", "100"}});
  CHECK(runs[3]["effective_env"].get<env_map>() == env_map{{"DNNL_DEFAULT_FPMATH_MODE", "BF16"},
                                                           {"THP_MEM_ALLOC_ENABLE", "1"},
                                                           {"TORCH_MKLDNN_MATMUL_MIN_DIM", "64"},
                                                           {"TORCH_MKLDNN_MATMUL_MIN_SIZE", "100"}});
  // The hostile ONEDNN_VERBOSE was removed: oneDNN printed nothing.
  CHECK_THAT(r.stderr_tail, !Contains("onednn_verbose"));
}

TEST_CASE("the x86 fast-math preset sets LibTorch's matmul precision in its process only", "[cli][env]") {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "p.json";
  REQUIRE(run_cli(tiny({"--batch", "2", "--preset", "default,x86-bf16", "--json", path.string()})).exit_code == 0);
  const auto runs = read_json(path)["runs"];
  CHECK(runs[0]["libtorch"]["matmul_precision"] == "highest");
  CHECK(runs[1]["libtorch"]["matmul_precision"] == "medium");
}

TEST_CASE("presets lists every preset", "[cli]") {
  const auto r = run_cli({"presets"});
  CHECK(r.exit_code == 0);
  for (const char* name : {"default", "bf16", "openblas", "thp", "recommended", "x86-bf16", "x86-bf16-weights"}) {
    CHECK_THAT(r.stdout_text, Contains(name));
  }
  CHECK_THAT(r.stdout_text, Contains("DNNL_DEFAULT_FPMATH_MODE=BF16"));
  CHECK_THAT(r.stdout_text, Contains("weights_dtype=bf16"));
}

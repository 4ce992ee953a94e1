// graviton-bench peak end to end: measured in a worker, cached per host, bad options refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/host/host_info.hpp"
#include "gbench/peak/peak.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"

using Catch::Matchers::Contains;

namespace {

// A run of the binary with XDG_CACHE_HOME pointing at `cache` (so the user's own peak cache is never read).
gbench::util::child_status run_cli(std::vector<std::string> args, const std::filesystem::path& cache) {
  args.insert(args.begin(), GBENCH_BINARY);
  args = gbench::util::wrapped_command(std::move(args));
  std::vector<std::string> env;
  for (const auto& e : gbench::util::current_environment()) {
    if (!e.starts_with("XDG_CACHE_HOME=")) {
      env.push_back(e);
    }
  }
  env.push_back("XDG_CACHE_HOME=" + cache.string());
  return gbench::util::run_process(args, env, {.forward_stderr = false, .capture_stdout = true});
}

nlohmann::json read_json(const std::filesystem::path& p) { return nlohmann::json::parse(gbench::util::read_text_file(p)); }

const std::vector<std::string> quick_peak{"peak", "--gemm-size", "96", "--repeats", "3", "--warmup", "1",
                                          "--triad-mib", "4", "--threads", "1"};

} // namespace

TEST_CASE("peak measures with LibTorch in a worker, caches per host and reuses the cache", "[peak][e2e]") {
  gbench::util::temp_dir dir;
  const auto json = dir.path() / "peak.json";
  std::vector<std::string> args = quick_peak;
  args.insert(args.end(), {"--json", json.string()});
  const auto r = run_cli(args, dir.path());
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.stdout_text, Contains("fp32 GEMM") && Contains("bandwidth") && Contains("cached in"));
  const auto j = read_json(json);
  CHECK(j.at("schema") == "graviton-bench-peak");
  CHECK(j.at("fp32_gemm").at("gflops").get<double>() > 0);
  CHECK(j.at("fp32_gemm").at("samples_ns").size() == 3);
  CHECK(j.at("triad").at("gbps").get<double>() > 0);
  CHECK(j.at("triad").at("bytes_per_array") == 4 * 1024 * 1024);
  CHECK(j.at("threads") == 1);
  const auto host = gbench::host::query_host();
  if (gbench::peak::bf16_hardware(host).empty()) {
    WARN("this CPU has no native bf16: checking that the bf16 GEMM was left out and said so");
    CHECK(j.at("bf16_gemm").is_null());
    CHECK_THAT(j.at("bf16_hardware").get<std::string>(), Contains("none"));
  } else {
    REQUIRE(j.at("bf16_gemm").is_object());
    CHECK(j.at("bf16_gemm").at("gflops").get<double>() > 0);
    CHECK_THAT(r.stdout_text, Contains("bf16 GEMM") && Contains("bf16 hardware"));
  }
  // The per-host cache of one thread holds the same figures, and --use-cache reads them instead of measuring.
  const auto cache = dir.path() / "graviton-bench" / ("peak-" + host.hostname + "-1t.json");
  REQUIRE(std::filesystem::exists(cache));
  CHECK(read_json(cache).at("date") == j.at("date"));
  const auto again = run_cli({"peak", "--use-cache", "--threads", "1"}, dir.path());
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.stdout_text, Contains("cached in") && Contains(j.at("date").get<std::string>()));
  // A run on one thread holds itself against them; a run on two finds no figures of two threads, and says so.
  const std::vector<std::string> run{"--model",  "tiny-mlp", "--batch",      "8",        "--iters", "5",
                                     "--warmup", "1",        "--no-profile", "--format", "json"};
  auto one = run;
  one.insert(one.end(), {"--threads", "1"});
  const auto on_one = run_cli(one, dir.path());
  REQUIRE(on_one.exit_code == 0);
  CHECK(nlohmann::json::parse(on_one.stdout_text).at("comparison").at(0).contains("roofline"));
  if (host.cores >= 2) {
    auto two = run;
    two.insert(two.end(), {"--threads", "2"});
    const auto on_two = run_cli(two, dir.path());
    REQUIRE(on_two.exit_code == 0);
    CHECK_FALSE(nlohmann::json::parse(on_two.stdout_text).at("comparison").at(0).contains("roofline"));
    CHECK_THAT(on_two.stderr_tail, Contains("no peak figures for this host on 2 threads") && Contains("--threads 2"));
  }
}

TEST_CASE("peak refuses bad options with the documented codes", "[peak][cli]") {
  gbench::util::temp_dir dir;
  CHECK(run_cli({"peak", "--gemm-size", "0"}, dir.path()).exit_code == 2);
  const auto r = run_cli({"peak", "--json", (dir.path() / "no" / "such" / "dir" / "p.json").string()}, dir.path());
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.stderr_tail, Contains("--json"));
}

// graviton-bench peak: the figures' file format, the roofline arithmetic, and the command end to end.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/peak/peak.hpp"
#include "gbench/record/roofline.hpp"
#include "gbench/record/peak.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "run_binary.hpp"

using Catch::Matchers::Contains;

namespace {

gbench::record::peak_figures sample_figures(bool with_bf16) {
  gbench::record::peak_figures f;
  f.date = "2026-11-26T06:00:00Z";
  f.hostname = "box";
  f.arch = "x86_64";
  f.cpu_model = "Some CPU";
  f.cores = 2;
  f.libtorch_version = "2.13.0";
  f.threads = 2;
  f.fp32 = {"float32", 1024, {10, 11, 12}, 11, 200.0, "BLAS (mkl: no oneDNN execution)"};
  if (with_bf16) {
    f.bf16 = gbench::record::gemm_figure{"bfloat16", 1024, {5, 5, 6}, 5, 400.0, "oneDNN brg_matmul:avx512_core_amx"};
    f.bf16_hardware = "AMX (amx_bf16)";
  } else {
    f.bf16_hardware = "none: AVX2 only";
  }
  f.triad = {1 << 30, 1 << 25, {100, 101}, 100, 20.0};
  return f;
}

gbench::config::model_spec two_layers() {
  gbench::config::model_spec m;
  m.name = "m";
  m.input_shape = {8};
  m.hidden = {4};
  m.outputs = 2;
  return m;
}

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

TEST_CASE("peak figures survive their file format", "[peak]") {
  for (const bool bf16 : {true, false}) {
    const auto f = sample_figures(bf16);
    const auto j = gbench::record::to_json(f);
    gbench::record::peak_figures back;
    gbench::record::from_json(gbench::record::node(j, "test"), back);
    CHECK(back.fp32.gflops == 200.0);
    CHECK(back.bf16.has_value() == bf16);
    CHECK(back.triad.gbps == 20.0);
    CHECK(back.cpu_model == "Some CPU");
    CHECK(gbench::record::to_json(back) == j);
  }
}

TEST_CASE("a bad peak file is named with the field and the fix, exit 3", "[peak]") {
  gbench::util::temp_dir dir;
  const auto write = [&](const std::string& name, const std::string& text) {
    const auto p = dir.path() / name;
    std::ofstream(p) << text;
    return p;
  };
  auto j = gbench::record::to_json(sample_figures(true));
  j["triad"].erase("gbps");
  const auto missing = write("missing.json", j.dump());
  CHECK_THROWS_WITH(gbench::peak::read_file(missing), Contains("missing.json") && Contains("gbps") &&
                                                          Contains("graviton-bench peak --json"));
  j = gbench::record::to_json(sample_figures(true));
  j["fp32_gemm"]["gflops"] = "fast";
  CHECK_THROWS_WITH(gbench::peak::read_file(write("typed.json", j.dump())),
                    Contains("fp32_gemm") && Contains("gflops") && Contains("expected a number"));
  j = gbench::record::to_json(sample_figures(true));
  j["schema_version"] = 2;
  CHECK_THROWS_WITH(gbench::peak::read_file(write("newer.json", j.dump())), Contains("version 2"));
  CHECK_THROWS_WITH(gbench::peak::read_file(write("cut.json", j.dump().substr(0, 40))), Contains("cut.json:1:"));
  CHECK_THROWS_AS(gbench::peak::read_file(dir.path() / "none.json"), gbench::input_error);
  // A report with figures in its context gives them; one without says so.
  nlohmann::json report{{"schema", "graviton-bench-report"}, {"schema_version", 1},
                        {"context", {{"peak", gbench::record::to_json(sample_figures(false))}}}};
  const auto with = gbench::peak::read_file(write("report.json", report.dump()));
  CHECK(with.fp32.gflops == 200.0);
  CHECK(with.source == "file");
  report["context"]["peak"] = nullptr;
  CHECK_THROWS_WITH(gbench::peak::read_file(write("bare.json", report.dump())), Contains("holds no peak figures"));
}

TEST_CASE("bytes per forward: weights once, each layer's input read and output written", "[peak]") {
  const auto m = two_layers();
  // weights (8*4+4 + 4*2+2) = 46 floats; activations at batch 3: 3*(8+4) + 3*(4+2) = 54 floats.
  CHECK(gbench::record::bytes_per_forward(m, 3) == Approx(4.0 * (46 + 54)));
}

TEST_CASE("the roofline bound is the lower of the compute and the memory roof", "[peak]") {
  const auto m = two_layers();
  const auto f = sample_figures(true);
  const auto r = gbench::record::make_roofline(m, 3, 1.0, f, false);
  const double flops = 3 * 2.0 * (8 * 4 + 4 * 2);
  CHECK(r.intensity == Approx(flops / (4.0 * 100)));
  // Intensity ~0.5 FLOP/B at 20 GB/s is far below 200 GFLOP/s: memory-bound.
  CHECK(r.memory_bound);
  CHECK(r.bound_gflops == Approx(r.intensity * 20.0));
  CHECK(r.percent_of_bound == Approx(100.0 / r.bound_gflops));
  CHECK(r.ceiling == "fp32");

  gbench::config::model_spec big;
  big.input_shape = {4096};
  big.hidden = {4096};
  big.outputs = 4096;
  const auto c = gbench::record::make_roofline(big, 4096, 100.0, f, false);
  CHECK_FALSE(c.memory_bound);
  CHECK(c.bound_gflops == 200.0);
  CHECK(c.percent_of_bound == Approx(50.0));
  // bf16 math takes the bf16 ceiling, where one was measured, and only then.
  CHECK(gbench::record::make_roofline(big, 4096, 100.0, f, true).bound_gflops == 400.0);
  CHECK(gbench::record::make_roofline(big, 4096, 100.0, sample_figures(false), true).ceiling == "fp32");
}

TEST_CASE("bf16 hardware is named from the CPU's features, and none on AVX2", "[peak]") {
  gbench::host::host_info h;
  h.arch = "x86_64";
  h.isa_features = {"avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16", "amx_bf16", "amx_tile"};
  CHECK_THAT(gbench::peak::bf16_hardware(h), Contains("AMX") && Contains("AVX-512 BF16"));
  h.isa_features = {"avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16"};
  CHECK(gbench::peak::bf16_hardware(h) == "AVX-512 BF16 (avx512_bf16)");
  h.isa_features = {"avx2"};
  CHECK(gbench::peak::bf16_hardware(h).empty());
  h.arch = "aarch64";
  h.isa_features = {"asimd", "sve", "bf16", "i8mm"};
  CHECK_THAT(gbench::peak::bf16_hardware(h), Contains("BF16"));
}

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
  // The per-host cache holds the same figures, and --use-cache reads them instead of measuring.
  const auto cache = dir.path() / "graviton-bench" / ("peak-" + host.hostname + ".json");
  REQUIRE(std::filesystem::exists(cache));
  CHECK(read_json(cache).at("date") == j.at("date"));
  const auto again = run_cli({"peak", "--use-cache"}, dir.path());
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.stdout_text, Contains("cached in") && Contains(j.at("date").get<std::string>()));
}

TEST_CASE("peak refuses bad options with the documented codes", "[peak][cli]") {
  gbench::util::temp_dir dir;
  CHECK(run_cli({"peak", "--gemm-size", "0"}, dir.path()).exit_code == 2);
  const auto r = run_cli({"peak", "--json", (dir.path() / "no" / "such" / "dir" / "p.json").string()}, dir.path());
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.stderr_tail, Contains("--json"));
}

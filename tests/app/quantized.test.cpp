// The quantized presets end to end (run/evidence.cpp, report/evidence_text.cpp) on the quantized presets: the doctor's evidence processes on this machine,
// and on a simulated AVX2-only one (ONEDNN_MAX_CPU_ISA=AVX2 caps oneDNN and LibTorch's oneDNN bf16 check; the CPU
// flags, and so ATen's own kernels, stay this machine's). Each preset effective with its operator and engine, or
// inert with its reason; accuracy against float64 for every form. Speeds are not read.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/util/files.hpp"
#include "run_binary.hpp"

using Catch::Matchers::Contains;

namespace {

nlohmann::json run_of(const nlohmann::json& report, const std::string& preset) {
  for (const auto& r : report["runs"]) {
    if (r["preset"]["name"] == preset) {
      return r;
    }
  }
  FAIL("no run of preset " << preset);
  return {};
}

std::string effects(const nlohmann::json& run) {
  std::string all;
  for (const auto& e : run["evidence"]["effects"]) {
    all += e.get<std::string>() + "\n";
  }
  return all;
}

nlohmann::json doctor(const std::vector<std::string>& env) {
  gbench::util::temp_dir dir;
  const auto presets = dir.path() / "engine.json";
  gbench::util::write_file_atomically(
      presets,
      R"({"presets": [{"name": "int8-onednn", "weights_dtype": "int8-dynamic", "quantized_engine": "onednn"}]})");
  const auto path = dir.path() / "doctor.json";
  const auto r = gbench_test::run_cli(
      {"doctor", "--model", "tiny-mlp", "--batch", "32", "--presets", presets.string(), "--preset",
       "default,int8-dynamic,int8-onednn,int8-weights,int4-kleidiai,fp32-precision-bf16", "--json", path.string()},
      env);
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(gbench::util::read_text_file(path));
}

// Checks shared by both machines: every form's accuracy, routes and accuracy agreeing, and the inert int4.
void common_checks(const nlohmann::json& report) {
  for (const auto& run : report["runs"]) {
    const auto& b = run["evidence"]["batches"][0];
    INFO(run["preset"]["name"] << " " << b.dump());
    REQUIRE(b["status"] == "ok");
    CHECK(b["accuracy"]["cosine"].get<double>() > 0.99);
    CHECK(b["cross_check"]["agrees"] == true);
  }
  const auto dynamic = run_of(report, "int8-dynamic");
  for (const auto& route : dynamic["evidence"]["batches"][0]["routes"]) {
    CHECK(route["op"] == "quantized::linear_dynamic");
    CHECK(route["math"] == "int8");
    CHECK(route["backend"] == dynamic["libtorch"]["weights_kernel"]);
  }
  CHECK_THAT(effects(dynamic), Contains("weights int8-dynamic: observed (3 of 3 layer runs"));
  const auto int4 = run_of(report, "int4-kleidiai");
  if (!int4["libtorch"].value("kleidiai", false)) {
    CHECK(int4["libtorch"]["weights_status"] == "inert");
    CHECK_THAT(effects(int4), Contains("weights int4: inert here (no KleidiAI in this LibTorch"));
    for (const auto& route : int4["evidence"]["batches"][0]["routes"]) {
      CHECK(route["math"] == "f32"); // the fp32 model ran, not the slow fallback
    }
  }
}

} // namespace

TEST_CASE("quantized presets on this machine: operators, engines, accuracy", "[evidence][e2e][quantized]") {
  const auto report = doctor({});
  common_checks(report);
  const auto onednn = run_of(report, "int8-onednn");
  CHECK(onednn["libtorch"]["quantized_engine"] == "onednn");
  for (const auto& route : onednn["evidence"]["batches"][0]["routes"]) {
    INFO(route.dump());
    CHECK(route["backend"] == "onednn");
    CHECK(route["math"] == "int8");
    // x86's oneDNN quantizes activations to u8, aarch64's (through ACL) to s8: both are int8 data.
    const auto src = route["src_dtype"].get<std::string>();
    CHECK((src == "u8" || src == "s8"));
    CHECK(route["wei_dtype"] == "s8");
  }
  const auto host = gbench::host::query_host();
  const auto weights = run_of(report, "int8-weights");
  if (gbench::evidence::cpu_has_bf16_instructions(host)) {
    CHECK(weights["libtorch"]["weights_status"] == "effective");
    CHECK(weights["evidence"]["batches"][0]["routes"][0]["op"] == "aten::_weight_int8pack_mm");
  } else {
    CHECK(weights["libtorch"]["weights_status"] == "inert");
    CHECK_THAT(effects(weights), Contains("weights int8: inert here") && Contains("bf16 instructions"));
  }
  const auto fp32 = run_of(report, "fp32-precision-bf16");
  CHECK(fp32["libtorch"]["fp32_precision_api"] == "fp32_precision");
  if (gbench::evidence::cpu_has_onednn_bf16(host)) {
    CHECK(fp32["evidence"]["batches"][0]["routes"][0]["backend"] == "onednn");
  }
}

TEST_CASE("quantized presets on a simulated AVX2-only machine", "[evidence][e2e][quantized]") {
  const auto host = gbench::host::query_host();
  if (host.arch != "x86_64") {
    WARN("NOT TESTED: ONEDNN_MAX_CPU_ISA=AVX2 simulates an x86 CPU; this one is " << host.arch);
    return;
  }
  const auto report = doctor({"ONEDNN_MAX_CPU_ISA=AVX2"});
  common_checks(report);
  // oneDNN's int8 matmul without VNNI or AMX: its jit gemm, still int8, and not a reference kernel.
  for (const auto& route : run_of(report, "int8-onednn")["evidence"]["batches"][0]["routes"]) {
    INFO(route.dump());
    CHECK(route["backend"] == "onednn");
    CHECK(route["implementation"] == "gemm:jit");
    CHECK(route["math"] == "int8");
    CHECK_FALSE(route.value("reference", false));
  }
  // The new precision API asks for bf16, which oneDNN capped at AVX2 cannot give: the layers stay on MKL, in fp32.
  const auto fp32 = run_of(report, "fp32-precision-bf16");
  for (const auto& route : fp32["evidence"]["batches"][0]["routes"]) {
    CHECK(route["backend"] == "blas");
    CHECK(route["math"] == "f32");
  }
  CHECK_THAT(effects(fp32), Contains("bf16 math: not observed"));
  std::string verdict;
  for (const auto& k : report["context"]["knobs"]) {
    if (k["knob"] == "fp32_precision") {
      verdict = k["verdict"].get<std::string>() + ": " + k["reason"].get<std::string>();
    }
  }
  CHECK_THAT(verdict, Contains("inert"));
}

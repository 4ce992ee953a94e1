// The doctor and --verify of graviton-bench on this machine, end to end: verdicts, routing evidence, accuracy,
// huge pages. The verdicts' logic and the verbose-log parser have unit tests in tests/evidence/ (knobs.test.cpp,
// onednn_verbose.test.cpp).
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/util/files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using gbench_test::run_cli;

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

std::string verdict(const nlohmann::json& report, const std::string& knob) {
  for (const auto& k : report["context"]["knobs"]) {
    if (k["knob"] == knob) {
      return k["verdict"].get<std::string>() + ": " + k["reason"].get<std::string>();
    }
  }
  return "missing";
}

} // namespace

TEST_CASE("doctor on this machine: verdicts, routing and accuracy per preset", "[doctor][e2e]") {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "doctor.json";
  const auto r = run_cli({"doctor", "--model", "tiny-mlp", "--batch", "32", "--json", path.string()});
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.stdout_text, Contains("knobs") && Contains("evidence") && Contains("accuracy vs float64"));
  const auto report = nlohmann::json::parse(gbench::util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  const auto host = gbench::host::query_host();
  const bool acl_here = run_of(report, "default")["libtorch"]["acl"].get<bool>();

  if (host.arch != "aarch64" || !acl_here) {
    CHECK_THAT(verdict(report, "TORCH_MKLDNN_MATMUL_MIN_DIM"), Contains("inert: read only by aarch64"));
    CHECK_THAT(verdict(report, "DNNL_DEFAULT_FPMATH_MODE"), Contains("inert"));
  }

  // default: float32 all the way, so float32-level agreement with float64.
  const auto def = run_of(report, "default")["evidence"]["batches"][0];
  REQUIRE(def["status"] == "ok");
  CHECK(def["accuracy"]["cosine"].get<double>() > 0.999999);
  CHECK(def["accuracy"]["max_rel_error"].get<double>() < 1e-5);
  CHECK(def["accuracy"]["top1_agreement"].get<double>() == 1.0);
  REQUIRE(def["routes"].size() == 3);
  if (host.arch != "aarch64") {
    for (const auto& route : def["routes"]) {
      CHECK(route["backend"] == "blas"); // x86 fp32 linear: MKL, no oneDNN exec line
    }
  }

  // Routes and accuracy agree everywhere on this host (or the doctor would have said CONTRADICTION).
  CHECK_THAT(r.stdout_text, !Contains("CONTRADICTION"));
  for (const auto& run : report["runs"]) {
    for (const auto& b : run["evidence"]["batches"]) {
      INFO(run["preset"]["name"] << " " << b.dump());
      CHECK(b["cross_check"]["agrees"] == true);
      CHECK(b["cross_check"]["expected_precision"] == b["cross_check"]["observed_precision"]);
    }
  }

  // x86-bf16 (matmul precision 'medium'): what the probe says changed is what the model's evidence shows.
  const auto fast = run_of(report, "x86-bf16")["evidence"]["batches"][0];
  const std::string precision = verdict(report, "matmul_precision");
  INFO(precision);
  for (const auto& k : report["context"]["knobs"]) {
    if (k["knob"] == "matmul_precision" || k["knob"] == "weights_dtype" || k["knob"] == "DNNL_DEFAULT_FPMATH_MODE") {
      CHECK(k["basis"] == "probe");
    }
  }
  bool bf16_layer = false;
  bool allowed_unused = false;
  for (const auto& route : fast["routes"]) {
    bf16_layer = bf16_layer || route["math"] == "bf16";
    allowed_unused = allowed_unused || (route["fpmath"] == "bf16" && route["math"] == "f32");
  }
  if (bf16_layer) {
    // On x86 fp32 linear starts on MKL, so the backend changes as well; with ACL it is on oneDNN already.
    const bool default_on_blas = def["routes"][0]["backend"] == "blas";
    CHECK_THAT(precision, Contains(default_on_blas ? "effective: backend and math changed"
                                                   : "effective: math changed: backend unchanged") &&
                              Contains("fp32 -> bf16"));
    CHECK(fast["cross_check"]["observed_precision"] == "bf16");
    CHECK_THAT(fast["attribution"].get<std::string>(), Contains("math fp32 -> bf16"));
  } else if (allowed_unused) {
    WARN("matmul precision 'medium' reaches oneDNN but computes in fp32 here (no AMX): checking that it is called a "
         "backend change, not bf16 math");
    CHECK_THAT(precision, Contains("effective: backend changed, math unchanged"));
    CHECK(fast["cross_check"]["observed_precision"] == "fp32");
    CHECK_THAT(fast["attribution"].get<std::string>(), Contains("math unchanged"));
  } else {
    WARN("matmul precision 'medium' changed nothing here (no oneDNN bf16 on this CPU): checking that it is inert");
    CHECK_THAT(precision, Contains("inert"));
    CHECK(fast["cross_check"]["observed_precision"] == "fp32");
  }

  // x86-bf16-weights: bf16 operands everywhere, so bf16-level error; a bf16 kernel only with bf16 instructions.
  const auto weights = run_of(report, "x86-bf16-weights")["evidence"]["batches"][0];
  CHECK(weights["cross_check"]["observed_precision"] == "bf16");
  CHECK(weights["accuracy"]["cosine"].get<double>() > 0.99);
  const std::string weights_verdict = verdict(report, "weights_dtype");
  if (gbench::evidence::cpu_has_bf16_instructions(host)) {
    for (const auto& route : weights["routes"]) {
      CHECK(route["math"] == "bf16");
      CHECK(route["src_dtype"] == "bf16");
    }
    CHECK_THAT(weights_verdict, Contains("effective") && Contains("fp32 -> bf16"));
  } else {
    WARN("no bf16 instructions on this CPU: checking that bf16 weights are reported emulated");
    CHECK_THAT(weights_verdict, Contains("emulated"));
    CHECK_THAT(run_of(report, "x86-bf16-weights")["evidence"]["effects"].dump(), Contains("bf16 math: emulated"));
  }
}

TEST_CASE("THP_MEM_ALLOC_ENABLE gives large buffers huge pages where the kernel allows it", "[doctor][e2e][thp]") {
  gbench::util::temp_dir dir;
  // One 1024x1024 layer: 4 MiB of weights, above the allocator's 2 MiB huge-page threshold.
  const auto model = dir.path() / "wide.json";
  std::ofstream(model) << R"({"name": "wide", "input_shape": [32, 32], "hidden": [1024], "outputs": 1024})";
  const auto path = dir.path() / "thp.json";
  const auto r = run_cli({"doctor", "--model", model.string(), "--batch", "8", "--preset", "default,thp", "--json",
                          path.string()});
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(gbench::util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  auto growth = [&](const std::string& preset) {
    const auto ev = run_of(report, preset)["evidence"];
    REQUIRE_FALSE(ev["anon_huge_pages_after"].is_null());
    return ev["anon_huge_pages_after"].get<std::int64_t>() - ev["anon_huge_pages_before"].get<std::int64_t>();
  };
  const std::string mode = report["context"]["host"]["thp_mode"];
  if (mode == "madvise") {
    CHECK(growth("thp") >= std::int64_t{2} << 20);
    CHECK(growth("default") == 0);
    CHECK_THAT(run_of(report, "thp")["evidence"]["effects"].dump(), Contains("transparent huge pages: observed"));
  } else if (mode == "never") {
    WARN("kernel THP mode is 'never': checking that no huge pages appear and the knob is called inert");
    CHECK(growth("thp") == 0);
    CHECK_THAT(verdict(report, "THP_MEM_ALLOC_ENABLE"), Contains("inert"));
  } else {
    WARN("kernel THP mode is '" << mode << "': huge pages may come without the knob; checking only that they come");
    CHECK(growth("thp") >= std::int64_t{2} << 20);
  }
}

TEST_CASE("verify puts evidence and knob verdicts into the run report", "[doctor][e2e][sanitizers]") {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "verify.json";
  const auto r = run_cli({"--model", "tiny-mlp", "--batch", "4", "--warmup", "1", "--iters", "3", "--preset", "bf16",
                          "--verify", "--json", path.string()});
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.stdout_text, Contains("evidence") && Contains("accuracy vs float64"));
  const auto report = nlohmann::json::parse(gbench::util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  CHECK(report["context"]["knobs"].size() >= 5);
  const auto run = run_of(report, "bf16");
  CHECK(run["evidence"]["batches"][0]["routes"].size() == 3);
  CHECK(run["evidence"]["effects"].size() >= 1);
  CHECK_THAT(run["evidence"]["effects"][0].get<std::string>(), Contains("bf16 math"));
}

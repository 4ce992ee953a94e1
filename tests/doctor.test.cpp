// The doctor and --verify on this machine: verdicts from facts, routing evidence, accuracy, huge pages.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "gbench/backend/libtorch.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "schema_check.hpp"
#include "wrapper.hpp"

using Catch::Matchers::Contains;

namespace {

gbench::util::child_status run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), GBENCH_BINARY);
  args = gbench_test::wrapped(std::move(args));
  return gbench::util::run_process(args, gbench::util::current_environment(),
                                   {.forward_stderr = false, .capture_stdout = true});
}

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

TEST_CASE("knob verdicts follow the facts of host and build", "[doctor]") {
  gbench::host::host_info x86;
  x86.arch = "x86_64";
  x86.thp_mode = "madvise";
  x86.isa_features = {"avx2"};
  gbench::backend::libtorch_info torch;
  torch.mkldnn = true;
  torch.blas = "mkl";
  auto find = [](const std::vector<gbench::evidence::knob_verdict>& vs, const std::string& knob) {
    for (const auto& v : vs) {
      if (v.knob == knob) {
        return v;
      }
    }
    FAIL("no verdict for " << knob);
    return gbench::evidence::knob_verdict{};
  };
  auto v = gbench::evidence::assess_knobs(x86, torch);
  CHECK_FALSE(find(v, "DNNL_DEFAULT_FPMATH_MODE").effective);
  CHECK_FALSE(find(v, "TORCH_MKLDNN_MATMUL_MIN_DIM").effective);
  CHECK_THAT(find(v, "TORCH_MKLDNN_MATMUL_MIN_DIM").reason, Contains("aarch64") && Contains("ACL"));
  CHECK(find(v, "THP_MEM_ALLOC_ENABLE").effective);
  CHECK_FALSE(find(v, "matmul_precision").effective); // AVX2 only: no oneDNN bf16

  x86.isa_features = {"avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16"};
  x86.thp_mode = "never";
  v = gbench::evidence::assess_knobs(x86, torch);
  CHECK(find(v, "matmul_precision").effective);
  CHECK_FALSE(find(v, "THP_MEM_ALLOC_ENABLE").effective);

  gbench::host::host_info graviton3;
  graviton3.arch = "aarch64";
  graviton3.thp_mode = "madvise";
  graviton3.isa_features = {"asimd", "sve", "bf16", "i8mm"};
  torch.acl = true;
  torch.blas = "open";
  v = gbench::evidence::assess_knobs(graviton3, torch);
  CHECK(find(v, "DNNL_DEFAULT_FPMATH_MODE").effective);
  CHECK(find(v, "TORCH_MKLDNN_MATMUL_MIN_DIM").effective);
  CHECK(find(v, "THP_MEM_ALLOC_ENABLE").effective);

  graviton3.isa_features = {"asimd"}; // Graviton2: no BF16
  v = gbench::evidence::assess_knobs(graviton3, torch);
  CHECK_FALSE(find(v, "DNNL_DEFAULT_FPMATH_MODE").effective);
  CHECK(find(v, "TORCH_MKLDNN_MATMUL_MIN_DIM").effective);
}

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

  const auto fast = run_of(report, "x86-bf16");
  const auto fast_batch = fast["evidence"]["batches"][0];
  REQUIRE(fast_batch["status"] == "ok");
  if (gbench::evidence::cpu_has_onednn_bf16(host)) {
    // oneDNN with bf16 math on the large layers, and bf16-level (not float32-level) accuracy.
    bool bf16_layer = false;
    for (const auto& route : fast_batch["routes"]) {
      bf16_layer = bf16_layer || (route["backend"] == "onednn" && route["math"] == "bf16");
    }
    CHECK(bf16_layer);
    CHECK(fast_batch["accuracy"]["max_rel_error"].get<double>() > def["accuracy"]["max_rel_error"].get<double>());
    CHECK(fast_batch["accuracy"]["cosine"].get<double>() > 0.99);
  } else {
    // This CPU has no oneDNN bf16: the doctor must say so, and the evidence must agree.
    WARN("no oneDNN bf16 on this CPU: checking that x86-bf16 is reported inert, not that it acts");
    CHECK_THAT(verdict(report, "matmul_precision"), Contains("inert"));
    for (const auto& route : fast_batch["routes"]) {
      CHECK(route["math"] != "bf16");
    }
    CHECK_THAT(fast["evidence"]["effects"].dump(), Contains("bf16 fast-math: no effect observed on this host"));
    CHECK(fast_batch["accuracy"]["cosine"].get<double>() > 0.999999);
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

TEST_CASE("verify puts evidence and knob verdicts into the run report", "[doctor][e2e]") {
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
  CHECK(run["evidence"]["effects"].size() == 1);
}

// record/evidence: what a forward showed (routes, primitives, accuracy, what changed) survives its own to_json.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/record/evidence.hpp"

using namespace gbench;

TEST_CASE("a preset's evidence survives its own to_json, every batch and route of it", "[record]") {
  record::batch_evidence e;
  e.batch = 32;
  e.ok = true;
  e.routes = {{.in_features = 256,
               .out_features = 128,
               .backend = "onednn",
               .implementation = "brg_matmul:avx512_core_amx",
               .isa = "avx512_core_amx",
               .src_dtype = "f32",
               .wei_dtype = "f32",
               .dst_dtype = "f32",
               .fpmath = "bf16",
               .math = "bf16",
               .math_basis = "AMX computes in bf16",
               .execs = 1,
               .op = {},
               .reference = false}};
  e.primitives = {{"matmul", "brg_matmul:avx512_core_amx", "32x256:256x128", "bf16", "f32", "f32", "f32", 1}};
  e.verbose_lines = {"onednn_verbose,v1,primitive,exec,cpu,matmul,brg_matmul:avx512_core_amx"};
  e.accuracy = {
      .cosine = 0.99998, .max_abs_error = 1e-3, .max_rel_error = 2.3e-3, .top1_agreement = 1.0, .unavailable = {}};
  e.attribution = "backend MKL -> oneDNN brg_matmul:avx512_core_amx; math fp32 -> bf16";
  e.expected_precision = "bf16";
  e.observed_precision = "bf16";
  e.baseline_max_rel_error = 5.3e-7;
  record::batch_evidence failed;
  failed.batch = 8;
  failed.error = "the evidence process was killed by signal 9";
  record::run_evidence r;
  r.batches = {e, failed};
  r.huge_pages_before = 0;
  r.huge_pages_after = 4 << 20;
  r.onednn_isa = "Intel AVX10.1 and Intel AMX with bfloat16 and 8-bit integer support";
  r.effects = {"matmul_precision=medium: bf16 math seen"};

  const auto j = record::to_json(r);
  record::run_evidence back;
  from_json(record::node(j, "r.json"), back);
  CHECK(record::to_json(back) == j);
  REQUIRE(back.batches.size() == 2);
  CHECK(back.batches[0].routes.at(0).implementation == "brg_matmul:avx512_core_amx");
  CHECK(back.batches[0].accuracy.max_rel_error == 2.3e-3);
  CHECK(back.batches[0].baseline_max_rel_error == 5.3e-7);
  CHECK_FALSE(back.batches[1].ok);
  CHECK(back.batches[1].error == "the evidence process was killed by signal 9");
  CHECK(back.huge_pages_after == 4 << 20);
}

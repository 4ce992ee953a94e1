// evidence/knobs: whether each knob can act on this host and LibTorch, from the facts of both.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "gbench/backend/libtorch.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/context.hpp"

using Catch::Matchers::Contains;

TEST_CASE("knob verdicts follow the facts of host and build", "[evidence][knobs]") {
  gbench::host::host_info x86;
  x86.arch = "x86_64";
  x86.thp_mode = "madvise";
  x86.isa_features = {"avx2"};
  gbench::backend::libtorch_info torch;
  torch.mkldnn = true;
  torch.blas = "mkl";
  auto find = [](const std::vector<gbench::record::knob_verdict>& vs, const std::string& knob) {
    for (const auto& v : vs) {
      if (v.knob == knob) {
        return v;
      }
    }
    FAIL("no verdict for " << knob);
    return gbench::record::knob_verdict{};
  };
  auto v = gbench::evidence::assess_knobs(x86, torch);
  CHECK_FALSE(find(v, "DNNL_DEFAULT_FPMATH_MODE").effective);
  CHECK_FALSE(find(v, "TORCH_MKLDNN_MATMUL_MIN_DIM").effective);
  CHECK_THAT(find(v, "TORCH_MKLDNN_MATMUL_MIN_DIM").reason, Contains("aarch64") && Contains("ACL"));
  CHECK(find(v, "THP_MEM_ALLOC_ENABLE").effective);
  CHECK_FALSE(find(v, "matmul_precision").effective); // AVX2 only: no oneDNN bf16
  CHECK_FALSE(gbench::evidence::cpu_has_bf16_instructions(x86));

  x86.isa_features = {"avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16"};
  x86.thp_mode = "never";
  v = gbench::evidence::assess_knobs(x86, torch);
  CHECK(find(v, "matmul_precision").effective);
  // The facts allow the backend change; they do not claim bf16 math (only a probe can show it).
  CHECK_THAT(find(v, "matmul_precision").reason, Contains("bf16 allowed") && !Contains("with bf16 math"));
  CHECK(gbench::evidence::cpu_has_bf16_instructions(x86));
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

namespace {

using gbench::record::knob_verdict;

knob_verdict find(const std::vector<knob_verdict>& vs, const std::string& knob) {
  for (const auto& v : vs) {
    if (v.knob == knob) {
      return v;
    }
  }
  FAIL("no verdict for " << knob);
  return {};
}

gbench::backend::libtorch_info x86_wheel() {
  gbench::backend::libtorch_info torch;
  torch.mkldnn = true;
  torch.blas = "mkl";
  torch.quantized_engines = {"qnnpack", "onednn", "x86", "fbgemm"};
  torch.quantized_engine = "x86";
  return torch;
}

} // namespace

TEST_CASE("quantized forms on x86: int8 where the CPU has bf16, int4 never without KleidiAI", "[evidence][knobs]") {
  gbench::host::host_info avx2;
  avx2.arch = "x86_64";
  avx2.isa_features = {"avx2"};
  auto v = gbench::evidence::assess_knobs(avx2, x86_wheel());
  CHECK(find(v, "weights_dtype=int8-dynamic").effective);
  CHECK_FALSE(find(v, "weights_dtype=int8").effective);
  CHECK_THAT(find(v, "weights_dtype=int8").reason,
             Contains("bf16 instructions") && Contains("lacks") && Contains("int8_activations"));
  CHECK_FALSE(find(v, "weights_dtype=int4").effective);
  CHECK_THAT(find(v, "weights_dtype=int4").reason,
             Contains("no KleidiAI in this LibTorch") && Contains("int4_fallback"));
  CHECK(find(v, "quantized_engine").effective);
  CHECK_THAT(find(v, "quantized_engine").reason, Contains("qnnpack, onednn, x86, fbgemm (the default here: x86)"));
  CHECK_FALSE(find(v, "fp32_precision").effective); // AVX2: no oneDNN bf16, no AMX-FP16
  CHECK_THAT(find(v, "fp32_precision").reason, Contains("AMX-FP16"));

  gbench::host::host_info zen4 = avx2;
  zen4.isa_features = {"avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16"};
  v = gbench::evidence::assess_knobs(zen4, x86_wheel());
  CHECK(find(v, "weights_dtype=int8").effective);
  CHECK(find(v, "fp32_precision").effective); // its "bf16" acts; "tf32" does not
  CHECK_THAT(find(v, "fp32_precision").reason, Contains("\"tf32\": needs AMX-FP16"));

  auto granite = zen4;
  granite.isa_features.push_back("amx_fp16");
  CHECK_THAT(find(gbench::evidence::assess_knobs(granite, x86_wheel()), "fp32_precision").reason,
             Contains("\"tf32\": x86 with AMX-FP16"));

  auto no_engine = x86_wheel();
  no_engine.quantized_engines.clear();
  v = gbench::evidence::assess_knobs(zen4, no_engine);
  CHECK_FALSE(find(v, "weights_dtype=int8-dynamic").effective);
  CHECK_FALSE(find(v, "quantized_engine").effective);
}

TEST_CASE("int4 on aarch64: KleidiAI and the dot-product instructions it needs", "[evidence][knobs]") {
  gbench::host::host_info graviton3;
  graviton3.arch = "aarch64";
  graviton3.isa_features = {"asimd", "asimddp", "sve", "bf16", "i8mm"};
  gbench::backend::libtorch_info torch;
  torch.mkldnn = true;
  torch.acl = true;
  torch.kleidiai = true;
  // What PyTorch's aarch64 wheel says: FBGEMM's engines listed, x86 its default, neither can run there.
  torch.quantized_engines = {"qnnpack", "onednn", "x86", "fbgemm"};
  torch.quantized_engine = "x86";
  auto v = gbench::evidence::assess_knobs(graviton3, torch);
  CHECK_THAT(find(v, "quantized_engine").reason,
             Contains("supports qnnpack, onednn; it lists 2 more whose FBGEMM kernels do not run on aarch64") &&
                 Contains("the default here: qnnpack, as its own choice x86 cannot run here"));
  CHECK(find(v, "weights_dtype=int4").effective);
  CHECK_THAT(find(v, "weights_dtype=int4").reason, Contains("KleidiAI") && Contains("I8MM"));
  CHECK(find(v, "weights_dtype=int8").effective);
  CHECK_THAT(find(v, "fp32_precision").reason, Contains("aarch64 LibTorch has no tf32 path"));

  graviton3.isa_features = {"asimd"}; // an Arm core without the dot product (Cortex-A72, Graviton1)
  v = gbench::evidence::assess_knobs(graviton3, torch);
  CHECK_FALSE(find(v, "weights_dtype=int4").effective);
  CHECK_THAT(find(v, "weights_dtype=int4").reason, Contains("asimddp"));
  CHECK_FALSE(find(v, "weights_dtype=int8").effective); // and no BF16

  torch.kleidiai = false;
  CHECK_THAT(find(gbench::evidence::assess_knobs(graviton3, torch), "weights_dtype=int4").reason,
             Contains("no KleidiAI"));
}

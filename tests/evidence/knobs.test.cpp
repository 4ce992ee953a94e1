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

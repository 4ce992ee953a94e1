#pragma once
// A host's peak figures, made up: for the tests of their file format, of reading a --peak file and of the
// roofline placed under them.

#include "gbench/record/peak.hpp"

namespace gbench_test {

inline gbench::record::peak_figures sample_figures(bool with_bf16) {
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

} // namespace gbench_test

#include "gbench/evidence/knobs.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace gbench::evidence {

bool cpu_has_onednn_bf16(const host::host_info& host) {
  if (host.arch == "aarch64") {
    return host.has_feature("bf16");
  }
  // ideep::has_bf16_type_support(): avx512_core (bw+vl+dq) or avx_ne_convert; AMX implies avx512_core.
  return (host.has_feature("avx512bw") && host.has_feature("avx512vl") && host.has_feature("avx512dq")) ||
         host.has_feature("avx_ne_convert") || host.has_feature("amx_bf16");
}

bool cpu_has_bf16_instructions(const host::host_info& host) {
  if (host.arch == "aarch64") {
    return host.has_feature("bf16");
  }
  return host.has_feature("avx512_bf16") || host.has_feature("amx_bf16") || host.has_feature("avx_ne_convert");
}

namespace {

// The quantized engine and forms: each acts where its engine or kernel runs on this CPU and LibTorch.
void quantized_verdicts(const host::host_info& host, const backend::libtorch_info& torch,
                        std::vector<record::knob_verdict>& out) {
  const bool aarch64 = host.arch == "aarch64";
  // Only the engines that run here: PyTorch's aarch64 wheel lists FBGEMM's too (backend::usable_engines).
  const auto engines = backend::usable_engines(torch.quantized_engines, host.arch);
  std::string engine_list;
  for (const auto& e : engines) {
    engine_list += (engine_list.empty() ? "" : ", ") + e;
  }
  if (engines.size() < torch.quantized_engines.size()) {
    engine_list += fmt::format("; it lists {} more whose FBGEMM kernels do not run on {}",
                               torch.quantized_engines.size() - engines.size(), host.arch);
  }
  std::string choice = torch.quantized_engine.empty() ? std::string("unknown") : torch.quantized_engine;
  if (!engines.empty() && std::find(engines.begin(), engines.end(), choice) == engines.end()) {
    const bool qnnpack = std::find(engines.begin(), engines.end(), "qnnpack") != engines.end();
    choice = fmt::format("{}, as its own choice {} cannot run here", qnnpack ? "qnnpack" : engines.front(), choice);
  }
  out.push_back({"quantized_engine", engines.size() > 1,
                 engines.empty()
                     ? std::string("this LibTorch has no quantized engine")
                     : fmt::format("this LibTorch supports {} (the default here: {})", engine_list, choice)});
  out.push_back({"weights_dtype=int8-dynamic", !engines.empty(),
                 engines.empty() ? std::string("this LibTorch has no quantized engine for quantized::linear_dynamic")
                                 : fmt::format("quantized::linear_dynamic on int8 weights prepacked once (engines: {})",
                                               engine_list)});
  const bool bf16_instructions = cpu_has_bf16_instructions(host);
  out.push_back({"weights_dtype=int8", bf16_instructions,
                 bf16_instructions
                     ? std::string("aten::_weight_int8pack_mm on int8 weights with bf16 activations; this CPU has bf16 "
                                   "instructions")
                     : std::string("int8 weights with bf16 activations need bf16 instructions (avx512_bf16, AMX or "
                                   "AVX-NE-CONVERT on x86, BF16 on aarch64), which this CPU lacks; fp32 activations "
                                   "(int8_activations \"f32\") are a slow reference path, run only when asked for")});
  std::string int4_reason;
  bool int4 = false;
  if (!torch.kleidiai) {
    int4_reason = "no KleidiAI in this LibTorch: aten::_dyn_quant_matmul_4bit would run PyTorch's slow reference "
                  "kernel (int4_fallback: true runs it anyway)";
  } else if (aarch64 && !host.has_feature("asimddp")) {
    int4_reason = "this LibTorch has KleidiAI, but its int4 kernels need the dot-product instructions (asimddp), which "
                  "this CPU lacks";
  } else {
    int4 = true;
    int4_reason = fmt::format("KleidiAI's int4 kernels through aten::_dyn_quant_matmul_4bit{}",
                              host.has_feature("i8mm") ? " (the CPU has I8MM for its matrix-multiply variants)" : "");
  }
  out.push_back({"weights_dtype=int4", int4, int4_reason});
}

} // namespace

std::vector<record::knob_verdict> assess_knobs(const host::host_info& host, const backend::libtorch_info& torch) {
  const bool aarch64 = host.arch == "aarch64";
  const bool acl_path = aarch64 && torch.acl && torch.mkldnn;
  const bool bf16 = cpu_has_onednn_bf16(host);
  std::vector<record::knob_verdict> out;

  // Fast-math: acts only where the model's fp32 linear reaches oneDNN, and only with bf16 hardware.
  std::string fpmath_reason;
  bool fpmath = false;
  if (!torch.mkldnn) {
    fpmath_reason = "this LibTorch is built without oneDNN";
  } else if (!aarch64) {
    fpmath_reason = fmt::format("fp32 linear on {} goes to {} sgemm and never reaches oneDNN, whose math mode this sets",
                                host.arch, torch.blas.empty() ? "BLAS" : torch.blas);
  } else if (!torch.acl) {
    fpmath_reason = "this aarch64 LibTorch has no ACL, so fp32 linear does not go to oneDNN";
  } else if (!bf16) {
    fpmath_reason = "fp32 linear goes to oneDNN/ACL, but this CPU lacks the BF16 extension that fast-math needs";
  } else {
    fpmath = true;
    fpmath_reason = "aarch64 LibTorch with oneDNN+ACL and a CPU with BF16: fp32 linear above the size threshold runs "
                    "ACL's bf16 fast-math kernels";
  }
  out.push_back({"DNNL_DEFAULT_FPMATH_MODE", fpmath, fpmath_reason});
  out.push_back({"ONEDNN_DEFAULT_FPMATH_MODE", fpmath, fpmath_reason});

  const std::string min_reason =
      acl_path ? "aarch64 LibTorch with ACL: linear layers with any dimension at or below it go to BLAS instead of oneDNN"
               : fmt::format("read only by aarch64 LibTorch builds with ACL; this LibTorch is {}{}", host.arch,
                             aarch64 ? " without ACL" : "");
  out.push_back({"TORCH_MKLDNN_MATMUL_MIN_DIM", acl_path, min_reason});
  out.push_back({"TORCH_MKLDNN_MATMUL_MIN_SIZE", acl_path, min_reason});

  if (host.thp_mode == "madvise" || host.thp_mode == "always") {
    out.push_back({"THP_MEM_ALLOC_ENABLE", true,
                   host.thp_mode == "always"
                       ? "kernel THP mode is 'always': large buffers may get huge pages even without it; it adds "
                         "2 MiB alignment so more of each buffer can"
                       : "kernel THP mode is 'madvise': LibTorch's madvise(MADV_HUGEPAGE) on buffers of 2 MiB and "
                         "more is what gives them huge pages"});
  } else {
    out.push_back({"THP_MEM_ALLOC_ENABLE", false,
                   fmt::format("kernel THP mode is '{}': the kernel gives no huge pages to madvise requests",
                               host.thp_mode)});
  }

  std::string precision_reason;
  bool precision = false;
  if (!torch.mkldnn) {
    precision_reason = "this LibTorch is built without oneDNN";
  } else if (!bf16) {
    precision_reason = aarch64 ? "this CPU lacks the BF16 extension, so LibTorch keeps fp32 matmul in fp32"
                               : "oneDNN bf16 on x86 needs AVX-512 (avx512bw, avx512vl, avx512dq), AVX-NE-CONVERT or "
                                 "AMX; this CPU has none, so LibTorch keeps fp32 matmul on its fp32 path";
  } else {
    precision = true;
    precision_reason = "'medium' sends fp32 matmul to oneDNN with bf16 allowed; whether it then computes in bf16 "
                       "depends on the kernel oneDNN picks (AMX does, plain AVX-512 stays fp32): graviton-bench "
                       "doctor probes it";
  }
  out.push_back({"matmul_precision", precision, precision_reason});

  // The new float32 precision API: "bf16" asks oneDNN's matmul for what matmul_precision "medium" asks; "tf32"
  // reaches only x86 CPUs with AMX-FP16 (LibTorch's use_mkldnn_tf32_matmul), nothing on aarch64.
  const bool tf32 = !aarch64 && host.has_feature("amx_fp16") && torch.mkldnn;
  out.push_back({"fp32_precision", precision || tf32,
                 fmt::format("\"bf16\": {}; \"tf32\": {}", precision_reason,
                             tf32      ? "x86 with AMX-FP16: fp32 matmul to oneDNN with tf32 allowed"
                             : aarch64 ? "aarch64 LibTorch has no tf32 path"
                                       : "needs AMX-FP16 (amx_fp16), which this CPU lacks")});

  quantized_verdicts(host, torch, out);
  return out;
}

} // namespace gbench::evidence

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gbench/record/evidence.hpp"

namespace gbench::evidence {

/// One primitive execution reported by oneDNN's verbose mode (ONEDNN_VERBOSE=1 or DNNL_VERBOSE=1).
struct primitive_exec {
  std::string kind;           ///< matmul, inner_product, reorder, convolution, ...
  std::string implementation; ///< e.g. gemm:acl, brg_matmul:avx2, jit:uni
  /// The ISA suffix of the implementation when it names one (brg_matmul:avx512_core_amx -> avx512_core_amx,
  /// sve_256, ...); empty for gemm:acl, gemm:jit:bf16, ref:any, whose names carry no ISA.
  std::string isa;
  std::string src_dtype;      ///< f32, bf16, ...; empty when the line has no such memory descriptor
  std::string wei_dtype;
  std::string dst_dtype;
  std::string fpmath;  ///< from attr-fpmath (bf16, tf32, ...); empty when none
  std::string problem; ///< e.g. 32x4096:4096x4096 or mb32ic4096oc4096
  double time_ms = 0;
  /// Parsed from the problem when it is a 2-D matmul (MxK:KxN) or an inner product without spatial
  /// dimensions (mbMicKocN); 0 otherwise.
  std::int64_t m = 0;
  std::int64_t k = 0;
  std::int64_t n = 0;
};

/// The primitive executions in verbose output, in order. Reads the layouts seen from oneDNN 1.x to 3.x:
/// `onednn_verbose,v1,primitive,exec,cpu,...` (seen from 3.8 on), `onednn_verbose,primitive,exec,cpu,...`
/// (3.3, 3.4) and `onednn_verbose,exec,cpu,...` or `dnnl_verbose,exec,cpu,...` (1.x to 3.1), with or
/// without the timestamp of ONEDNN_VERBOSE_TIMESTAMP=1, memory descriptors written `src:f32:...` or
/// `src_f32:...`.
/// Keeps only lines whose operation is exactly `exec`: info, create:*, exec:external (ACL kernel timings),
/// exec:check, graph lines, MKL-DNN 0.x `mkldnn_verbose` lines and any text that is not oneDNN's are skipped.
std::vector<primitive_exec> parse_onednn_verbose(const std::string& text);

/// Whether an implementation name is one of oneDNN's reference kernels (ref:any, gemm:ref, ref_int8:any, ...):
/// plain C++ loops, a slow path that a tuned kernel should have served.
bool is_reference_implementation(const std::string& implementation);

/// A line of a process's stderr that says PyTorch disabled oneDNN for the rest of the process: aarch64 LibTorch
/// warns "mkldnn_matmul failed, switching to BLAS gemm:" (or "... to baddbmm:") and calls
/// setUserEnabledMkldnn(false) after a failed oneDNN matmul, and every later matmul of that process goes to BLAS.
/// Empty when the text has none.
std::string onednn_disabled_warning(const std::string& stderr_text);

/// oneDNN's statement of the CPU it dispatches for, from its `info,cpu,isa:` line (e.g. "Intel AVX-512 with
/// Intel DL Boost and bfloat16 support"); empty when the text has none (no primitive was created).
std::string parse_onednn_isa(const std::string& text);

/// Whether oneDNN's ISA statement promises native bf16 instructions (avx512_bf16, AMX, AVX10, AVX-NE-CONVERT):
/// nullopt when the statement is empty or unknown.
std::optional<bool> onednn_isa_has_bf16(const std::string& onednn_isa);

/// What one kernel computed in, from its data types, its fpmath attribute and its ISA.
struct kernel_math {
  std::string math;  ///< the arithmetic: "bf16", or the source data type ("f32", ...)
  std::string basis; ///< the evidence in words, e.g. "bf16 allowed, fp32 used" or "bf16 data on a bf16 kernel"
};

/// int8 math for 8-bit integer operands (u8 or s8 activations with s8 weights: quantized::linear_dynamic on
/// oneDNN). bf16 math only when the kernel computes in bf16: bf16 operands on a kernel with bf16 instructions (its
/// ISA, or oneDNN's ISA statement `onednn_isa` when the name has none), fp32 operands with attr-fpmath:bf16
/// on an AMX or bf16 kernel (oneDNN down-converts fp32 only there) or on ACL (fast-math). attr-fpmath:bf16
/// on any other fp32 kernel is "bf16 allowed, fp32 used"; bf16 operands on a kernel without bf16
/// instructions are converted and computed in fp32 (emulated).
kernel_math math_of(const primitive_exec& e, const std::string& onednn_isa = {});

/// The distinct primitives of a forward: executions with the same kind, implementation, problem and math,
/// counted. Every primitive oneDNN ran (convolution, matmul, inner product, reorder, eltwise, ...), not only
/// the Linear layers, in the order first seen.
std::vector<record::primitive_summary> summarize_primitives(const std::vector<primitive_exec>& execs,
                                                    const std::string& onednn_isa = {});

} // namespace gbench::evidence

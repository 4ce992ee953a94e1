#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gbench::evidence {

/// One primitive execution reported by oneDNN's verbose mode (ONEDNN_VERBOSE=1 or DNNL_VERBOSE=1).
struct primitive_exec {
  std::string kind;           ///< matmul, inner_product, reorder, convolution, ...
  std::string implementation; ///< e.g. gemm:acl, brg_matmul:avx2, jit:uni
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

/// The math an execution did: bf16 when attr-fpmath asks for bf16 or the operands are bf16 (fast math),
/// else the fpmath mode when not strict, else the source data type.
std::string math_of(const primitive_exec& e);

/// The distinct primitives of a forward: executions with the same kind, implementation, problem and math,
/// counted. Every primitive oneDNN ran (convolution, matmul, inner product, reorder, eltwise, ...), not only
/// the Linear layers, in the order first seen.
struct primitive_summary {
  std::string kind;
  std::string implementation;
  std::string problem; ///< shapes, as oneDNN writes them
  std::string math;
  std::string src_dtype;
  std::string wei_dtype;
  std::string dst_dtype;
  int execs = 0;
};
std::vector<primitive_summary> summarize_primitives(const std::vector<primitive_exec>& execs);

/// Which backend computed one Linear layer of a model.
struct layer_route {
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
  /// "onednn" when oneDNN executed a matching matmul or inner product on every forward; "blas" when no
  /// oneDNN execution matched (PyTorch then took its BLAS path, which prints nothing); "mixed" when some
  /// forwards matched and some did not (PyTorch disables oneDNN for the process after a failure).
  std::string backend;
  std::string implementation; ///< the matching executions' implementation (the most frequent); empty for blas
  /// bf16 when attr-fpmath asks for bf16 or the operands are bf16 (fast math), else the fpmath mode or the
  /// source data type; empty for blas. attr-fpmath permits down-conversion; the implementation says
  /// whether it happened (gemm:acl does, brg_matmul:avx2 cannot).
  std::string math;
  int execs = 0; ///< matching executions attributed to this layer
};

/// Attributes oneDNN executions to the Linear layers (in_features, out_features) of a model that ran
/// `forwards` forward passes at this batch size. An execution matches a layer when M == batch and
/// (K, N) is (in, out) or, for weights given transposed, (out, in). Layers of the same shape share the
/// matching executions evenly. Throws input_error when batch or forwards is not positive.
std::vector<layer_route> route_layers(const std::vector<primitive_exec>& execs, std::int64_t batch,
                                      const std::vector<std::pair<std::int64_t, std::int64_t>>& layers, int forwards);

} // namespace gbench::evidence

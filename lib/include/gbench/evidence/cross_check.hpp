#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/record/run.hpp"

namespace gbench::evidence {

/// bf16 keeps 8 bits of mantissa: a bf16 matmul moves logits by around 1e-3 relative, an fp32 one by around
/// 1e-6. An error is bf16-level from this relative size on...
constexpr double bf16_error_floor = 1e-4;
/// ...and, when the baseline preset's error is known, from this multiple of it.
constexpr double bf16_error_ratio = 10.0;

/// The error level the routes predict: "int4" or "int8" when some layer computed in it, else "bf16" when some layer
/// computed in bf16 or held bf16 operands, else "fp32". int8 and int4 agree with any error from bf16_error_floor
/// on, whatever the baseline's (contradiction, judge).
std::string expected_precision(const std::vector<record::layer_route>& routes);

/// "bf16" when max_rel_error is bf16-level (at least bf16_error_floor and, given the baseline's error,
/// bf16_error_ratio times it), else "fp32".
std::string observed_precision(double max_rel_error, std::optional<double> baseline_max_rel_error);

/// Empty when the routes and the measured error agree; otherwise a message that says both and that one of
/// them is wrong.
std::string contradiction(const std::vector<record::layer_route>& routes, double max_rel_error,
                          std::optional<double> baseline_max_rel_error);

/// A BLAS name as people write it: mkl -> MKL, open/openblas -> OpenBLAS, nvpl -> NVPL; empty -> BLAS.
std::string blas_display_name(const std::string& blas);

/// What changed between `baseline` and `routes` (the same layers at the same batch), in words:
/// "backend MKL -> oneDNN brg_matmul:avx512_core; math unchanged (fp32)", "backend unchanged (oneDNN gemm:acl);
/// math fp32 -> bf16". Partial changes say on how many layers.
std::string attribution(const std::vector<record::layer_route>& routes, const std::vector<record::layer_route>& baseline,
                        const std::string& blas);

/// One route in words: "4096->4096 oneDNN brg_matmul:avx512_core, f32 (bf16 allowed, fp32 used ...)".
std::string describe_route(const record::layer_route& r, const std::string& blas);

/// Judges every evidence run against `baseline` (the default preset's evidence; may be null): per batch the
/// attribution, the expected and observed precision and any contradiction; per preset the effects of the
/// knobs it sets (bf16 math, backend, matmul size threshold, huge pages).
void judge(std::vector<record::preset_run>& runs, const record::preset_run* baseline);

} // namespace gbench::evidence

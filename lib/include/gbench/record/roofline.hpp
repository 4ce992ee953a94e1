#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include <vector>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/record/context.hpp"
#include "gbench/record/peak.hpp"

namespace gbench::record {

/// Bytes one forward moves at least: the float32 weights and biases read once, each Linear's input read once
/// and its output written once (float32).
double bytes_per_forward(const config::model_spec& model, std::int64_t batch);

/// The roofline of a result that reached `achieved_gflops`. The compute ceiling is the bf16 GEMM's when
/// `bf16_math` (the preset's matmul computes in bf16 on this host) and one was measured, else the fp32 GEMM's.
roofline make_roofline(const config::model_spec& model, std::int64_t batch, double achieved_gflops,
                       const peak_figures& peak, bool bf16_math);

/// Whether a preset's fp32 matmul computes in bf16 on this host: it asks for bf16 math (matmul precision
/// `medium`, or DNNL_DEFAULT_FPMATH_MODE / ONEDNN_DEFAULT_FPMATH_MODE = BF16 or ANY) through a knob whose
/// verdict here is effective. Its roofline then takes the bf16 ceiling.
bool computes_in_bf16(const config::preset& preset, const std::vector<knob_verdict>& verdicts);

} // namespace gbench::record

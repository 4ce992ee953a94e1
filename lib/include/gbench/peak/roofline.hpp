#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include <vector>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/peak/peak.hpp"

namespace gbench::peak {

/// Where one (preset, batch) result stands against the machine's ceilings.
struct roofline {
  double flops = 0;          ///< per forward: 2*in*out per Linear per sample
  double bytes = 0;          ///< per forward, see bytes_per_forward
  double intensity = 0;      ///< flops / bytes
  std::string ceiling;       ///< the compute peak used: "fp32" or "bf16"
  double peak_gflops = 0;    ///< that peak
  double bandwidth_gbps = 0; ///< the triad's
  double bound_gflops = 0;   ///< min(peak, intensity * bandwidth)
  bool memory_bound = false; ///< intensity * bandwidth is the smaller
  double achieved_gflops = 0;
  double percent_of_bound = 0; ///< achieved / bound * 100
};

/// Bytes one forward moves at least: the float32 weights and biases read once, each Linear's input read once
/// and its output written once (float32).
double bytes_per_forward(const config::model_spec& model, std::int64_t batch);

/// The roofline of a result that reached `achieved_gflops`. The compute ceiling is the bf16 GEMM's when
/// `bf16_math` (the preset's matmul computes in bf16 on this host) and one was measured, else the fp32 GEMM's.
roofline make_roofline(const config::model_spec& model, std::int64_t batch, double achieved_gflops,
                       const figures& peak, bool bf16_math);

/// Whether a preset's fp32 matmul computes in bf16 on this host: it asks for bf16 math (matmul precision
/// `medium`, or DNNL_DEFAULT_FPMATH_MODE / ONEDNN_DEFAULT_FPMATH_MODE = BF16 or ANY) through a knob whose
/// verdict here is effective. Its roofline then takes the bf16 ceiling.
bool computes_in_bf16(const config::preset& preset, const std::vector<evidence::knob_verdict>& verdicts);

} // namespace gbench::peak

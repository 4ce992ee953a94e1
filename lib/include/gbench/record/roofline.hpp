#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include <vector>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/record/context.hpp"
#include "gbench/record/peak.hpp"
#include "gbench/record/run.hpp"

namespace gbench::record {

/// What a result is held against: the math its layers computed in, which picks the compute roof, and the bytes
/// per element of its weights as stored and of its activations, which set the bytes per forward.
struct roof_basis {
  std::string math = "fp32";    ///< "fp32", "bf16" or "int8" (int4 computes with int8 dot products)
  double weight_bytes = 4;      ///< per weight element as stored: 4 (fp32), 2 (bf16), 1 (int8), 0.5 (int4)
  double activation_bytes = 4;  ///< per activation element: 2 for bf16 activations, else 4
  std::string basis;            ///< where these came from, in words
};

/// Bytes one forward moves at least: the weights read once at `weight_bytes` an element (biases in fp32, or bf16
/// beside bf16 weights), each Linear's input read once and its output written once at `activation_bytes`.
double bytes_per_forward(const config::model_spec& model, std::int64_t batch, double weight_bytes = 4,
                         double activation_bytes = 4);

/// From what ran: the math of the layers that computed most of the FLOPs at `batch` in the run's evidence (another
/// batch's when that one has none), and the weights' stored type that its process reported
/// (libtorch_info::weights). Without evidence, from the preset: bf16 only where computes_in_bf16 says so.
roof_basis roof_basis_of(const preset_run& run, std::int64_t batch, const std::vector<knob_verdict>& verdicts);

/// The roofline of a result that reached `achieved_gflops`. The compute ceiling is the peak GEMM of the basis's
/// math where one was measured; else the fp32 GEMM's, and the roofline's basis says which roof was absent.
roofline make_roofline(const config::model_spec& model, std::int64_t batch, double achieved_gflops,
                       const peak_figures& peak, const roof_basis& basis);

/// Whether a preset's fp32 matmul computes in bf16 on this host: it asks for bf16 math (matmul precision
/// `medium`, or DNNL_DEFAULT_FPMATH_MODE / ONEDNN_DEFAULT_FPMATH_MODE = BF16 or ANY) through a knob whose
/// verdict here is effective. Its roofline then takes the bf16 ceiling.
bool computes_in_bf16(const config::preset& preset, const std::vector<knob_verdict>& verdicts);

} // namespace gbench::record

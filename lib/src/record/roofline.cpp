#include "gbench/record/roofline.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace gbench::record {

double bytes_per_forward(const config::model_spec& model, std::int64_t batch, double weight_bytes,
                         double activation_bytes) {
  const auto layers = model.linear_layers();
  if (layers.empty()) { // a model file: its parameters as stored
    return static_cast<double>(model.weight_bytes());
  }
  const double bias_bytes = weight_bytes == 2 ? 2.0 : 4.0;
  double weights = 0;
  double activations = 0;
  for (const auto& [in, out] : layers) {
    weights += static_cast<double>(in * out) * weight_bytes + static_cast<double>(out) * bias_bytes;
    activations += static_cast<double>(batch) * static_cast<double>(in + out);
  }
  return weights + activations * activation_bytes;
}

roofline make_roofline(const config::model_spec& model, std::int64_t batch, double achieved_gflops,
                       const peak_figures& peak, const roof_basis& basis) {
  roofline r;
  r.flops = model.flops_per_sample() * static_cast<double>(batch);
  r.bytes = bytes_per_forward(model, batch, basis.weight_bytes, basis.activation_bytes);
  r.intensity = r.flops / r.bytes;
  const std::optional<gemm_figure>& roof = basis.math == "bf16" ? peak.bf16 : basis.math == "int8" ? peak.int8 : peak.fp32;
  r.ceiling = roof ? basis.math : "fp32";
  r.peak_gflops = roof ? roof->gflops : peak.fp32.gflops;
  r.basis = basis.basis;
  if (!roof) {
    const std::string& why = basis.math == "bf16" ? peak.bf16_hardware : peak.int8_hardware;
    r.basis += fmt::format("; no {} roof in the peak figures ({}): the fp32 roof instead", basis.math,
                           why.empty() ? "not measured" : why);
  }
  r.bandwidth_gbps = peak.triad.gbps;
  const double memory_roof = r.intensity * r.bandwidth_gbps; // FLOP/B * GB/s = GFLOP/s
  r.memory_bound = memory_roof < r.peak_gflops;
  r.bound_gflops = std::min(r.peak_gflops, memory_roof);
  r.achieved_gflops = achieved_gflops;
  r.percent_of_bound = r.bound_gflops > 0 ? 100.0 * achieved_gflops / r.bound_gflops : 0.0;
  return r;
}

namespace {

double element_bytes(const std::string& weights) {
  if (weights == "bf16") {
    return 2;
  }
  if (weights == "int8" || weights == "int8-dynamic") {
    return 1;
  }
  return weights == "int4" ? 0.5 : 4;
}

// The doctor's word that bf16 data is converted and computed in fp32 on this host.
bool emulated_bf16(const std::vector<knob_verdict>& verdicts) {
  return std::any_of(verdicts.begin(), verdicts.end(),
                     [](const knob_verdict& v) { return v.knob == "weights_dtype" && (!v.effective || v.emulated); });
}

// The evidence of `batch`, else of any batch, with routes.
const batch_evidence* evidence_at(const preset_run& run, std::int64_t batch) {
  if (!run.evidence) {
    return nullptr;
  }
  const batch_evidence* any = nullptr;
  for (const auto& e : run.evidence->batches) {
    if (e.ok && !e.routes.empty()) {
      if (e.batch == batch) {
        return &e;
      }
      any = any == nullptr ? &e : any;
    }
  }
  return any;
}

// The math that computed most of the FLOPs, by layer.
std::string dominant_math(const batch_evidence& e) {
  std::vector<std::pair<std::string, double>> flops;
  for (const auto& r : e.routes) {
    const std::string math = r.math == "bf16" ? "bf16" : r.math == "int8" || r.math == "int4" ? "int8" : "fp32";
    const double f = static_cast<double>(r.in_features) * static_cast<double>(r.out_features);
    const auto it = std::find_if(flops.begin(), flops.end(), [&](const auto& p) { return p.first == math; });
    if (it == flops.end()) {
      flops.emplace_back(math, f);
    } else {
      it->second += f;
    }
  }
  return std::max_element(flops.begin(), flops.end(), [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

} // namespace

roof_basis roof_basis_of(const preset_run& run, std::int64_t batch, const std::vector<knob_verdict>& verdicts) {
  roof_basis b;
  const bool stored = run.libtorch && !run.libtorch->weights.empty();
  const std::string weights = stored ? run.libtorch->weights : run.preset.settings.weights_dtype.value_or("f32");
  b.weight_bytes = element_bytes(weights);
  const bool bf16_activations =
      weights == "bf16" || (weights == "int8" && run.preset.settings.int8_activations.value_or("bf16") == "bf16");
  b.activation_bytes = bf16_activations ? 2 : 4;
  if (const auto* e = evidence_at(run, batch)) {
    b.math = dominant_math(*e);
    b.basis = fmt::format("evidence at batch {}: most FLOPs in {}; weights stored as {}", e->batch, b.math, weights);
    return b;
  }
  if (weights == "int8-dynamic" || weights == "int4") {
    b.math = "int8";
  } else if ((bf16_activations && !emulated_bf16(verdicts)) || computes_in_bf16(run.preset, verdicts)) {
    b.math = "bf16";
  }
  b.basis = fmt::format("the preset's settings (no evidence: --verify records it): {} math; weights {}", b.math, weights);
  return b;
}

namespace {

bool effective(const std::vector<knob_verdict>& verdicts, const std::string& knob) {
  return std::any_of(verdicts.begin(), verdicts.end(),
                     [&](const knob_verdict& v) { return v.knob == knob && v.effective; });
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

} // namespace

bool computes_in_bf16(const config::preset& preset, const std::vector<knob_verdict>& verdicts) {
  if (preset.settings.matmul_precision.value_or("highest") == "medium" && effective(verdicts, "matmul_precision")) {
    return true;
  }
  for (const char* knob : {"DNNL_DEFAULT_FPMATH_MODE", "ONEDNN_DEFAULT_FPMATH_MODE"}) {
    const auto it = preset.env.find(knob);
    if (it != preset.env.end() && (upper(it->second) == "BF16" || upper(it->second) == "ANY") &&
        effective(verdicts, knob)) {
      return true;
    }
  }
  return false;
}

} // namespace gbench::record

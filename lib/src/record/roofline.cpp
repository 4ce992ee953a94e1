#include "gbench/record/roofline.hpp"

#include <algorithm>
#include <cctype>

namespace gbench::record {

double bytes_per_forward(const config::model_spec& model, std::int64_t batch) {
  double activations = 0;
  for (const auto& [in, out] : model.linear_layers()) {
    activations += static_cast<double>(batch) * static_cast<double>(in + out);
  }
  return static_cast<double>(model.weight_bytes()) + activations * static_cast<double>(sizeof(float));
}

roofline make_roofline(const config::model_spec& model, std::int64_t batch, double achieved_gflops,
                       const peak_figures& peak, bool bf16_math) {
  roofline r;
  r.flops = model.flops_per_sample() * static_cast<double>(batch);
  r.bytes = bytes_per_forward(model, batch);
  r.intensity = r.flops / r.bytes;
  const bool bf16 = bf16_math && peak.bf16.has_value();
  r.ceiling = bf16 ? "bf16" : "fp32";
  r.peak_gflops = bf16 ? peak.bf16->gflops : peak.fp32.gflops;
  r.bandwidth_gbps = peak.triad.gbps;
  const double memory_roof = r.intensity * r.bandwidth_gbps; // FLOP/B * GB/s = GFLOP/s
  r.memory_bound = memory_roof < r.peak_gflops;
  r.bound_gflops = std::min(r.peak_gflops, memory_roof);
  r.achieved_gflops = achieved_gflops;
  r.percent_of_bound = r.bound_gflops > 0 ? 100.0 * achieved_gflops / r.bound_gflops : 0.0;
  return r;
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

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "gbench/evidence/cross_check.hpp"
#include "gbench/evidence/gather.hpp"

namespace gbench::evidence {

namespace {

// Big enough for every dispatch threshold on the way (x86: m*n*k > 4096 for oneDNN's reduced-precision
// gemm; aarch64: every dimension above TORCH_MKLDNN_MATMUL_MIN_DIM's default 8, m*n*k above 8192), small
// enough to be instant under emulation, and long enough a dot product (256) that bf16 shows (about 1e-3).
constexpr std::int64_t probe_batch = 64;
constexpr std::int64_t probe_width = 256;

struct probe_setting {
  std::string knob;
  config::preset preset;
};

std::vector<probe_setting> probe_settings() {
  std::vector<probe_setting> out;
  config::preset precision{"probe-matmul-precision", "float32 matmul precision 'medium'", {}, {}};
  precision.settings.matmul_precision = "medium";
  out.push_back({"matmul_precision", precision});
  out.push_back({"DNNL_DEFAULT_FPMATH_MODE",
                 {"probe-fpmath", "DNNL_DEFAULT_FPMATH_MODE=BF16", {{"DNNL_DEFAULT_FPMATH_MODE", "BF16"}}, {}}});
  config::preset fp32{"probe-fp32-precision", "float32 precision 'bf16' for oneDNN's matmul (the new API)", {}, {}};
  fp32.settings.fp32_precision = "bf16";
  out.push_back({"fp32_precision", fp32});
  config::preset weights{"probe-bf16-weights", "bf16 weights and input", {}, {}};
  weights.settings.weights_dtype = "bf16";
  out.push_back({"weights_dtype", weights});
  return out;
}

knob_verdict verdict_from(const std::string& knob, const record::preset_run& probe, const knob_verdict* facts) {
  knob_verdict v;
  v.knob = knob;
  v.basis = "probe";
  const record::batch_evidence* e =
      probe.ok && probe.evidence && !probe.evidence->batches.empty() && probe.evidence->batches[0].ok
          ? &probe.evidence->batches[0]
          : nullptr;
  if (e == nullptr || e->attribution.empty()) {
    v.basis = "facts";
    v.effective = facts != nullptr && facts->effective;
    v.reason = fmt::format("{} (the probe did not run: {})", facts != nullptr ? facts->reason : std::string("no facts"),
                           probe.ok ? "no evidence" : probe.error);
    return v;
  }
  const bool backend = !e->attribution.starts_with("backend unchanged");
  // A BLAS kernel prints nothing: bf16 data that stayed outside oneDNN is not an observed change of math.
  const bool math = e->attribution.find("math unchanged") == std::string::npos &&
                    e->attribution.find("-> unobserved") == std::string::npos;
  v.effective = backend || math;
  const std::string basis = e->routes.empty() ? std::string{} : e->routes[0].math_basis;
  v.emulated = !v.effective && basis.find("emulated") != std::string::npos;
  const std::string what = backend && math ? "backend and math changed"
                           : backend       ? "backend changed, math unchanged"
                           : math          ? "math changed"
                           : v.emulated    ? "emulated, nothing faster to expect"
                           : e->attribution.find("-> unobserved") != std::string::npos
                               ? "no bf16 kernel observed"
                               : "nothing changed";
  v.reason = fmt::format("{}: {} ({}); {}x{} by {}x{} matmul, max rel error {:.1e} against {:.1e} without it", what,
                         e->attribution, basis, probe_batch, probe_width, probe_width, probe_width, e->accuracy.max_rel_error,
                         e->baseline_max_rel_error.value_or(0.0));
  if (!e->contradiction.empty()) {
    v.reason += "; " + e->contradiction;
  }
  if (!v.effective && facts != nullptr && !facts->reason.empty()) {
    v.reason += "; " + facts->reason;
  }
  return v;
}

} // namespace

std::vector<knob_verdict> probe_knobs(const run::plan& plan, const std::string& executable,
                                      const host::host_info& host, const backend::libtorch_info& torch) {
  auto verdicts = assess_knobs(host, torch);
  if (!torch.mkldnn) {
    return verdicts; // without oneDNN there is nothing for a bf16 setting to reach
  }
  run::plan probe;
  probe.model.name = "probe";
  probe.model.description = "one Linear, the bf16 settings' probe";
  probe.model.input_shape = {probe_width};
  probe.model.outputs = probe_width;
  probe.batches = {probe_batch};
  probe.managed_env = plan.managed_env;
  probe.env_overrides = plan.env_overrides;
  probe.threads = plan.threads;
  probe.seed = plan.seed;
  probe.presets.push_back({"probe-none", "no setting", {}, {}});
  const auto settings = probe_settings();
  for (const auto& s : settings) {
    probe.presets.push_back(s.preset);
  }
  auto found = run::execute(probe, executable, true);
  judge(found, &found.front());

  auto find = [&](const std::string& knob) -> knob_verdict* {
    const auto it = std::find_if(verdicts.begin(), verdicts.end(), [&](const knob_verdict& v) { return v.knob == knob; });
    return it == verdicts.end() ? nullptr : &*it;
  };
  for (std::size_t i = 0; i < settings.size(); ++i) {
    auto* facts = find(settings[i].knob);
    auto v = verdict_from(settings[i].knob, found[i + 1], facts);
    if (facts != nullptr) {
      *facts = v;
    } else {
      verdicts.push_back(v);
    }
  }
  // The same setting under oneDNN's newer prefix.
  if (auto* newer = find("ONEDNN_DEFAULT_FPMATH_MODE"); newer != nullptr) {
    const auto* dnnl = find("DNNL_DEFAULT_FPMATH_MODE");
    *newer = *dnnl;
    newer->knob = "ONEDNN_DEFAULT_FPMATH_MODE";
    newer->reason = "as DNNL_DEFAULT_FPMATH_MODE, of which it is the newer name: " + dnnl->reason;
  }
  return verdicts;
}

} // namespace gbench::evidence

#include "gbench/run/evidence.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/evidence/cross_check.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/evidence/routes.hpp"
#include "gbench/run/worker.hpp"
#include "orchestrator_parts.hpp"

namespace gbench::run {

std::vector<record::preset_run> gather_evidence(const plan& p, const config::preset& default_preset,
                                             const std::string& executable) {
  auto evidence_plan = p;
  const bool has_default = std::any_of(p.presets.begin(), p.presets.end(),
                                       [](const config::preset& x) { return x.name == "default"; });
  if (!has_default) {
    evidence_plan.presets.push_back(default_preset);
  }
  auto found = execute(evidence_plan, executable, true);
  // Each model's presets against that model's default preset (several models: --model a.pt,a.pt2).
  std::vector<std::string> models;
  for (const auto& r : found) {
    if (std::find(models.begin(), models.end(), r.model) == models.end()) {
      models.push_back(r.model);
    }
  }
  for (const auto& model : models) {
    std::vector<record::preset_run> group;
    for (const auto& r : found) {
      if (r.model == model) {
        group.push_back(r);
      }
    }
    const auto baseline = std::find_if(group.begin(), group.end(), [](const record::preset_run& r) {
      return r.preset.name == "default";
    });
    // judge() rewrites the runs it is given: the baseline it reads is a copy.
    const std::optional<record::preset_run> base =
        baseline == group.end() ? std::nullopt : std::optional<record::preset_run>(*baseline);
    evidence::judge(group, base ? &*base : nullptr);
    std::size_t next = 0;
    for (auto& r : found) {
      if (r.model == model) {
        r = std::move(group[next++]);
      }
    }
  }
  if (!has_default) {
    found.erase(std::remove_if(found.begin(), found.end(),
                               [](const record::preset_run& r) { return r.preset.name == "default"; }),
                found.end());
  }
  return found;
}

void attach_evidence(std::vector<record::preset_run>& runs, const std::vector<record::preset_run>& found) {
  for (auto& r : runs) {
    for (const auto& f : found) {
      if (f.preset.name != r.preset.name || f.model != r.model) {
        continue;
      }
      r.evidence = f.evidence ? *f.evidence : record::run_evidence{};
      if (!f.ok) {
        r.evidence->effects.push_back("evidence: " + f.error);
      }
    }
  }
}

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

record::knob_verdict verdict_from(const std::string& knob, const record::preset_run& probe, const record::knob_verdict* facts) {
  record::knob_verdict v;
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

std::vector<record::knob_verdict> probe_knobs(const plan& p, const std::string& executable,
                                      const host::host_info& host, const backend::libtorch_info& torch) {
  auto verdicts = evidence::assess_knobs(host, torch);
  if (!torch.mkldnn) {
    return verdicts; // without oneDNN there is nothing for a bf16 setting to reach
  }
  plan probe;
  probe.model.name = "probe";
  probe.model.description = "one Linear, the bf16 settings' probe";
  probe.model.input_shape = {probe_width};
  probe.model.outputs = probe_width;
  probe.batches = {probe_batch};
  probe.managed_env = p.managed_env;
  probe.env_overrides = p.env_overrides;
  probe.threads = p.threads;
  probe.seed = p.seed;
  probe.presets.push_back({"probe-none", "no setting", {}, {}});
  const auto settings = probe_settings();
  for (const auto& s : settings) {
    probe.presets.push_back(s.preset);
  }
  auto found = execute(probe, executable, true);
  evidence::judge(found, &found.front());

  auto find = [&](const std::string& knob) -> record::knob_verdict* {
    const auto it = std::find_if(verdicts.begin(), verdicts.end(), [&](const record::knob_verdict& v) { return v.knob == knob; });
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


namespace {

// oneDNN's exec lines between the markers of each batch, by batch.
std::map<std::int64_t, std::string> split_by_batch(const std::string& out) {
  std::map<std::int64_t, std::string> by_batch;
  std::istringstream in(out);
  // A plain flag beside the batch, not std::optional: GCC 12 at -O3 warns (-Wmaybe-uninitialized) about the
  // optional's value inlined into the map lookup, which would fail a -Werror build.
  bool inside = false;
  std::int64_t current = 0;
  const std::string begin = std::string(evidence_marker) + ",begin,";
  const std::string end = std::string(evidence_marker) + ",end,";
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(begin)) {
      current = std::stoll(line.substr(begin.size()));
      inside = true;
    } else if (line.starts_with(end)) {
      inside = false;
    } else if (inside && line.find(",exec,") != std::string::npos) {
      by_batch[current] += line + "\n";
    }
  }
  return by_batch;
}

} // namespace

namespace detail {

void attach_routes(record::preset_run& run, const std::string& stdout_text, const job& j, bool cpu_has_bf16) {
  if (!run.evidence) {
    return;
  }
  const auto lines = split_by_batch(stdout_text);
  run.evidence->onednn_isa = evidence::parse_onednn_isa(stdout_text);
  evidence::route_facts facts;
  facts.onednn_isa = run.evidence->onednn_isa;
  evidence::set_weights_facts(facts, j.preset.settings, run.libtorch ? run.libtorch->weights : std::string{},
                              run.libtorch ? run.libtorch->weights_kernel : std::string{});
  facts.cpu_has_bf16 = cpu_has_bf16;
  for (auto& e : run.evidence->batches) {
    if (!e.ok) {
      continue;
    }
    const auto it = lines.find(e.batch);
    const std::string text = it == lines.end() ? std::string{} : it->second;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      e.verbose_lines.push_back(line);
    }
    const auto execs = evidence::parse_onednn_verbose(text);
    e.primitives = evidence::summarize_primitives(execs, facts.onednn_isa);
    facts.ops = e.operators;
    e.routes = evidence::route_layers(execs, e.batch, j.model.linear_layers(), 1, facts);
  }
}

} // namespace detail

} // namespace gbench::run

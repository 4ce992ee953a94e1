#include "gbench/evidence/gather.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/evidence/cross_check.hpp"

namespace gbench::evidence {

std::vector<record::preset_run> gather_evidence(const run::plan& plan, const config::preset& default_preset,
                                             const std::string& executable) {
  auto evidence_plan = plan;
  const bool has_default = std::any_of(plan.presets.begin(), plan.presets.end(),
                                       [](const config::preset& p) { return p.name == "default"; });
  if (!has_default) {
    evidence_plan.presets.push_back(default_preset);
  }
  auto found = run::execute(evidence_plan, executable, true);
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
    judge(group, base ? &*base : nullptr);
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

void print_evidence(const std::vector<record::preset_run>& runs, double cosine_threshold, std::ostream& out) {
  for (const auto& r : runs) {
    if (r.repetition != 1) {
      continue; // evidence is per preset: the same for every repetition
    }
    out << fmt::format("  {}{}", r.model.empty() ? "" : r.model + " ", r.preset.name);
    if (!r.ok) {
      out << fmt::format(": FAILED, {}\n", r.error);
      continue;
    }
    const record::run_evidence none;
    const auto& ev = r.evidence ? *r.evidence : none;
    const std::int64_t grew = ev.huge_pages_before && ev.huge_pages_after ? *ev.huge_pages_after - *ev.huge_pages_before : 0;
    out << fmt::format("  (huge pages after building and running the model: {:.1f} MiB)\n",
                       static_cast<double>(grew) / 1048576.0);
    const std::string blas = r.libtorch ? r.libtorch->blas : std::string{};
    for (const auto& e : ev.batches) {
      if (!e.ok) {
        out << fmt::format("    batch {}: FAILED, {}\n", e.batch, e.error);
        continue;
      }
      out << fmt::format("    batch {}:\n", e.batch);
      for (const auto& route : e.routes) {
        out << fmt::format("      {}\n", describe_route(route, blas));
      }
      if (e.routes.empty()) {
        // A model file: every oneDNN primitive of the forward, as oneDNN reported it.
        out << fmt::format("      {}\n", e.primitives.empty()
                                             ? std::string("no oneDNN primitive ran (every operator took a BLAS or "
                                                           "native kernel)")
                                             : fmt::format("{} distinct oneDNN primitives", e.primitives.size()));
        for (const auto& p : e.primitives) {
          out << fmt::format("        {} {} ({}) {} x{}{}\n", p.kind, p.implementation, p.math, p.problem, p.execs,
                             is_reference_implementation(p.implementation) ? "  REFERENCE KERNEL (slow path)" : "");
        }
        // And the operators that computed its matrix products (quantized ones print nothing to oneDNN).
        std::vector<std::pair<std::string, int>> counted;
        for (const auto& op : e.operators) {
          const auto it =
              std::find_if(counted.begin(), counted.end(), [&](const auto& c) { return c.first == op.name; });
          if (it == counted.end()) {
            counted.emplace_back(op.name, 1);
          } else {
            ++it->second;
          }
        }
        if (!counted.empty()) {
          std::vector<std::string> items;
          for (const auto& [name, n] : counted) {
            items.push_back(fmt::format("{} x{}", name, n));
          }
          out << fmt::format("      matrix operators: {}\n", fmt::join(items, ", "));
        }
      }
      if (!e.accuracy.unavailable.empty()) {
        out << fmt::format("      accuracy vs float64: {}\n", e.accuracy.unavailable);
        continue;
      }
      const std::string versus =
          e.baseline_max_rel_error
              ? fmt::format(" ({:.0f}x the default preset's {:.2e})",
                            *e.baseline_max_rel_error > 0 ? e.accuracy.max_rel_error / *e.baseline_max_rel_error : 0.0,
                            *e.baseline_max_rel_error)
              : "";
      out << fmt::format("      accuracy vs float64: cosine {:.6f}, max abs error {:.3g}, max rel error {:.2e}{}, "
                         "top-1 agreement {:.1f}%: {}-level{}\n",
                         e.accuracy.cosine, e.accuracy.max_abs_error, e.accuracy.max_rel_error, versus,
                         100 * e.accuracy.top1_agreement,
                         e.observed_precision.empty() ? "unjudged" : e.observed_precision,
                         e.accuracy.cosine < cosine_threshold ? fmt::format("  BELOW THRESHOLD {}", cosine_threshold) : "");
      if (!e.attribution.empty()) {
        out << fmt::format("      changed against default: {}\n", e.attribution);
      }
      if (!e.contradiction.empty()) {
        out << fmt::format("      !!! {}\n", e.contradiction);
      }
    }
    if (!ev.onednn_isa.empty()) {
      out << fmt::format("    oneDNN dispatches for: {}\n", ev.onednn_isa);
    }

    for (const auto& effect : ev.effects) {
      if (effect.find("CONTRADICTION") == std::string::npos) { // already shown under its batch
        out << fmt::format("    {}\n", effect);
      }
    }
  }
}

void print_knob_verdicts(const std::vector<knob_verdict>& verdicts, std::ostream& out) {
  std::size_t width = 0;
  for (const auto& v : verdicts) {
    width = std::max(width, v.knob.size());
  }
  for (const auto& v : verdicts) {
    out << fmt::format("  {:<{}}  {:<9}  {}{}\n", v.knob, width,
                       v.effective ? "effective" : (v.emulated ? "emulated" : "inert"),
                       v.basis == "probe" ? "probe: " : "", v.reason);
  }
}

} // namespace gbench::evidence

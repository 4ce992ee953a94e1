#include "gbench/report/evidence_text.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/evidence/cross_check.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/evidence/onednn_verbose.hpp"

namespace gbench::report {

namespace {

// "aten::addmm x3, quantized::linear_dynamic x1": each operator with its count, in the order first seen.
std::string counted_operators(const std::vector<record::op_call>& operators) {
  std::vector<std::pair<std::string, int>> counted;
  for (const auto& op : operators) {
    const auto it = std::find_if(counted.begin(), counted.end(), [&](const auto& c) { return c.first == op.name; });
    if (it == counted.end()) {
      counted.emplace_back(op.name, 1);
    } else {
      ++it->second;
    }
  }
  std::vector<std::string> items;
  for (const auto& [name, n] : counted) {
    items.push_back(fmt::format("{} x{}", name, n));
  }
  return fmt::format("{}", fmt::join(items, ", "));
}

} // namespace

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
        out << fmt::format("      {}\n", evidence::describe_route(route, blas));
      }
      if (e.routes.empty()) {
        // A model file: every oneDNN primitive of the forward, as oneDNN reported it.
        out << fmt::format("      {}\n", e.primitives.empty()
                                             ? std::string("no oneDNN primitive ran (every operator took a BLAS or "
                                                           "native kernel)")
                                             : fmt::format("{} distinct oneDNN primitives", e.primitives.size()));
        for (const auto& p : e.primitives) {
          out << fmt::format("        {} {} ({}) {} x{}{}\n", p.kind, p.implementation, p.math, p.problem, p.execs,
                             evidence::is_reference_implementation(p.implementation) ? "  REFERENCE KERNEL (slow path)" : "");
        }
        // And the operators that computed its matrix products (quantized ones print nothing to oneDNN).
        if (!e.operators.empty()) {
          out << fmt::format("      matrix operators: {}\n", counted_operators(e.operators));
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

void print_knob_verdicts(const std::vector<record::knob_verdict>& verdicts, std::ostream& out) {
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

void print_host_facts(const host::host_info& host, const backend::libtorch_info& torch, std::ostream& out) {
  out << "host\n";
  out << fmt::format("  arch               {}\n", host.arch);
  out << fmt::format("  cpu                {}{}\n", host.cpu_model,
                     host.microarchitecture.empty() || host.microarchitecture == host.cpu_model
                         ? ""
                         : fmt::format(" ({})", host.microarchitecture));
  out << fmt::format("  cores              {}\n", host.cores);
  out << fmt::format("  ISA features       {}\n",
                     host.isa_features.empty() ? "none of interest" : fmt::format("{}", fmt::join(host.isa_features, " ")));
  if (host.sve_vector_bits) {
    out << fmt::format("  SVE vector length  {} bits\n", *host.sve_vector_bits);
  }
  // A flag can prove that nothing computes in bf16; only a probe shows that something does.
  out << fmt::format("  bf16 arithmetic    {}\n",
                     evidence::cpu_has_bf16_instructions(host)
                         ? "this CPU has bf16 instructions; whether a setting uses them is probed below"
                         : "this CPU has no bf16 instructions: bf16 data can only be computed in fp32 here");
  out << fmt::format("  kernel THP mode    {}\n", host.thp_mode);
  out << fmt::format("  kernel             {}\n", host.kernel);
  out << "libtorch\n";
  out << fmt::format("  version {}, oneDNN {}, BLAS {}, ACL {}, MKL {}, OpenMP {}, C++11 ABI {}, threads {}, "
                     "CPU capability {}\n",
                     torch.version, torch.onednn_version, torch.blas, torch.acl ? "on" : "off", torch.mkl ? "on" : "off",
                     torch.openmp ? "on" : "off", torch.cxx11_abi ? "on" : "off", torch.threads, torch.cpu_capability);
}

} // namespace gbench::report

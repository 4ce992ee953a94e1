#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "gbench/backend/libtorch.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/report.hpp"
#include "gbench/compare/preset_comparison.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "gbench/error.hpp"
#include "paths.hpp"
#include "plan.hpp"

namespace gbench::app {

CLI::App* setup_doctor(CLI::App& app, doctor_options& opt) {
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
  auto* sub = app.add_subcommand("doctor", "Say which knobs can act on this host and LibTorch, and show the evidence");
  sub->add_option("--model", opt.plan.model, "Model for the evidence runs (name, JSON, .pt or .pt2 file)")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--input", opt.plan.inputs, "A model file's input, SHAPE[:DTYPE[:LOW..HIGH]] (repeatable)");
  sub->add_option("-b,--batch", opt.plan.batches, "Batch sizes of the evidence runs")->delimiter(',')->capture_default_str();
  sub->add_option("-p,--preset", opt.plan.presets, "Presets to check (or 'all')")->delimiter(',')->capture_default_str();
  sub->add_option("--presets", opt.presets_file, "Also read presets from this JSON file")
      ->check(CLI::ExistingFile)
      ->multi_option_policy(last);
  sub->add_option("--configs", opt.configs, "Folder holding presets.json and models/")->multi_option_policy(last);
  sub->add_option("--json", opt.json_path, "Write the findings as a report to this file")->multi_option_policy(last);
  sub->add_option("--cosine-threshold", opt.plan.cosine_threshold,
                  "Flag a preset whose logits' cosine similarity to float64 is below this")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->multi_option_policy(last);
  return sub;
}

namespace {

void print_knob_verdicts(const host::host_info& host, const backend::libtorch_info& torch, std::ostream& out) {
  const auto verdicts = evidence::assess_knobs(host, torch);
  std::size_t width = 0;
  for (const auto& v : verdicts) {
    width = std::max(width, v.knob.size());
  }
  for (const auto& v : verdicts) {
    out << fmt::format("  {:<{}}  {:<9}  {}\n", v.knob, width, v.effective ? "effective" : "inert", v.reason);
  }
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
    for (const auto& e : ev.batches) {
      if (!e.ok) {
        out << fmt::format("    batch {}: FAILED, {}\n", e.batch, e.error);
        continue;
      }
      std::vector<std::string> layers;
      for (const auto& route : e.routes) {
        layers.push_back(route.backend == "onednn"
                             ? fmt::format("{}->{} oneDNN {} ({})", route.in_features, route.out_features,
                                           route.implementation, route.math)
                             : fmt::format("{}->{} BLAS", route.in_features, route.out_features));
      }
      if (!layers.empty()) {
        out << fmt::format("    batch {}: {}\n", e.batch, fmt::join(layers, "; "));
      } else {
        // A model file: every oneDNN primitive of the forward, as oneDNN reported it.
        out << fmt::format("    batch {}: {}\n", e.batch,
                           e.primitives.empty() ? "no oneDNN primitive ran (every operator took a BLAS or native kernel)"
                                                : fmt::format("{} distinct oneDNN primitives", e.primitives.size()));
        for (const auto& p : e.primitives) {
          out << fmt::format("      {} {} ({}) {} x{}\n", p.kind, p.implementation, p.math, p.problem, p.execs);
        }
      }
      if (!e.accuracy.unavailable.empty()) {
        out << fmt::format("      accuracy vs float64: {}\n", e.accuracy.unavailable);
        continue;
      }
      out << fmt::format("      accuracy vs float64: cosine {:.6f}, max abs error {:.3g}, max rel error {:.3g}, "
                         "top-1 agreement {:.1f}%{}\n",
                         e.accuracy.cosine, e.accuracy.max_abs_error, e.accuracy.max_rel_error,
                         100 * e.accuracy.top1_agreement, e.accuracy.cosine < cosine_threshold ? fmt::format("  BELOW THRESHOLD {}", cosine_threshold) : "");
    }
    for (const auto& effect : ev.effects) {
      out << fmt::format("    {}\n", effect);
    }
  }
}

int run_doctor(const doctor_options& opt) {
  auto plan = make_plan(opt.plan, opt.configs, opt.presets_file);
  if (!opt.json_path.empty()) {
    util::check_writable(opt.json_path, "--json");
  }
  const auto host = host::query_host();
  run::check_memory(plan.model, plan.batches, host.mem_available_bytes / 3); // fp32 and float64 copies
  const auto torch = backend::query_libtorch();

  std::cout << "host\n";
  std::cout << fmt::format("  arch               {}\n", host.arch);
  std::cout << fmt::format("  cpu                {}{}\n", host.cpu_model,
                           host.microarchitecture.empty() || host.microarchitecture == host.cpu_model
                               ? ""
                               : fmt::format(" ({})", host.microarchitecture));
  std::cout << fmt::format("  cores              {}\n", host.cores);
  std::cout << fmt::format("  ISA features       {}\n", host.isa_features.empty() ? "none of interest" : fmt::format("{}", fmt::join(host.isa_features, " ")));
  if (host.sve_vector_bits) {
    std::cout << fmt::format("  SVE vector length  {} bits\n", *host.sve_vector_bits);
  }
  std::cout << fmt::format("  oneDNN bf16 math   {}\n", evidence::cpu_has_onednn_bf16(host) ? "supported" : "not supported by this CPU");
  std::cout << fmt::format("  kernel THP mode    {}\n", host.thp_mode);
  std::cout << fmt::format("  kernel             {}\n", host.kernel);
  std::cout << "libtorch\n";
  std::cout << fmt::format("  version {}, oneDNN {}, BLAS {}, ACL {}, MKL {}, OpenMP {}, C++11 ABI {}, threads {}, "
                           "CPU capability {}\n",
                           torch.version, torch.onednn_version, torch.blas, torch.acl ? "on" : "off",
                           torch.mkl ? "on" : "off", torch.openmp ? "on" : "off", torch.cxx11_abi ? "on" : "off",
                           torch.threads, torch.cpu_capability);
  std::cout << "knobs (decided from the facts above)\n";
  print_knob_verdicts(host, torch, std::cout);
  std::cout << fmt::format("evidence (model {}, one forward per batch per preset, each in its own process with "
                           "ONEDNN_VERBOSE=1; accuracy against float64)\n",
                           plan.model.name);
  std::cout.flush();

  auto runs = gather_evidence(plan, opt.configs, opt.presets_file);
  print_evidence(runs, opt.plan.cosine_threshold, std::cout);

  if (!opt.json_path.empty()) {
    auto context = record::make_context(host, opt.command_line);
    context.knobs = evidence::assess_knobs(host, torch);
    auto rep = run::begin_report(plan, std::move(context));
    rep.runs = runs;
    rep.comparison = compare::compare_presets(rep);
    util::write_file_atomically(opt.json_path, record::to_json(rep).dump(2) + "\n");
  }
  for (const auto& r : runs) {
    if (!r.ok) {
      return static_cast<int>(exit_code::partial_failure);
    }
  }
  return 0;
}

} // namespace gbench::app

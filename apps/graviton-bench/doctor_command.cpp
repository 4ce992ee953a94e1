#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "gbench/backend/libtorch.hpp"
#include "gbench/report/evidence_text.hpp"
#include "gbench/run/evidence.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/report.hpp"
#include "gbench/compare/preset_comparison.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "gbench/error.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/json_text.hpp"
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

int run_doctor(const doctor_options& opt) {
  auto plan = make_plan(opt.plan, opt.configs, opt.presets_file);
  if (!opt.json_path.empty()) {
    util::check_writable(opt.json_path, "--json");
  }
  const auto host = host::query_host();
  for (const auto& model : plan.models.empty() ? std::vector{plan.model} : plan.models) {
    run::check_memory(model, plan.batches, host.mem_available_bytes / 3); // fp32 and float64 copies
  }
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
  // A flag can prove that nothing computes in bf16; only a probe shows that something does.
  std::cout << fmt::format("  bf16 arithmetic    {}\n",
                           evidence::cpu_has_bf16_instructions(host)
                               ? "this CPU has bf16 instructions; whether a setting uses them is probed below"
                               : "this CPU has no bf16 instructions: bf16 data can only be computed in fp32 here");
  std::cout << fmt::format("  kernel THP mode    {}\n", host.thp_mode);
  std::cout << fmt::format("  kernel             {}\n", host.kernel);
  std::cout << "libtorch\n";
  std::cout << fmt::format("  version {}, oneDNN {}, BLAS {}, ACL {}, MKL {}, OpenMP {}, C++11 ABI {}, threads {}, "
                           "CPU capability {}\n",
                           torch.version, torch.onednn_version, torch.blas, torch.acl ? "on" : "off",
                           torch.mkl ? "on" : "off", torch.openmp ? "on" : "off", torch.cxx11_abi ? "on" : "off",
                           torch.threads, torch.cpu_capability);
  std::cout << "knobs (the bf16 settings from a probe: one 64x256 by 256x256 matmul with and without each, in "
               "processes of their own with ONEDNN_VERBOSE=1; the others from the facts above)\n";
  std::cout.flush();
  const auto verdicts = run::probe_knobs(plan, util::self_executable(), host, torch);
  report::print_knob_verdicts(verdicts, std::cout);
  std::vector<std::string> names;
  for (const auto& model : plan.models.empty() ? std::vector{plan.model} : plan.models) {
    names.push_back(model.name);
  }
  std::cout << fmt::format("evidence (model{} {}, one forward per batch per preset, each in its own process with "
                           "ONEDNN_VERBOSE=1; accuracy against float64)\n",
                           names.size() > 1 ? "s" : "", fmt::join(names, ", "));
  std::cout.flush();

  auto runs = run::gather_evidence(plan, default_preset(opt.configs, opt.presets_file), util::self_executable());
  util::throw_if_interrupted();
  report::print_evidence(runs, opt.plan.cosine_threshold, std::cout);

  if (!opt.json_path.empty()) {
    auto context = record::make_context(host, opt.command_line);
    context.knobs = verdicts;
    auto rep = run::begin_report(plan, std::move(context));
    rep.runs = runs;
    rep.comparison = compare::compare_presets(rep);
    util::write_file_atomically(opt.json_path, util::json_dump(record::to_json(rep), 2) + "\n");
  }
  for (const auto& r : runs) {
    if (!r.ok) {
      return static_cast<int>(exit_code::partial_failure);
    }
  }
  return 0;
}

} // namespace gbench::app

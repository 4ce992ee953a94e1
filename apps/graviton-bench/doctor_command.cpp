#include <iostream>

#include "commands.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/session/doctor.hpp"
#include "gbench/util/subprocess.hpp"
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
  const session::doctor_request request{.plan = make_plan(opt.plan, opt.configs, opt.presets_file),
                                        .json_path = opt.json_path,
                                        .command_line = opt.command_line,
                                        .default_preset = default_preset(opt.configs, opt.presets_file),
                                        .executable = util::self_executable()};
  return session::run_doctor(request, *report::make_reporter("table"), std::cout);
}

} // namespace gbench::app

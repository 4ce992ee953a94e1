#pragma once

#include <ostream>
#include <vector>

#include "commands.hpp"
#include "gbench/run/orchestrator.hpp"

namespace gbench::app {

/// What `run` and `doctor` share: the model, batches, presets and knob overrides of a plan.
struct plan_inputs {
  std::string model;
  std::vector<std::string> batches;
  std::vector<std::string> presets;
  std::string presets_file;
  std::string configs;
  std::vector<std::string> env;
};

/// The plan of those inputs (model, batches, presets, managed knobs, overrides); throws input_error.
run::plan make_plan(const plan_inputs& in);

/// The benchmark plan of the command line: configs, model, batches, presets, knobs; throws input_error.
run::plan make_plan(const run_options& opt);

/// The `default` preset of the catalog (built-in presets and the --presets file).
config::preset default_preset(const std::string& configs, const std::string& presets_file);

} // namespace gbench::app

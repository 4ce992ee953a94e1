#pragma once

#include <ostream>
#include <vector>

#include "commands.hpp"
#include "gbench/host/placement.hpp"
#include "gbench/run/orchestrator.hpp"

namespace gbench::app {

/// run::make_plan with the presets and models of the configs folder (--configs, --presets).
run::plan make_plan(const run::plan_options& options, const std::string& configs, const std::string& presets_file);

/// --seed: a whole number from 0 to 2^64-1 (CLI11 would wrap a negative number around to a huge unsigned one).
CLI::Validator seed_validator();

/// The `default` preset of the catalog (built-in presets and the --presets file): the evidence's baseline.
config::preset default_preset(const std::string& configs, const std::string& presets_file);

} // namespace gbench::app

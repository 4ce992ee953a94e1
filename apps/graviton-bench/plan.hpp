#pragma once

#include <ostream>
#include <vector>

#include "commands.hpp"
#include "gbench/run/orchestrator.hpp"

namespace gbench::app {

/// run::make_plan with the presets and models of the configs folder (--configs, --presets).
run::plan make_plan(const run::plan_options& options, const std::string& configs, const std::string& presets_file);

/// Evidence runs (run::execute with evidence) of the plan's presets, in order, with each preset's effects
/// described against the `default` preset's evidence, which is gathered too when the plan lacks it.
std::vector<record::preset_run> gather_evidence(const run::plan& plan, const std::string& configs,
                                             const std::string& presets_file);

/// Per preset: who served each layer, accuracy against float64 (flagged below `cosine_threshold`), huge
/// pages, and what the preset's knobs were seen to change.
void print_evidence(const std::vector<record::preset_run>& runs, double cosine_threshold, std::ostream& out);

} // namespace gbench::app

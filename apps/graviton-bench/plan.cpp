#include "plan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/util/subprocess.hpp"
#include "paths.hpp"

namespace gbench::app {

std::vector<record::preset_run> gather_evidence(const run::plan& plan, const std::string& configs,
                                             const std::string& presets_file) {
  auto evidence_plan = plan;
  const bool has_default = std::any_of(plan.presets.begin(), plan.presets.end(),
                                       [](const config::preset& p) { return p.name == "default"; });
  if (!has_default) {
    evidence_plan.presets.push_back(load_catalog(config_dir(configs), presets_file).at("default"));
  }
  auto found = run::execute(evidence_plan, util::self_executable(), true);
  const auto baseline = std::find_if(found.begin(), found.end(), [](const record::preset_run& r) {
    return r.preset.name == "default";
  });
  run::describe_effects(found, baseline == found.end() ? nullptr : &*baseline);
  if (!has_default) {
    found.pop_back();
  }
  return found;
}

run::plan make_plan(const run::plan_options& options, const std::string& configs, const std::string& presets_file) {
  const auto dir = config_dir(configs);
  return run::make_plan(options, load_catalog(dir, presets_file), dir / "models");
}

} // namespace gbench::app

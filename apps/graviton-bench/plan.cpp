#include "plan.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "gbench/backend/model_file.hpp"
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
  // Each model's presets against that model's default preset.
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
    const std::optional<record::preset_run> base =
        baseline == group.end() ? std::nullopt : std::optional<record::preset_run>(*baseline);
    run::describe_effects(group, base ? &*base : nullptr);
    std::size_t next = 0;
    for (auto& r : found) {
      if (r.model == model) {
        r = group[next++];
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

run::plan make_plan(const run::plan_options& options, const std::string& configs, const std::string& presets_file) {
  const auto dir = config_dir(configs);
  return run::make_plan(options, load_catalog(dir, presets_file), dir / "models");
}

} // namespace gbench::app

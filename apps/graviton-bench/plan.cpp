#include "plan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/util/subprocess.hpp"
#include "paths.hpp"

namespace gbench::app {

config::preset default_preset(const std::string& configs, const std::string& presets_file) {
  return load_catalog(config_dir(configs), presets_file).at("default");
}

run::plan make_plan(const run::plan_options& options, const std::string& configs, const std::string& presets_file) {
  const auto dir = config_dir(configs);
  return run::make_plan(options, load_catalog(dir, presets_file), dir / "models");
}

} // namespace gbench::app

#include "plan.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "gbench/backend/model_file.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/util/subprocess.hpp"
#include "paths.hpp"

namespace gbench::app {

CLI::Validator seed_validator() {
  return CLI::Validator(
      [](const std::string& text) {
        return text.find_first_not_of("0123456789") == std::string::npos && !text.empty()
                   ? std::string()
                   : "'" + text + "' is not a seed: give a whole number from 0 to 18446744073709551615";
      },
      "SEED");
}

config::preset default_preset(const std::string& configs, const std::string& presets_file) {
  return load_catalog(config_dir(configs), presets_file).at("default");
}

run::plan make_plan(const run::plan_options& options, const std::string& configs, const std::string& presets_file) {
  const auto dir = config_dir(configs);
  return run::make_plan(options, load_catalog(dir, presets_file), dir / "models");
}

} // namespace gbench::app

#include "paths.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/subprocess.hpp"

namespace gbench::app {

std::filesystem::path config_dir(const std::string& option_value) {
  if (!option_value.empty()) {
    if (!std::filesystem::is_directory(option_value)) {
      throw input_error(fmt::format("--configs {}: not a directory; give the folder that holds presets.json", option_value));
    }
    return option_value;
  }
  if (const char* env = std::getenv("GBENCH_CONFIG_DIR"); env != nullptr && *env != '\0') {
    if (!std::filesystem::is_directory(env)) {
      throw input_error(fmt::format("GBENCH_CONFIG_DIR={}: not a directory; unset it or point it at the configs folder", env));
    }
    return env;
  }
  // GBENCH_DATA_FROM_BINDIR: the installed data folder relative to the installed binary's ("../share/graviton-bench").
  const auto installed = std::filesystem::path(util::self_executable()).parent_path() / GBENCH_DATA_FROM_BINDIR / "configs";
  if (std::filesystem::is_directory(installed)) {
    return installed;
  }
  return GBENCH_SOURCE_CONFIG_DIR;
}

config::preset_catalog load_catalog(const std::filesystem::path& configs, const std::string& user_file) {
  config::preset_catalog catalog = config::load_presets(configs / "presets.json");
  if (!user_file.empty()) {
    catalog.merge(config::load_presets(user_file, &catalog));
  }
  return catalog;
}

} // namespace gbench::app

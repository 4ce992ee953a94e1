#pragma once

#include <filesystem>
#include <string>

#include "gbench/config/preset.hpp"

namespace gbench::app {

/// The configs directory: --configs, else $GBENCH_CONFIG_DIR, else ../share/graviton-bench/configs beside
/// the executable, else the source tree's configs (a build-tree binary).
std::filesystem::path config_dir(const std::string& option_value);

/// The built-in presets (configs/presets.json) with the user's file (--presets) merged in.
config::preset_catalog load_catalog(const std::filesystem::path& configs, const std::string& user_file);

} // namespace gbench::app

#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace gbench::config {

/// One ratio the recipe publishes: `preset` against `baseline` at `batch`, from its before and after times.
struct recipe_claim {
  std::string name;
  std::string preset;
  std::string baseline;
  std::int64_t batch = 0;
  double before_s = 0; ///< the baseline's time in the recipe
  double after_s = 0;  ///< the preset's
  std::string published; ///< the recipe's own words for the ratio
  /// The knobs the claim is about: where one of them is inert on this host, the claim does not apply here.
  std::vector<std::string> needs;
  /// Per architecture (host::host_info::arch), a preset that does here what the claim's preset does on Graviton.
  std::map<std::string, std::string> stand_in;

  /// before_s / after_s: how many times faster the recipe found the preset.
  [[nodiscard]] double ratio() const { return before_s / after_s; }
};

/// The recipe's study (configs/recipe.json): its model, batches and presets, and the ratios it publishes.
struct recipe {
  std::string source;
  std::string model;
  std::vector<std::int64_t> batches;
  std::vector<std::string> presets;
  std::vector<recipe_claim> claims;
};

/// Reads configs/recipe.json; throws input_error naming the file, the line and the fix for a bad or missing
/// field, a claim whose batch is not one of the study's, or whose preset or baseline the study does not run.
recipe load_recipe(const std::filesystem::path& path);

} // namespace gbench::config

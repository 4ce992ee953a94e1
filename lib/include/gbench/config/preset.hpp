#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/config/candidates.hpp"
#include "gbench/config/json_file.hpp"

namespace gbench::config {

/// An environment variable that LibTorch or oneDNN reads once per process.
struct knob {
  std::string name;
  std::string description;
  std::vector<std::string> values; ///< allowed values (compared ignoring case); empty: any
  bool integer = false;            ///< the value must be a whole number
  config::candidates candidates;   ///< what `tune` tries besides unset; none declared: not searched
  std::string group;               ///< `tune` searches the knobs of one group together (docs/tune.md)
};

/// LibTorch settings a preset applies through the C++ API in the benchmark process.
struct torch_settings {
  std::optional<std::string> matmul_precision; ///< "highest", "high" or "medium" (bf16 fast-math on x86)
  std::optional<bool> mkldnn;                  ///< enable or disable oneDNN (at::Context::setUserEnabledMkldnn)
  std::optional<int> threads;                  ///< intra-op threads (at::set_num_threads)
  /// "bf16": the Linear weights and biases are converted to bf16 once when the model is built and the input
  /// is cast to bf16 in every forward; "f32" (or unset): the model stays fp32.
  std::optional<std::string> weights_dtype;
  /// malloc of the process: "glibc", "tcmalloc" or "jemalloc", preloaded (LD_PRELOAD) when the process starts
  /// and checked inside it; unset: whatever the environment gives
  std::optional<std::string> allocator;
};

/// A named set of knob values and LibTorch settings.
struct preset {
  std::string name;
  std::string description;
  std::map<std::string, std::string> env; ///< knob -> value; every other managed knob is unset
  torch_settings settings;
};

/// The knobs that presets manage and the presets themselves, in file order.
class preset_catalog {
public:
  /// Adds the knobs and presets of a file; a preset of an existing name replaces it.
  void merge(const preset_catalog& other);
  void add_knob(knob k);
  void add_preset(preset p);

  [[nodiscard]] const std::vector<knob>& knobs() const { return knobs_; }
  [[nodiscard]] const std::vector<preset>& presets() const { return presets_; }
  /// The settings `tune` searches besides knobs ("search" in a presets file): matmul_precision, threads,
  /// allocator, each declared like a knob with candidates and a group.
  [[nodiscard]] const std::vector<knob>& search_settings() const { return search_; }
  void add_search_setting(knob k);
  [[nodiscard]] const knob* find_knob(const std::string& name) const;
  [[nodiscard]] const preset* find(const std::string& name) const;
  /// The preset of that name; throws input_error listing the valid names.
  [[nodiscard]] const preset& at(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> names() const;
  /// Checks one knob value against its declaration; throws input_error naming `origin`.
  void check_value(const std::string& origin, const std::string& name, const std::string& value) const;

private:
  std::vector<knob> knobs_;
  std::vector<knob> search_;
  std::vector<preset> presets_;
};

/// Loads a presets file (schema in docs/presets.md); errors name the file, the line and the fix.
/// `known` holds knobs declared earlier (the built-in file) that this file's presets may use.
preset_catalog load_presets(const std::filesystem::path& path, const preset_catalog* known = nullptr);
/// The same for a file already read and parsed (config::load_json_document, parse_json_document).
preset_catalog presets_from_document(const json_document& doc, const preset_catalog* known = nullptr);

/// The settings a presets file's "search" may declare, and a preset may set.
const std::vector<std::string>& searchable_settings();

/// Checks one value of a setting (matmul_precision, threads, allocator); throws input_error naming `origin`.
void check_setting_value(const std::string& origin, const std::string& name, const std::string& value);

/// Parses "KEY=VALUE"; throws input_error naming the option on a malformed item.
std::pair<std::string, std::string> parse_env_assignment(const std::string& item);

} // namespace gbench::config

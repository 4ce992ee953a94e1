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
  /// "highest", "high" or "medium" (bf16 fast-math on x86): the legacy float32 matmul precision API
  /// (at::Context::setFloat32MatmulPrecision). A preset sets it or fp32_precision, never both.
  std::optional<std::string> matmul_precision;
  /// "ieee", "bf16" or "tf32": the float32 precision API of PyTorch 2.9 and later for oneDNN's matmul
  /// (at::Context::setFloat32Precision(MKLDNN, MATMUL, ...)); PyTorch throws when it is mixed with
  /// matmul_precision in one process.
  std::optional<std::string> fp32_precision;
  std::optional<bool> mkldnn;                  ///< enable or disable oneDNN (at::Context::setUserEnabledMkldnn)
  std::optional<int> threads;                  ///< intra-op threads (at::set_num_threads)
  /// What the built-in MLP's Linear layers compute with, set up once when the model is built (weights_dtypes()):
  /// "f32" (or unset): the fp32 model; "bf16": weights and biases converted to bf16, the input cast every
  /// forward; "int8-dynamic": quantized::linear_prepack of per-channel int8 weights, quantized::linear_dynamic;
  /// "int8": int8 weights with per-channel scales, aten::_weight_int8pack_mm; "int4": group-wise 4-bit weights,
  /// aten::_dyn_quant_pack_4bit_weight and aten::_dyn_quant_matmul_4bit (KleidiAI).
  std::optional<std::string> weights_dtype;
  /// The engine of quantized::linear_dynamic: "x86", "fbgemm", "onednn" or "qnnpack"
  /// (at::Context::setQEngine, before the model is built); unset: the platform's own choice.
  std::optional<std::string> quantized_engine;
  /// The activations of weights_dtype "int8": "bf16" (the default; inert on a CPU without bf16 instructions)
  /// or "f32", PyTorch's reference kernel, slow: it runs only when a preset asks for it.
  std::optional<std::string> int8_activations;
  /// The group size of weights_dtype "int4" (a multiple of 32 dividing every layer's input width; default 32).
  std::optional<int> int4_group_size;
  /// true: weights_dtype "int4" runs PyTorch's reference kernel where LibTorch has no KleidiAI (slow); unset or
  /// false: it is inert there and the model stays fp32.
  std::optional<bool> int4_fallback;
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

/// The values of weights_dtype: f32, bf16, int8-dynamic, int8, int4.
const std::vector<std::string>& weights_dtypes();

/// The values of quantized_engine: x86, fbgemm, onednn, qnnpack (which of them a LibTorch supports is its own
/// business: backend::check_settings).
const std::vector<std::string>& quantized_engines();

/// Whether a weights_dtype is one of the quantized forms (int8-dynamic, int8, int4).
bool is_quantized(const std::string& weights_dtype);

/// Checks one value of a setting (matmul_precision, threads, allocator, weights_dtype); throws input_error naming
/// `origin`.
void check_setting_value(const std::string& origin, const std::string& name, const std::string& value);

/// Parses "KEY=VALUE"; throws input_error naming the option on a malformed item.
std::pair<std::string, std::string> parse_env_assignment(const std::string& item);

} // namespace gbench::config

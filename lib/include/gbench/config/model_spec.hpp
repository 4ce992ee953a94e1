#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace gbench::config {

/// The shape of an MLP: Flatten, then Linear+ReLU for each hidden width, then a final Linear.
struct model_spec {
  std::string name;
  std::string description;
  std::vector<std::int64_t> input_shape; ///< one sample's shape, e.g. {64, 64}
  std::vector<std::int64_t> hidden;      ///< widths of the hidden layers, e.g. {4096, 11008}
  std::int64_t outputs = 0;              ///< classes of the last layer

  [[nodiscard]] std::int64_t input_features() const;
  /// (in_features, out_features) of every Linear, in order.
  [[nodiscard]] std::vector<std::pair<std::int64_t, std::int64_t>> linear_layers() const;
  [[nodiscard]] std::int64_t parameter_count() const;
  /// Bytes of all float32 weights and biases: what one forward must read at least once.
  [[nodiscard]] std::int64_t weight_bytes() const;
  /// Floating-point operations of one sample's forward: 2*in*out per Linear (multiply and add).
  [[nodiscard]] double flops_per_sample() const;
  /// Bytes a forward of this batch holds at its peak: weights, input, and two live activations.
  [[nodiscard]] std::int64_t estimate_bytes(std::int64_t batch) const;
};

/// Parses a model spec; `where` prefixes error messages (file and line).
model_spec model_from_json(const nlohmann::ordered_json& j, const std::string& where);

/// Loads a model by name (a file NAME.json in models_dir) or by path to a JSON file.
/// Throws input_error listing the valid names when neither exists.
model_spec load_model(const std::string& name_or_file, const std::filesystem::path& models_dir);

/// Names of the models in models_dir, sorted.
std::vector<std::string> list_models(const std::filesystem::path& models_dir);

} // namespace gbench::config

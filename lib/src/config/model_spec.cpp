#include "gbench/config/model_spec.hpp"

#include <algorithm>
#include <functional>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/config/json_file.hpp"
#include "gbench/error.hpp"

namespace gbench::config {

std::int64_t model_spec::input_features() const {
  return std::accumulate(input_shape.begin(), input_shape.end(), std::int64_t{1}, std::multiplies<>());
}

std::string to_string(model_kind kind) {
  switch (kind) {
  case model_kind::torchscript:
    return "torchscript";
  case model_kind::aoti:
    return "aoti";
  case model_kind::mlp:
    break;
  }
  return "mlp";
}

std::vector<std::pair<std::int64_t, std::int64_t>> model_spec::linear_layers() const {
  std::vector<std::pair<std::int64_t, std::int64_t>> layers;
  if (is_file()) {
    return layers;
  }
  std::int64_t in = input_features();
  for (const std::int64_t width : hidden) {
    layers.emplace_back(in, width);
    in = width;
  }
  layers.emplace_back(in, outputs);
  return layers;
}

std::int64_t model_spec::parameter_count() const {
  if (is_file()) {
    return file_parameters;
  }
  std::int64_t count = 0;
  for (const auto& [in, out] : linear_layers()) {
    count += in * out + out;
  }
  return count;
}

std::int64_t model_spec::weight_bytes() const {
  if (is_file()) {
    return file_weight_bytes;
  }
  return parameter_count() * static_cast<std::int64_t>(sizeof(float));
}

double model_spec::flops_per_sample() const {
  if (is_file()) {
    return file_flops;
  }
  double flops = 0;
  for (const auto& [in, out] : linear_layers()) {
    flops += 2.0 * static_cast<double>(in) * static_cast<double>(out);
  }
  return flops;
}

std::int64_t model_spec::estimate_bytes(std::int64_t batch) const {
  if (is_file()) {
    // Any number of inputs of up to 2^31 elements each, at batches up to 2^32: counted in floating point, so
    // that an absurd total is refused as too large rather than wrapped around to a small one.
    double per_sample = 0;
    for (const auto& in : inputs) {
      per_sample += static_cast<double>(in.elements()) * static_cast<double>(in.element_bytes());
    }
    const double total = static_cast<double>(weight_bytes()) + static_cast<double>(batch) * per_sample;
    constexpr double most = static_cast<double>(std::int64_t{1} << 62);
    return static_cast<std::int64_t>(std::min(total, most));
  }
  std::int64_t widest = input_features();
  for (const std::int64_t width : hidden) {
    widest = std::max(widest, width);
  }
  // Input, plus the output of one layer while the next one's is being written.
  const std::int64_t activations = batch * (input_features() + 2 * widest + outputs);
  return weight_bytes() + activations * static_cast<std::int64_t>(sizeof(float));
}

namespace {

constexpr std::int64_t max_dimension = std::int64_t{1} << 24;
// With every width at most 2^24 and at most this many layers, parameter and byte counts stay far inside int64.
constexpr std::size_t max_hidden_layers = 1024;
constexpr std::size_t max_input_rank = 16;

std::int64_t positive_dimension(const nlohmann::ordered_json& v, const std::string& where, const std::string& what) {
  if (!v.is_number_integer() || v.get<std::int64_t>() <= 0 || v.get<std::int64_t>() > max_dimension) {
    throw input_error(fmt::format("{}{} must be a whole number from 1 to {}, got {}", where, what, max_dimension,
                                  v.dump()));
  }
  return v.get<std::int64_t>();
}

std::vector<std::int64_t> dimensions(const nlohmann::ordered_json& v, const std::string& where,
                                     const std::string& what, bool allow_empty) {
  if (!v.is_array() || (!allow_empty && v.empty())) {
    throw input_error(fmt::format("{}{} must be {}an array of positive whole numbers, got {}", where, what,
                                  allow_empty ? "" : "a non-empty ", v.dump()));
  }
  std::vector<std::int64_t> out;
  for (const auto& d : v) {
    out.push_back(positive_dimension(d, where, what));
  }
  return out;
}

} // namespace

model_spec model_from_json(const nlohmann::ordered_json& j, const std::string& where) {
  static const std::vector<std::string> keys{"name", "description", "input_shape", "hidden", "outputs"};
  if (!j.is_object()) {
    throw input_error(fmt::format("{}a model must be a JSON object with keys {}", where, fmt::join(keys, ", ")));
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      throw input_error(fmt::format("{}unknown key '{}' in model; expected one of {}", where, key, fmt::join(keys, ", ")));
    }
  }
  for (const char* required : {"name", "input_shape", "outputs"}) {
    if (!j.contains(required)) {
      throw input_error(fmt::format("{}model is missing the key '{}'", where, required));
    }
  }
  model_spec spec;
  if (!j["name"].is_string() || j["name"].get<std::string>().empty()) {
    throw input_error(fmt::format("{}'name' must be a non-empty string", where));
  }
  spec.name = j["name"].get<std::string>();
  if (j.contains("description") && !j["description"].is_string()) {
    throw input_error(fmt::format("{}'description' must be a string", where));
  }
  spec.description = j.value("description", "");
  spec.input_shape = dimensions(j["input_shape"], where, "'input_shape'", false);
  if (spec.input_shape.size() > max_input_rank) {
    throw input_error(fmt::format("{}'input_shape' has {} dimensions; at most {} are supported", where,
                                  spec.input_shape.size(), max_input_rank));
  }
  // The product, checked at each step: an absurd shape must not overflow before it is refused.
  std::int64_t features = 1;
  for (const std::int64_t d : spec.input_shape) {
    if (features > max_dimension / d) {
      throw input_error(fmt::format("{}'input_shape' {} has more than {} features; a sample must be smaller", where,
                                    j["input_shape"].dump(), max_dimension));
    }
    features *= d;
  }
  spec.hidden = j.contains("hidden") ? dimensions(j["hidden"], where, "'hidden'", true) : std::vector<std::int64_t>{};
  if (spec.hidden.size() > max_hidden_layers) {
    throw input_error(fmt::format("{}'hidden' has {} layers; at most {} are supported", where, spec.hidden.size(),
                                  max_hidden_layers));
  }
  spec.outputs = positive_dimension(j["outputs"], where, "'outputs'");
  return spec;
}

std::vector<std::string> list_models(const std::filesystem::path& models_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(models_dir, ec)) {
    if (entry.path().extension() == ".json") {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

model_spec load_model_file(const std::filesystem::path& path, const std::vector<std::string>& inputs);

model_spec load_model(const std::string& name_or_file, const std::filesystem::path& models_dir,
                      const std::vector<std::string>& inputs) {
  if (name_or_file.ends_with(".pt") || name_or_file.ends_with(".pt2")) {
    return load_model_file(name_or_file, inputs);
  }
  if (!inputs.empty()) {
    throw input_error(fmt::format("--input: model '{}' is an MLP spec, whose input shape is its 'input_shape'; "
                                  "--input is for TorchScript (.pt) and AOTInductor (.pt2) files", name_or_file));
  }
  std::filesystem::path path = models_dir / (name_or_file + ".json");
  const bool looks_like_path = name_or_file.find('/') != std::string::npos || name_or_file.ends_with(".json");
  if (looks_like_path) {
    path = name_or_file;
  }
  if (!std::filesystem::is_regular_file(path)) {
    if (looks_like_path) {
      throw input_error(fmt::format("--model: no file '{}'; give a model JSON, .pt or .pt2 file or one of: {}", name_or_file,
                                    fmt::join(list_models(models_dir), ", ")));
    }
    throw input_error(fmt::format("--model: unknown model '{}'; valid names: {} (or a path to a model JSON, TorchScript .pt or AOTInductor .pt2 file)",
                                  name_or_file, fmt::join(list_models(models_dir), ", ")));
  }
  const json_document doc = load_json_document(path);
  return model_from_json(doc.value, doc.where(0));
}

} // namespace gbench::config

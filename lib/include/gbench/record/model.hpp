#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/config/model_spec.hpp"
#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// The model block of a report: its shape and the figures derived from it.
struct model_info {
  std::string name;
  std::string description;
  std::vector<std::int64_t> input_shape;
  std::vector<std::int64_t> hidden;
  std::int64_t outputs = 0;
  std::int64_t parameters = 0;
  std::int64_t weight_bytes = 0; ///< bytes of all weights: what a forward reads at least once
  double flops_per_sample = 0;
  std::string flops_source = "model shape"; ///< config::model_spec::flops_source
  // A model file's (docs/models.md); kind "mlp" and the rest empty for the built-in MLP:
  config::model_kind kind = config::model_kind::mlp;
  std::string file;
  std::string sha256;
  std::int64_t file_bytes = 0;
  std::vector<config::input_spec> inputs;
  std::string inputs_from;
  std::string sidecar;
  std::string twin;
  std::optional<double> sidecar_flops;
};

/// The model block of a model spec.
model_info describe(const config::model_spec& spec);
nlohmann::json to_json(const config::input_spec& in);
void from_json(const node& n, config::input_spec& out);
/// The spec a model block describes.
config::model_spec spec_of(const model_info& m);
nlohmann::json to_json(const model_info& m);
void from_json(const node& n, model_info& out);

} // namespace gbench::record

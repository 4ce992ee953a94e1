#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/config/json_file.hpp"

namespace gbench::config {

/// One forward argument of a model file: one sample's shape (the batch is prepended), its data type and,
/// for integer inputs (token ids), the range its seeded values are drawn from, both ends included.
struct input_spec {
  std::string name;                  ///< for messages; "input0", ... when not named
  std::vector<std::int64_t> shape;   ///< one sample's shape, e.g. {3, 224, 224}
  std::string dtype = "float32";     ///< float32, float64, bfloat16, float16, int64, int32, bool
  std::int64_t low = 0;              ///< integer inputs: smallest value
  std::int64_t high = 99;            ///< integer inputs: largest value

  [[nodiscard]] bool is_integer() const;
  [[nodiscard]] std::int64_t element_bytes() const;
  [[nodiscard]] std::int64_t elements() const;
  /// "input_ids: 128 int64 in [0, 30521]" or "image: 3x224x224 float32".
  [[nodiscard]] std::string describe() const;
};

/// What a model is built from: the MLP of a JSON spec, a TorchScript file or an AOTInductor package.
enum class model_kind { mlp, torchscript, aoti };
std::string to_string(model_kind kind);

/// A model to benchmark. For the MLP (kind mlp): Flatten, then Linear+ReLU for each hidden width, then a
/// final Linear. For a model file: the file, its identity and what inspecting it found.
struct model_spec {
  std::string name;
  std::string description;
  std::vector<std::int64_t> input_shape; ///< one sample's shape, e.g. {64, 64} (a file: its first input's)
  std::vector<std::int64_t> hidden;      ///< widths of the hidden layers, e.g. {4096, 11008} (a file: none)
  std::int64_t outputs = 0;              ///< classes of the last layer (a file: one sample's output elements)
  model_kind kind = model_kind::mlp;

  // Model files only (kind torchscript or aoti):
  std::string file;                  ///< absolute path
  std::string sha256;                ///< of the file's bytes
  std::int64_t file_bytes = 0;
  std::vector<input_spec> inputs;    ///< one per forward argument
  std::string inputs_from;           ///< "--input" or the sidecar's path
  std::string sidecar;               ///< the sidecar read, if any
  /// The TorchScript model whose float64 copy is the reference, if found: a .pt2's STEM.pt; a variant's
  /// (STEM.VARIANT.pt or .pt2, written beside the model by scripts/export-models) STEM.pt.
  std::string twin;
  std::int64_t file_parameters = 0;  ///< counted by inspection
  std::int64_t file_weight_bytes = 0;
  double file_flops = 0;             ///< per sample; 0 when unknown
  /// Where flops_per_sample comes from: "model shape" (the MLP: 2*in*out per Linear), "profiler" (LibTorch
  /// profiler's FLOP estimates of a forward, with_flops), "sidecar", or "unavailable".
  std::string flops_source = "model shape";
  std::optional<double> sidecar_flops; ///< the sidecar's flops_per_sample, when it gives one

  [[nodiscard]] bool is_file() const { return kind != model_kind::mlp; }
  [[nodiscard]] std::int64_t input_features() const;
  /// (in_features, out_features) of every Linear of the MLP, in order; none for a model file.
  [[nodiscard]] std::vector<std::pair<std::int64_t, std::int64_t>> linear_layers() const;
  [[nodiscard]] std::int64_t parameter_count() const;
  /// Bytes of all weights and biases: what one forward must read at least once.
  [[nodiscard]] std::int64_t weight_bytes() const;
  /// Floating-point operations of one sample's forward (0 when unknown); see flops_source.
  [[nodiscard]] double flops_per_sample() const;
  /// Bytes a forward of this batch holds at its peak: weights, input, and two live activations (a model
  /// file: weights and inputs only, a lower bound).
  [[nodiscard]] std::int64_t estimate_bytes(std::int64_t batch) const;
};

/// Parses a model spec; `where` prefixes error messages (file and line).
model_spec model_from_json(const nlohmann::ordered_json& j, const std::string& where);

/// Loads a model by name (a file NAME.json in models_dir) or by path to a JSON file. A path ending in .pt
/// (TorchScript) or .pt2 (AOTInductor package) gives a model-file spec to be completed by
/// backend::inspect_model: file identity, sidecar, inputs (`inputs`, from --input, win over the sidecar's).
/// Throws input_error listing the valid names when neither exists.
model_spec load_model(const std::string& name_or_file, const std::filesystem::path& models_dir,
                      const std::vector<std::string>& inputs = {});

/// Names of the models in models_dir, sorted.
std::vector<std::string> list_models(const std::filesystem::path& models_dir);

/// Parses one --input: SHAPE[:DTYPE[:LOW..HIGH]], e.g. 3x224x224, 3x224x224:float32, 128:int64:0..30521.
input_spec parse_input(const std::string& text, std::size_t index);

/// The sidecar of a model file: FILE.json (e.g. bert.pt.json), else STEM.json (bert.json, shared by bert.pt
/// and bert.pt2); empty when there is none.
std::filesystem::path find_sidecar(const std::filesystem::path& model_file);

/// Reads a sidecar into `spec` (description, inputs, flops_per_sample); unknown keys are errors.
void read_sidecar(const std::filesystem::path& path, model_spec& spec);
/// The same for a sidecar already read and parsed (config::load_json_document, parse_json_document).
void sidecar_from_document(const json_document& doc, model_spec& spec);

} // namespace gbench::config

#pragma once

// Internal to the backend: the LibTorch state behind mlp_session, shared by its translation units.
#include <torch/torch.h>

#include <memory>

#include "gbench/backend/mlp.hpp"

namespace gbench::backend {

/// A model loaded from a file (TorchScript or AOTInductor package), run on inputs set once.
class file_model {
public:
  virtual ~file_model() = default;
  file_model() = default;
  file_model(const file_model&) = delete;
  file_model& operator=(const file_model&) = delete;
  /// The inputs of the following forwards (kept: the timed loop converts nothing).
  virtual void set_inputs(const std::vector<torch::Tensor>& inputs) = 0;
  /// One forward; the first output tensor.
  virtual torch::Tensor forward() = 0;
  /// Parameters and the bytes of parameters and buffers (a .pt2: its constants).
  [[nodiscard]] virtual std::pair<std::int64_t, std::int64_t> parameters() const = 0;
};

/// Loads a model file; throws input_error saying why it cannot be used (not a model, truncated, a package of
/// another architecture or PyTorch version).
std::unique_ptr<file_model> load_file_model(const config::model_spec& spec);

/// The float64 reference of a model file's logits: the TorchScript file itself (or a .pt2's TorchScript
/// twin) converted with .to(kFloat64). Null, with `why` set, when there is none.
std::unique_ptr<file_model> load_float64_reference(const config::model_spec& spec, std::string& why);

/// Seeded inputs of a model file at this batch: uniform [0, 1) for floating inputs, uniform integers in the
/// input's range for integer ones. They depend on the seed and the batch only.
std::vector<torch::Tensor> make_inputs(const config::model_spec& spec, std::int64_t batch, std::uint64_t seed);

struct mlp_session::impl {
  config::model_spec spec;
  torch::nn::Sequential model;
  std::unique_ptr<file_model> file; ///< set for a model file; model and linears are then empty
  torch::Tensor input;              ///< the MLP's input
  std::vector<torch::Tensor> inputs; ///< a model file's inputs
  std::vector<std::int64_t> input_shape;
  std::uint64_t seed = 0;
  std::vector<torch::nn::LinearImpl*> linears; ///< model's Linear layers, in order
  /// With bf16 weights: bf16 copies of every Linear's weight and bias, made once; the fp32 originals stay
  /// for the float64 reference. Empty: the model computes with its fp32 parameters.
  std::vector<torch::Tensor> bf16_weights;
  std::vector<torch::Tensor> bf16_biases;

  /// The model's forward with the ATen calls of Python's nn.Sequential(Flatten, Linear, ReLU, ...):
  /// aten::flatten, aten::linear, aten::relu. torch::nn::Linear's C++ forward calls aten::addmm directly,
  /// which would leave aten::linear out of the profile and make it unlike the recipe's Python one.
  /// With bf16 weights the input is cast to bf16 first (every forward: it is part of the cost), and the
  /// logits come out in bf16.
  [[nodiscard]] torch::Tensor forward(const torch::Tensor& x) const {
    auto h = torch::flatten(x, 1);
    if (!bf16_weights.empty()) {
      h = h.to(torch::kBFloat16);
    }
    for (std::size_t i = 0; i < linears.size(); ++i) {
      h = bf16_weights.empty() ? torch::linear(h, linears[i]->weight, linears[i]->bias)
                               : torch::linear(h, bf16_weights[i], bf16_biases[i]);
      if (i + 1 < linears.size()) {
        h = torch::relu(h);
      }
    }
    return h;
  }

  /// One forward of whichever model this is, on the prepared input.
  [[nodiscard]] torch::Tensor run() const { return file ? file->forward() : forward(input); }
};

} // namespace gbench::backend

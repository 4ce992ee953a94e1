#pragma once

// Internal to the backend: the LibTorch state behind mlp_session, shared by its translation units.
#include <torch/torch.h>

#include "gbench/backend/mlp.hpp"

namespace gbench::backend {

struct mlp_session::impl {
  torch::nn::Sequential model;
  torch::Tensor input;
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
};

} // namespace gbench::backend

#pragma once

// LibTorch's view of an mlp_session, for code that includes LibTorch itself (apps/overhead); the rest of
// the library sees only gbench/backend/mlp.hpp.
#include <torch/torch.h>

#include <vector>

#include "gbench/backend/mlp.hpp"

namespace gbench::backend {

/// Tensors that share storage with the session's: the weights and biases of its Linear layers, in order,
/// and the input prepared by mlp_session::prepare.
struct mlp_tensors {
  std::vector<torch::Tensor> weights;
  std::vector<torch::Tensor> biases;
  torch::Tensor input;
};

} // namespace gbench::backend

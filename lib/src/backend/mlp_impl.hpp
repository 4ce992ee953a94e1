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
};

} // namespace gbench::backend

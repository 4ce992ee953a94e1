#include "gbench/backend/mlp.hpp"

#include <chrono>
#include <sstream>

#include "mlp_impl.hpp"

namespace gbench::backend {

mlp_session::mlp_session(const config::model_spec& spec, std::uint64_t seed) : impl_(std::make_unique<impl>()) {
  impl_->seed = seed;
  impl_->input_shape = spec.input_shape;
  torch::manual_seed(seed);
  torch::nn::Sequential model;
  model->push_back(torch::nn::Flatten());
  for (const auto& [in, out] : spec.linear_layers()) {
    if (model->size() > 1) { // after Flatten, every Linear but the first follows a ReLU
      model->push_back(torch::nn::ReLU());
    }
    model->push_back(torch::nn::Linear(in, out));
  }
  model->eval();
  impl_->model = model;
}

mlp_session::~mlp_session() = default;

std::string mlp_session::describe() const {
  std::ostringstream out;
  out << *impl_->model;
  return out.str();
}

void mlp_session::prepare(std::int64_t batch) {
  std::vector<std::int64_t> shape{batch};
  shape.insert(shape.end(), impl_->input_shape.begin(), impl_->input_shape.end());
  // The input depends on the seed and the batch only, not on which batches ran before.
  auto generator = at::detail::createCPUGenerator(impl_->seed ^ (static_cast<std::uint64_t>(batch) << 32U));
  impl_->input = torch::rand(shape, generator);
}

void mlp_session::warm_up(int count) {
  c10::InferenceMode guard;
  for (int i = 0; i < count; ++i) {
    (void)impl_->model->forward(impl_->input);
  }
}

std::vector<std::int64_t> mlp_session::time_forwards(int count) {
  using clock = std::chrono::steady_clock;
  c10::InferenceMode guard;
  std::vector<std::int64_t> samples(static_cast<std::size_t>(count));
  auto& model = *impl_->model;
  const auto& x = impl_->input;
  for (auto& sample : samples) {
    const auto start = clock::now();
    const auto y = model.forward(x);
    const auto stop = clock::now();
    sample = std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count();
  }
  return samples;
}

std::vector<std::int64_t> mlp_session::predicted_classes(int limit) {
  c10::InferenceMode guard;
  const auto logits = impl_->model->forward(impl_->input);
  const auto classes = logits.argmax(1).slice(0, 0, limit).contiguous();
  const auto* data = classes.data_ptr<std::int64_t>();
  return {data, data + classes.numel()};
}

} // namespace gbench::backend

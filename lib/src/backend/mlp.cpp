#include "gbench/backend/mlp.hpp"

#include <chrono>
#include <cstdlib>
#include <sstream>

#include "gbench/backend/mlp_tensors.hpp"
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
    torch::nn::Linear linear(in, out);
    impl_->linears.push_back(linear.get());
    model->push_back(linear);
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
    (void)impl_->forward(impl_->input);
  }
}

namespace {

// GBENCH_TEST_DELAY_US, for tests only: a deterministically slower "build" for the regression tests. Read
// once per call, before the timed loop, so that the normal loop below does exactly what it did without it.
std::chrono::microseconds test_delay() {
  const char* text = std::getenv("GBENCH_TEST_DELAY_US");
  if (text == nullptr || *text == '\0') {
    return {};
  }
  char* end = nullptr;
  const long us = std::strtol(text, &end, 10);
  return *end == '\0' && us > 0 ? std::chrono::microseconds(us) : std::chrono::microseconds(0);
}

} // namespace

std::vector<std::int64_t> mlp_session::time_forwards(int count) {
  using clock = std::chrono::steady_clock;
  c10::InferenceMode guard;
  std::vector<std::int64_t> samples(static_cast<std::size_t>(count));
  const auto& model = *impl_;
  const auto& x = impl_->input;
  if (const auto delay = test_delay(); delay.count() > 0) {
    for (auto& sample : samples) {
      const auto start = clock::now();
      const auto y = model.forward(x);
      for (const auto until = clock::now() + delay; clock::now() < until;) {
      }
      sample = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count();
    }
    return samples;
  }
  for (auto& sample : samples) {
    const auto start = clock::now();
    const auto y = model.forward(x);
    const auto stop = clock::now();
    sample = std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count();
  }
  return samples;
}

mlp_tensors mlp_session::tensors() const {
  mlp_tensors t;
  for (const auto* linear : impl_->linears) {
    t.weights.push_back(linear->weight);
    t.biases.push_back(linear->bias);
  }
  t.input = impl_->input;
  return t;
}

std::vector<std::int64_t> mlp_session::predicted_classes(int limit) {
  c10::InferenceMode guard;
  const auto logits = impl_->forward(impl_->input);
  const auto classes = logits.argmax(1).slice(0, 0, limit).contiguous();
  const auto* data = classes.data_ptr<std::int64_t>();
  return {data, data + classes.numel()};
}

mlp_session::accuracy mlp_session::compare_with_float64() {
  c10::InferenceMode guard;
  const auto logits = impl_->forward(impl_->input).to(torch::kFloat64);
  // The same layers in float64: weights and input are converted exactly, and no float64 path reduces precision.
  auto h = torch::flatten(impl_->input.to(torch::kFloat64), 1);
  for (std::size_t i = 0; i < impl_->linears.size(); ++i) {
    h = torch::linear(h, impl_->linears[i]->weight.to(torch::kFloat64), impl_->linears[i]->bias.to(torch::kFloat64));
    if (i + 1 < impl_->linears.size()) {
      h = torch::relu(h);
    }
  }
  const auto reference = h;
  accuracy a;
  const auto flat = logits.flatten();
  const auto ref = reference.flatten();
  a.cosine = torch::nn::functional::cosine_similarity(flat.unsqueeze(0), ref.unsqueeze(0),
                                                      torch::nn::functional::CosineSimilarityFuncOptions().dim(1))
                 .item<double>();
  a.max_abs_error = (flat - ref).abs().max().item<double>();
  const double scale = ref.abs().max().item<double>();
  a.max_rel_error = scale > 0 ? a.max_abs_error / scale : 0.0;
  a.top1_agreement = logits.argmax(1).eq(reference.argmax(1)).to(torch::kFloat64).mean().item<double>();
  return a;
}

} // namespace gbench::backend

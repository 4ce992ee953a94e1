#include "gbench/backend/kernels.hpp"

#include <torch/torch.h>

#include <chrono>

namespace gbench::backend {

namespace {

using clock = std::chrono::steady_clock;

std::int64_t elapsed_ns(clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count();
}

template <class F> std::vector<std::int64_t> time_samples(const F& product, int warmup, int repeats) {
  for (int i = 0; i < warmup; ++i) {
    product();
  }
  std::vector<std::int64_t> samples(static_cast<std::size_t>(repeats));
  for (auto& sample : samples) {
    const auto start = clock::now();
    product();
    sample = elapsed_ns(start);
  }
  return samples;
}

} // namespace

std::vector<std::int64_t> time_gemm(std::int64_t n, gemm_dtype dtype, int warmup, int repeats) {
  c10::InferenceMode guard;
  auto generator = at::detail::createCPUGenerator(0);
  if (dtype == gemm_dtype::int8) {
    const auto a = torch::randint(-128, 128, {n, n}, generator, torch::TensorOptions().dtype(torch::kInt8));
    const auto b = torch::randint(-128, 128, {n, n}, generator, torch::TensorOptions().dtype(torch::kInt8));
    auto c = torch::empty({n, n}, torch::TensorOptions().dtype(torch::kInt32));
    return time_samples([&] { at::_int_mm_out(c, a, b); }, warmup, repeats);
  }
  const auto type = dtype == gemm_dtype::bfloat16 ? torch::kBFloat16 : torch::kFloat32;
  const auto a = torch::rand({n, n}, generator).to(type);
  const auto b = torch::rand({n, n}, generator).to(type);
  auto c = torch::empty({n, n}, torch::TensorOptions().dtype(type));
  return time_samples([&] { at::mm_out(c, a, b); }, warmup, repeats);
}

std::vector<std::int64_t> time_triad(std::int64_t elements, int warmup, int repeats) {
  c10::InferenceMode guard;
  // fill_ writes every page with LibTorch's threads, as the triad will touch them.
  auto a = torch::empty({elements}).fill_(0.0F);
  const auto b = torch::empty({elements}).fill_(1.0F);
  const auto c = torch::empty({elements}).fill_(2.0F);
  constexpr double scalar = 3.0;
  for (int i = 0; i < warmup; ++i) {
    at::add_out(a, b, c, scalar);
  }
  std::vector<std::int64_t> samples(static_cast<std::size_t>(repeats));
  for (auto& sample : samples) {
    const auto start = clock::now();
    at::add_out(a, b, c, scalar);
    sample = elapsed_ns(start);
  }
  return samples;
}

} // namespace gbench::backend

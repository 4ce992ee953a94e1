// graviton-bench-overhead: is graviton-bench's timed loop as fast as a bare LibTorch loop?
//
// In one process, on the same model shape and batch, it alternates rounds of graviton-bench's loop
// (backend::mlp_session::time_forwards) with rounds of the shortest loop LibTorch allows, timed the same
// way, and compares the medians of all per-forward samples. Alternating (ABAB, then BABA) spreads a noisy
// machine's drift over both sides. No fmt here: LibTorch's include directory carries another fmt.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gbench/backend/mlp.hpp"
#include "gbench/config/model_spec.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct options {
  std::string model = "recipe-mlp";
  std::string configs = GBENCH_SOURCE_CONFIG_DIR;
  std::int64_t batch = 10;
  int iterations = 50;
  int rounds = 10;
  int warmup = 10;
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--model") {
      o.model = value;
    } else if (key == "--batch") {
      o.batch = std::stoll(value);
    } else if (key == "--iters") {
      o.iterations = std::stoi(value);
    } else if (key == "--rounds") {
      o.rounds = std::stoi(value);
    } else if (key == "--warmup") {
      o.warmup = std::stoi(value);
    } else {
      std::fprintf(stderr, "usage: graviton-bench-overhead [--model NAME] [--batch N] [--iters N] [--rounds N] [--warmup N]\n");
      std::exit(2);
    }
  }
  return o;
}

} // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  const auto spec = gbench::config::load_model(o.model, std::string(o.configs) + "/models");

  gbench::backend::mlp_session session(spec, 0);
  session.prepare(o.batch);
  session.warm_up(o.warmup);

  // The bare side: the same layer shapes and seed, the same ATen calls as graviton-bench's forward
  // (flatten, linear, relu), written out with nothing in between.
  torch::manual_seed(0);
  std::vector<torch::nn::Linear> layers;
  for (const auto& [in, out] : spec.linear_layers()) {
    layers.emplace_back(in, out);
  }
  auto bare_forward = [&](const torch::Tensor& input) {
    auto h = torch::flatten(input, 1);
    for (std::size_t i = 0; i < layers.size(); ++i) {
      h = torch::linear(h, layers[i]->weight, layers[i]->bias);
      if (i + 1 < layers.size()) {
        h = torch::relu(h);
      }
    }
    return h;
  };
  std::vector<std::int64_t> shape{o.batch};
  shape.insert(shape.end(), spec.input_shape.begin(), spec.input_shape.end());
  const auto x = torch::rand(shape);
  c10::InferenceMode guard;
  for (int i = 0; i < o.warmup; ++i) {
    (void)bare_forward(x);
  }
  auto bare_round = [&] {
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(o.iterations));
    for (int i = 0; i < o.iterations; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const auto y = bare_forward(x);
      const auto stop = std::chrono::steady_clock::now();
      samples.push_back(static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count()));
    }
    return samples;
  };
  auto harness_round = [&] {
    const auto ns = session.time_forwards(o.iterations);
    return std::vector<double>(ns.begin(), ns.end());
  };

  std::vector<double> harness;
  std::vector<double> plain;
  std::vector<double> round_ratios;
  for (int r = 0; r < o.rounds; ++r) {
    std::vector<double> h;
    std::vector<double> b;
    if (r % 2 == 0) {
      h = harness_round();
      b = bare_round();
    } else {
      b = bare_round();
      h = harness_round();
    }
    round_ratios.push_back(median(h) / median(b));
    harness.insert(harness.end(), h.begin(), h.end());
    plain.insert(plain.end(), b.begin(), b.end());
  }
  const double ratio = median(harness) / median(plain);
  const double round_median = median(round_ratios);
  std::printf("model %s, batch %lld, %d rounds x %d forwards per side, %d threads\n", spec.name.c_str(),
              static_cast<long long>(o.batch), o.rounds, o.iterations, at::get_num_threads());
  std::printf("graviton-bench loop median: %.3f ms\n", median(harness) * 1e-6);
  std::printf("bare LibTorch loop median:  %.3f ms\n", median(plain) * 1e-6);
  std::printf("ratio (graviton-bench / bare): %.4f overall, %.4f median of per-round ratios\n", ratio, round_median);
  std::printf("verdict: %s\n", std::abs(ratio - 1.0) <= 0.01 ? "within 1%" : "NOT within 1%");
  std::printf("{\"model\":\"%s\",\"batch\":%lld,\"harness_median_ns\":%.0f,\"bare_median_ns\":%.0f,\"ratio\":%.5f,"
              "\"round_ratio_median\":%.5f}\n",
              spec.name.c_str(), static_cast<long long>(o.batch), median(harness), median(plain), ratio, round_median);
  return 0;
}

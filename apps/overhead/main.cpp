// graviton-bench-overhead: is graviton-bench's timed loop as fast as a bare LibTorch loop?
//
// In one process it alternates rounds of graviton-bench's loop (backend::mlp_session::time_forwards) with
// rounds of the shortest loop LibTorch allows, timed the same way, and compares the medians of all
// per-forward samples. The bare loop runs on the session's own weight, bias and input tensors (the same
// memory, not copies), so that only the loop differs: separately allocated tensors would sit elsewhere in
// memory, and on a shared machine that alone moves a median by several percent. Alternating (ABAB, then
// BABA) spreads a noisy machine's drift over both sides. No fmt here: LibTorch's include directory carries
// another fmt.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "gbench/backend/mlp.hpp"
#include "gbench/backend/mlp_tensors.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"

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
  int threads = 0;
};

void add_options(CLI::App& app, options& o) {
  app.add_option("--model", o.model, "model name (configs/models) or file")->capture_default_str();
  app.add_option("--configs", o.configs, "the configs folder")->capture_default_str();
  app.add_option("-b,--batch", o.batch, "batch size")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--iters", o.iterations, "timed forwards per round and side")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--rounds", o.rounds, "rounds per side, alternating")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--warmup", o.warmup, "untimed forwards per side first")->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--threads", o.threads, "intra-op threads (default: LibTorch's)")->check(CLI::PositiveNumber);
}

// The bare side: the same ATen calls as graviton-bench's forward (flatten, linear, relu), written out with
// nothing in between, on the session's tensors.
torch::Tensor bare_forward(const gbench::backend::mlp_tensors& t, const torch::Tensor& input) {
  auto h = torch::flatten(input, 1);
  for (std::size_t i = 0; i < t.weights.size(); ++i) {
    h = torch::linear(h, t.weights[i], t.biases[i]);
    if (i + 1 < t.weights.size()) {
      h = torch::relu(h);
    }
  }
  return h;
}

// One round of the bare loop, each forward timed as graviton-bench times its own.
std::vector<double> bare_round(const gbench::backend::mlp_tensors& t, int iterations) {
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(iterations));
  for (int i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto y = bare_forward(t, t.input);
    const auto stop = std::chrono::steady_clock::now();
    samples.push_back(static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count()));
  }
  return samples;
}

// Every per-forward sample of each side, and each round's ratio of the medians.
struct alternation {
  std::vector<double> harness;
  std::vector<double> plain;
  std::vector<double> round_ratios;
};

// Rounds of both loops, ABAB then BABA, so that a noisy machine's drift falls on both sides.
alternation alternate(gbench::backend::mlp_session& session, const gbench::backend::mlp_tensors& t, const options& o) {
  alternation a;
  auto harness_round = [&] {
    const auto ns = session.time_forwards(o.iterations);
    return std::vector<double>(ns.begin(), ns.end());
  };
  for (int r = 0; r < o.rounds; ++r) {
    std::vector<double> h;
    std::vector<double> b;
    if (r % 2 == 0) {
      h = harness_round();
      b = bare_round(t, o.iterations);
    } else {
      b = bare_round(t, o.iterations);
      h = harness_round();
    }
    a.round_ratios.push_back(median(h) / median(b));
    a.harness.insert(a.harness.end(), h.begin(), h.end());
    a.plain.insert(a.plain.end(), b.begin(), b.end());
  }
  return a;
}

// The medians and their ratio for people, then one JSON line for scripts/overhead.
void print_result(const std::string& model, const options& o, const alternation& a) {
  const double ratio = median(a.harness) / median(a.plain);
  const double round_median = median(a.round_ratios);
  std::printf("model %s, batch %lld, %d rounds x %d forwards per side, %d threads, the same tensors on both sides\n",
              model.c_str(), static_cast<long long>(o.batch), o.rounds, o.iterations, at::get_num_threads());
  std::printf("graviton-bench loop median: %.3f ms\n", median(a.harness) * 1e-6);
  std::printf("bare LibTorch loop median:  %.3f ms\n", median(a.plain) * 1e-6);
  std::printf("ratio (graviton-bench / bare): %.4f overall, %.4f median of per-round ratios\n", ratio, round_median);
  std::printf("verdict: %s\n", std::abs(ratio - 1.0) <= 0.01 ? "within 1%" : "NOT within 1%");
  const nlohmann::json summary{{"model", model},
                               {"batch", o.batch},
                               {"threads", at::get_num_threads()},
                               {"rounds", o.rounds},
                               {"iterations", o.iterations},
                               {"harness_median_ns", median(a.harness)},
                               {"bare_median_ns", median(a.plain)},
                               {"ratio", ratio},
                               {"round_ratio_median", round_median},
                               {"round_ratios", a.round_ratios}};
  std::cout << summary.dump() << '\n';
}

} // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"graviton-bench's timed loop against a bare LibTorch loop on the same tensors, in one process; "
               "prints the medians, their ratio and one JSON line"};
  add_options(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2; // graviton-bench's exit code for a command line it cannot parse
  }

  try {
    if (o.threads > 0) {
      at::set_num_threads(o.threads);
    }
    const auto spec = gbench::config::load_model(o.model, o.configs + "/models");
    gbench::backend::mlp_session session(spec, 0);
    session.prepare(o.batch);
    session.warm_up(o.warmup);
    const auto t = session.tensors();
    c10::InferenceMode guard;
    for (int i = 0; i < o.warmup; ++i) {
      (void)bare_forward(t, t.input);
    }
    print_result(spec.name, o, alternate(session, t, o));
    return 0;
  } catch (const gbench::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return static_cast<int>(e.code());
  }
}

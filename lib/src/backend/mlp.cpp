#include "gbench/backend/mlp.hpp"

#include <chrono>
#include <cstdlib>
#include <sstream>

#include "gbench/backend/libtorch.hpp"
#include "gbench/backend/mlp_tensors.hpp"
#include "mlp_impl.hpp"

namespace gbench::backend {

mlp_session::mlp_session(const config::model_spec& spec, std::uint64_t seed) : impl_(std::make_unique<impl>()) {
  impl_->seed = seed;
  impl_->spec = spec;
  impl_->input_shape = spec.input_shape;
  if (spec.is_file()) {
    impl_->file = load_file_model(spec);
    return;
  }
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

void mlp_session::use_bf16_weights() {
  c10::InferenceMode guard;
  impl_->bf16_weights.clear();
  impl_->bf16_biases.clear();
  for (auto* linear : impl_->linears) {
    impl_->bf16_weights.push_back(linear->weight.to(torch::kBFloat16).contiguous());
    impl_->bf16_biases.push_back(linear->bias.to(torch::kBFloat16).contiguous());
  }
}

mlp_session::weights_outcome mlp_session::use_weights(const config::torch_settings& settings, bool cpu_has_bf16) {
  const std::string asked = settings.weights_dtype.value_or("f32");
  weights_outcome out;
  if (asked == "f32") {
    return out;
  }
  if (impl_->file) {
    return {"f32", "not applicable",
            c10::str("weights_dtype ", asked, " converts the built-in MLP's Linear layers; a model file's weights are "
                     "the file's own: quantize at export instead (scripts/export-models --quantize int8-dynamic for "
                     "TorchScript)"), ""};
  }
  c10::InferenceMode guard;
  auto& m = *impl_;
  if (asked == "bf16") {
    use_bf16_weights();
    return {"bf16", "effective", "bf16 weights and biases converted once, the input cast to bf16 every forward", ""};
  }
  if (asked == "int8-dynamic") {
    // LibTorch's own choice where it can run here, else the first engine that can; "none" without any.
    const std::string engine = use_usable_engine();
    if (engine == "none") {
      out.status = "inert";
      out.detail = "this LibTorch has no quantized engine (at::Context::supportedQEngines is empty)";
      return out;
    }
    m.reduce_range = engine == "x86" || engine == "fbgemm";
    prepack_dynamic(m.linears, m.dynamic_packed);
    out = {"int8-dynamic", "effective",
           c10::str("quantized::linear_dynamic on per-channel int8 weights prepacked once by quantized::linear_prepack "
                    "(engine ",
                    engine, engine == "x86" || engine == "fbgemm" ? ": FBGEMM's kernels" : "",
                    "), activations quantized every forward"),
           engine == "x86" ? std::string("fbgemm") : engine};
    return out;
  }
  if (asked == "int8") {
    const std::string activations = settings.int8_activations.value_or("bf16");
    if (activations == "bf16" && !cpu_has_bf16) {
      out.status = "inert";
      out.detail = "int8 weights with bf16 activations need bf16 instructions (avx512_bf16, AMX or AVX-NE-CONVERT on "
                   "x86, BF16 on aarch64), which this CPU lacks; int8_activations \"f32\" runs PyTorch's fp32 "
                   "kernel instead, a slow reference path";
      return out;
    }
    m.int8_activations = activations == "bf16" ? torch::kBFloat16 : torch::kFloat32;
    const auto kept = quantize_int8(m.linears, m.int8_activations, m.int8_weights, m.int8_scales, m.int8_biases);
    out = {"int8", "effective",
           c10::str("aten::_weight_int8pack_mm on per-channel int8 weights, ",
                    activations == "bf16" ? "bf16 activations"
                                          : "fp32 activations (asked for by int8_activations: a slow reference path)",
                    kept.empty() ? std::string{}
                                 : c10::str("; ", c10::Join(", ", kept), " kept in ", activations,
                                            ": the operator needs an input width that is a multiple of 16 (PyTorch "
                                            "2.13's kernel crashes on others)")),
           activations == "bf16" ? "aten" : "reference"};
    return out;
  }
  const bool fallback = settings.int4_fallback.value_or(false);
  if (!at::hasKleidiAI() && !fallback) {
    out.status = "inert";
    out.detail = "no KleidiAI in this LibTorch (at::hasKleidiAI() is false): aten::_dyn_quant_matmul_4bit would run "
                 "PyTorch's reference kernel, slow; int4_fallback: true runs it anyway";
    return out;
  }
  const std::int64_t group = settings.int4_group_size.value_or(32);
  std::vector<std::string> per_row;
  const bool reference = pack_int4(m.linears, group, m.int4_packed, m.int4_groups, per_row);
  if (reference && !fallback) {
    m.int4_packed.clear();
    m.int4_groups.clear();
    out.status = "inert";
    out.detail = "this LibTorch has KleidiAI, but it declined the weights (it needs the CPU's dot-product "
                 "instructions, and a group size that is a multiple of 32): only PyTorch's reference kernel would "
                 "run them, slow; int4_fallback: true runs it anyway";
    return out;
  }
  out = int4_outcome(group, per_row, reference);
  return out;
}

std::string mlp_session::describe() const {
  if (impl_->file) {
    const auto& spec = impl_->spec;
    std::string text = config::to_string(spec.kind) + " " + spec.file + " (sha256 " + spec.sha256 + ")\ninputs:";
    for (const auto& in : spec.inputs) {
      text += "\n  " + in.describe();
    }
    return text;
  }
  std::ostringstream out;
  out << *impl_->model;
  return out.str();
}

void mlp_session::prepare(std::int64_t batch) {
  if (impl_->file) {
    impl_->inputs = make_inputs(impl_->spec, batch, impl_->seed);
    impl_->file->set_inputs(impl_->inputs);
    return;
  }
  std::vector<std::int64_t> shape{batch};
  shape.insert(shape.end(), impl_->input_shape.begin(), impl_->input_shape.end());
  // The input depends on the seed and the batch only, not on which batches ran before.
  auto generator = at::detail::createCPUGenerator(impl_->seed ^ (static_cast<std::uint64_t>(batch) << 32U));
  impl_->input = torch::rand(shape, generator);
}

void mlp_session::warm_up(int count) {
  c10::InferenceMode guard;
  for (int i = 0; i < count; ++i) {
    (void)impl_->run();
  }
}

namespace {

// GBENCH_TEST_DELAY_US and GBENCH_TEST_DELAY_PERCENT, for tests and benchmarks only: a deterministically slower
// "build", slower by a fixed time or by a share of each forward's own time (the same ratio in a Release and a
// sanitizer build). Read once per call, before the timed loop, so that the normal loop below does exactly what
// it did without them.
struct test_delay {
  std::chrono::microseconds fixed{0};
  long percent = 0;
  [[nodiscard]] bool any() const { return fixed.count() > 0 || percent > 0; }
};

long positive_env(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') {
    return 0;
  }
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  return *end == '\0' && value > 0 && value < 1000000 ? value : 0;
}

test_delay read_test_delay() {
  return {std::chrono::microseconds(positive_env("GBENCH_TEST_DELAY_US")), positive_env("GBENCH_TEST_DELAY_PERCENT")};
}

} // namespace

std::vector<std::int64_t> mlp_session::time_forwards(int count) {
  using clock = std::chrono::steady_clock;
  c10::InferenceMode guard;
  std::vector<std::int64_t> samples(static_cast<std::size_t>(count));
  const auto& model = *impl_;
  const auto& x = impl_->input;
  if (const auto delay = read_test_delay(); delay.any()) {
    for (auto& sample : samples) {
      const auto start = clock::now();
      const auto y = model.run();
      const auto done = clock::now();
      for (const auto until = done + delay.fixed + (done - start) * delay.percent / 100; clock::now() < until;) {
      }
      sample = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count();
    }
    return samples;
  }
  if (model.file) {
    auto& file = *model.file;
    for (auto& sample : samples) {
      const auto start = clock::now();
      const auto y = file.forward();
      const auto stop = clock::now();
      sample = std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count();
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

std::vector<std::vector<float>> mlp_session::outputs(int limit) {
  c10::InferenceMode guard;
  const auto logits = impl_->run();
  const auto rows = logits.reshape({logits.size(0), -1}).slice(0, 0, limit).to(torch::kFloat32).contiguous();
  std::vector<std::vector<float>> out;
  for (std::int64_t i = 0; i < rows.size(0); ++i) {
    const auto* data = rows[i].data_ptr<float>();
    out.emplace_back(data, data + rows.size(1));
  }
  return out;
}

std::vector<std::int64_t> mlp_session::predicted_classes(int limit) {
  c10::InferenceMode guard;
  const auto logits = impl_->run();
  // A model file's output may have any shape: each sample's elements, flattened, are its logits.
  const auto classes = logits.reshape({logits.size(0), -1}).argmax(1).slice(0, 0, limit).contiguous();
  const auto* data = classes.data_ptr<std::int64_t>();
  return {data, data + classes.numel()};
}

namespace {

// The float64 logits of a model file: its reference model on the same inputs, floating ones in float64.
torch::Tensor file_reference(const std::vector<torch::Tensor>& prepared, file_model& reference) {
  std::vector<torch::Tensor> inputs;
  for (const auto& in : prepared) {
    inputs.push_back(in.is_floating_point() ? in.to(torch::kFloat64) : in);
  }
  reference.set_inputs(inputs);
  return reference.forward().to(torch::kFloat64);
}

} // namespace

mlp_session::accuracy mlp_session::compare_with_float64() {
  c10::InferenceMode guard;
  accuracy a;
  const auto logits = impl_->run().to(torch::kFloat64);
  torch::Tensor reference;
  if (impl_->file) {
    const auto model = load_float64_reference(impl_->spec, a.unavailable);
    if (!model) {
      return a;
    }
    try {
      reference = file_reference(impl_->inputs, *model).reshape(logits.sizes());
    } catch (const c10::Error& e) {
      // A model quantized at export holds packed int8 weights that no float64 copy can run.
      a.unavailable =
          c10::str("unavailable: the float64 copy of ", impl_->spec.twin.empty() ? impl_->spec.file : impl_->spec.twin,
                   " cannot run (", e.what_without_backtrace(),
                   "); a model quantized at export takes its "
                   "reference from its float model STEM.pt beside it (scripts/export-models writes both)");
      return a;
    }
  } else {
    // The same layers in float64: weights and input are converted exactly, and no float64 path reduces precision.
    auto h = torch::flatten(impl_->input.to(torch::kFloat64), 1);
    for (std::size_t i = 0; i < impl_->linears.size(); ++i) {
      h = torch::linear(h, impl_->linears[i]->weight.to(torch::kFloat64), impl_->linears[i]->bias.to(torch::kFloat64));
      if (i + 1 < impl_->linears.size()) {
        h = torch::relu(h);
      }
    }
    reference = h;
  }
  a.available = true;
  const auto flat = logits.flatten();
  const auto ref = reference.flatten();
  a.cosine = torch::nn::functional::cosine_similarity(flat.unsqueeze(0), ref.unsqueeze(0),
                                                      torch::nn::functional::CosineSimilarityFuncOptions().dim(1))
                 .item<double>();
  a.max_abs_error = (flat - ref).abs().max().item<double>();
  const double scale = ref.abs().max().item<double>();
  a.max_rel_error = scale > 0 ? a.max_abs_error / scale : 0.0;
  const auto per_sample = [](const torch::Tensor& t) { return t.reshape({t.size(0), -1}).argmax(1); };
  a.top1_agreement = per_sample(logits).eq(per_sample(reference)).to(torch::kFloat64).mean().item<double>();
  return a;
}

} // namespace gbench::backend

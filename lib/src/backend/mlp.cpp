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

namespace {

// Runs `f` with LibTorch's warnings dropped: the quantized-tensor constructors warn that they are deprecated (moving
// to torchao), once per process, on the benchmark's stderr. The ATen operators they feed are what C++ calls.
template <typename F> void without_warnings(F&& f) {
  struct quiet final : c10::WarningHandler {
    void process(const c10::Warning&) override {}
  } handler;
  const c10::WarningUtils::WarningHandlerGuard guard(&handler);
  f();
}

// The quantized engine of this moment, as presets name it.
std::string engine_now() {
  switch (at::globalContext().qEngine()) {
  case at::QEngine::X86:
    return "x86";
  case at::QEngine::FBGEMM:
    return "fbgemm";
  case at::QEngine::ONEDNN:
    return "onednn";
  case at::QEngine::QNNPACK:
    return "qnnpack";
  default:
    return "none";
  }
}

// Per-channel symmetric int8 scales of a weight [out, in]: the largest magnitude of each row over `levels`.
torch::Tensor row_scales(const torch::Tensor& w, double levels) {
  return w.abs().amax(1).clamp_min(1e-12) / levels;
}

} // namespace

mlp_session::weights_outcome mlp_session::use_weights(const config::torch_settings& settings, bool cpu_has_bf16) {
  const std::string asked = settings.weights_dtype.value_or("f32");
  weights_outcome out;
  if (asked == "f32") {
    return out;
  }
  if (impl_->file) {
    out.status = "not applicable";
    out.detail = c10::str("weights_dtype ", asked,
                          " converts the built-in MLP's Linear layers; a model file's weights "
                          "are the file's own: quantize at export instead (scripts/export-models --quantize "
                          "int8-dynamic for TorchScript)");
    return out;
  }
  c10::InferenceMode guard;
  auto& m = *impl_;
  if (asked == "bf16") {
    use_bf16_weights();
    out = {"bf16", "effective", "bf16 weights and biases converted once, the input cast to bf16 every forward", ""};
    return out;
  }
  if (asked == "int8-dynamic") {
    use_usable_engine(); // LibTorch's own choice where it can run here, else the first engine that can
    const std::string engine = engine_now();
    if (engine == "none") {
      out.status = "inert";
      out.detail = "this LibTorch has no quantized engine (at::Context::supportedQEngines is empty)";
      return out;
    }
    m.reduce_range = engine == "x86" || engine == "fbgemm";
    without_warnings([&] {
      static const auto prepack =
          c10::Dispatcher::singleton()
              .findSchemaOrThrow("quantized::linear_prepack", "")
              .typed<c10::intrusive_ptr<LinearPackedParamsBase>(at::Tensor, std::optional<at::Tensor>)>();
      for (auto* linear : m.linears) {
        const auto& w = linear->weight;
        // Symmetric over [-128, 127], as torch.ao's per-channel weight observer for dynamic quantization.
        const auto scales = row_scales(w, 127.5).to(torch::kDouble);
        const auto zero_points = torch::zeros({w.size(0)}, torch::kLong);
        const auto qweight = at::quantize_per_channel(w, scales, zero_points, 0, torch::kQInt8);
        m.dynamic_packed.push_back(prepack.call(qweight, linear->bias));
      }
    });
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
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < m.linears.size(); ++i) {
      const auto& w = m.linears[i]->weight;
      m.int8_biases.push_back(m.linears[i]->bias.to(m.int8_activations).contiguous());
      if (w.size(1) % 16 != 0) {
        kept.push_back(c10::str("layer ", i + 1, " (", w.size(1), " inputs)"));
        m.int8_weights.push_back(w.to(m.int8_activations).contiguous());
        m.int8_scales.emplace_back();
        continue;
      }
      const auto scales = row_scales(w, 127.0);
      m.int8_weights.push_back((w / scales.unsqueeze(1)).round().clamp(-128, 127).to(torch::kChar).contiguous());
      m.int8_scales.push_back(scales.to(m.int8_activations).contiguous());
    }
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
  // int4: group-wise symmetric 4-bit weights, two to a byte, offset by 8 (the layout of PyTorch's own tests of
  // these operators); bf16 scales for groups, fp32 ones for a whole row, as KleidiAI's kernels take them.
  const bool fallback = settings.int4_fallback.value_or(false);
  if (!at::hasKleidiAI() && !fallback) {
    out.status = "inert";
    out.detail = "no KleidiAI in this LibTorch (at::hasKleidiAI() is false): aten::_dyn_quant_matmul_4bit would run "
                 "PyTorch's reference kernel, slow; int4_fallback: true runs it anyway";
    return out;
  }
  const std::int64_t group = settings.int4_group_size.value_or(32);
  std::vector<std::string> per_row;
  bool reference = false;
  for (std::size_t i = 0; i < m.linears.size(); ++i) {
    const auto& w = m.linears[i]->weight;
    const std::int64_t in = w.size(1);
    const std::int64_t out_features = w.size(0);
    const std::int64_t g = in % group == 0 ? group : in;
    if (g != group) {
      per_row.push_back(c10::str("layer ", i + 1, " (", in, " inputs)"));
    }
    const auto groups = w.reshape({-1, g});
    const auto scales = groups.abs().amax(1, true).clamp_min(1e-12) / 7.0;
    const auto q = (groups / scales + 8.5).to(torch::kInt).clamp_max(15);
    const auto even = q.slice(1, 0, g, 2);
    const auto odd = q.slice(1, 1, g, 2);
    const auto packed_bytes = (odd * 16 + even).to(torch::kByte).contiguous();
    const auto scale_vector = scales.reshape({-1}).to(g < in ? torch::kBFloat16 : torch::kFloat32).contiguous();
    auto packed = at::_dyn_quant_pack_4bit_weight(packed_bytes, scale_vector, m.linears[i]->bias, g, in, out_features);
    // KleidiAI packs into its own byte layout; PyTorch's reference path keeps float32 values.
    reference = reference || packed.scalar_type() != torch::kByte;
    m.int4_packed.push_back(std::move(packed));
    m.int4_groups.push_back(g);
  }
  if (reference && !fallback) {
    m.int4_packed.clear();
    m.int4_groups.clear();
    out.status = "inert";
    out.detail = "this LibTorch has KleidiAI, but it declined the weights (it needs the CPU's dot-product "
                 "instructions, and a group size that is a multiple of 32): only PyTorch's reference kernel would "
                 "run them, slow; int4_fallback: true runs it anyway";
    return out;
  }
  out = {"int4", "effective",
         c10::str("aten::_dyn_quant_matmul_4bit on 4-bit weights in groups of ", group,
                  per_row.empty() ? std::string{}
                                  : c10::str(" (per row for ", c10::Join(", ", per_row), ": ", group,
                                             " does not divide their width)"),
                  reference ? ", on PyTorch's reference kernel (asked for by int4_fallback: slow)"
                            : ", packed for KleidiAI by aten::_dyn_quant_pack_4bit_weight",
                  ", activations quantized to int8 every forward"),
         reference ? "reference" : "kleidiai"};
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

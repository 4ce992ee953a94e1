#include "gbench/backend/model_file.hpp"

#include <torch/csrc/inductor/aoti_package/model_package_loader.h>
#include <torch/script.h>
#include <torch/version.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gbench/backend/libtorch.hpp"
#include "gbench/backend/profiler.hpp"
#include "gbench/error.hpp"
#include "mlp_impl.hpp"

namespace gbench::backend {

namespace {

#if defined(__x86_64__)
constexpr const char* this_arch = "x86_64";
#elif defined(__aarch64__)
constexpr const char* this_arch = "aarch64";
#else
constexpr const char* this_arch = "unknown";
#endif

// The first line of LibTorch's message, without its C++ backtrace.
std::string short_message(const std::exception& e) {
  std::string text = e.what();
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e)) {
    text = c10_error->what_without_backtrace();
  }
  const auto end = text.find("\nException raised from");
  text = text.substr(0, end);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

torch::Tensor first_tensor(const c10::IValue& v) {
  if (v.isTensor()) {
    return v.toTensor();
  }
  if (v.isTuple() && !v.toTupleRef().elements().empty()) {
    return first_tensor(v.toTupleRef().elements()[0]);
  }
  if (v.isList() && !v.toListRef().empty()) {
    return first_tensor(v.toListRef()[0]);
  }
  if (v.isGenericDict() && !v.toGenericDict().empty()) {
    return first_tensor(v.toGenericDict().begin()->value());
  }
  throw input_error(c10::str("the model returned ", v.tagKind(), ", which holds no tensor; graviton-bench times models whose output is a tensor (or a tuple, list or dict starting with one)"));
}

class torchscript_model final : public file_model {
public:
  explicit torchscript_model(torch::jit::Module module) : module_(std::move(module)) { module_.eval(); }
  void set_inputs(const std::vector<torch::Tensor>& inputs) override {
    args_.assign(inputs.begin(), inputs.end());
  }
  torch::Tensor forward() override { return first_tensor(module_.forward(args_)); }
  [[nodiscard]] std::pair<std::int64_t, std::int64_t> parameters() const override {
    std::int64_t count = 0;
    std::int64_t bytes = 0;
    for (const auto& p : module_.parameters()) {
      count += p.numel();
      bytes += p.numel() * static_cast<std::int64_t>(p.element_size());
    }
    for (const auto& b : module_.buffers()) {
      bytes += b.numel() * static_cast<std::int64_t>(b.element_size());
    }
    return {count, bytes};
  }
  torch::jit::Module& module() { return module_; }

private:
  torch::jit::Module module_;
  std::vector<c10::IValue> args_;
};

class aoti_model final : public file_model {
public:
  explicit aoti_model(const std::string& path) : loader_(path) {}
  void set_inputs(const std::vector<torch::Tensor>& inputs) override { inputs_ = inputs; }
  torch::Tensor forward() override { return loader_.run(inputs_).at(0); }
  [[nodiscard]] std::pair<std::int64_t, std::int64_t> parameters() const override {
    std::int64_t count = 0;
    std::int64_t bytes = 0;
    // The compiled model's constants: its weights and buffers as Inductor kept them.
    for (const auto& [name, t] : const_cast<aoti_model*>(this)->loader_.get_runner()->extract_constants_map(false)) {
      count += t.numel();
      bytes += t.numel() * static_cast<std::int64_t>(t.element_size());
    }
    return {count, bytes};
  }

private:
  torch::inductor::AOTIModelPackageLoader loader_;
  std::vector<torch::Tensor> inputs_;
};

// Forwards LibTorch's warnings but those that quantized tensors are deprecated (moving to torchao): a model
// quantized at export makes them when its packed weights are restored, and they say nothing about the run.
class quiet_quantized_deprecation final : public c10::WarningHandler {
public:
  quiet_quantized_deprecation() : previous_(c10::WarningUtils::get_warning_handler()) {}
  void process(const c10::Warning& warning) override {
    if (warning.msg().find("quantized tensor creation functions") == std::string::npos) {
      previous_->process(warning);
    }
  }

private:
  c10::WarningHandler* previous_;
};

std::unique_ptr<torchscript_model> load_torchscript(const std::string& file) {
  try {
    quiet_quantized_deprecation handler;
    const c10::WarningUtils::WarningHandlerGuard guard(&handler);
    use_usable_engine(); // a model quantized at export repacks its weights for the engine of this moment
    return std::make_unique<torchscript_model>(torch::jit::load(file));
  } catch (const std::exception& e) {
    throw input_error(c10::str("--model ", file, ": not a loadable TorchScript model (", short_message(e), "); give a file written by torch.jit.save (a truncated or torch.save'd file is not one)"));
  }
}

// The instruction sets a package's kernels were compiled for (AOTI_CPU_ISA, e.g. "AVX512 AVX512_VNNI AMX_TILE")
// that this x86 CPU's /proc/cpuinfo flags lack; empty elsewhere (the architecture check covers other machines).
std::string missing_isa(const std::string& isa) {
#if defined(__x86_64__)
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  std::string flags;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) == 0) {
      flags = line.substr(line.find(':') + 1) + " ";
      break;
    }
  }
  if (flags.empty()) {
    return {};
  }
  std::istringstream words(isa);
  std::string lacking;
  for (std::string word; words >> word;) {
    std::string flag = word == "AVX512" ? "avx512f" : word;
    std::transform(flag.begin(), flag.end(), flag.begin(), [](unsigned char c) { return std::tolower(c); });
    if (flags.find(" " + flag + " ") == std::string::npos) {
      lacking += (lacking.empty() ? "" : " ") + word;
    }
  }
  return lacking;
#else
  (void)isa;
  return {};
#endif
}

std::unique_ptr<aoti_model> load_aoti(const std::string& file) {
  std::unordered_map<std::string, std::string> metadata;
  try {
    metadata = torch::inductor::AOTIModelPackageLoader::load_metadata_from_package(file, "model");
  } catch (const std::exception& e) {
    throw input_error(c10::str("--model ", file, ": not an AOTInductor package (", short_message(e), "); give a .pt2 written by torch._inductor.aoti_compile_and_package (a truncated file is not one)"));
  }
  const auto said = [&](const char* key) {
    const auto it = metadata.find(key);
    return it == metadata.end() ? std::string{} : it->second;
  };
  // AOTI_MACHINE is Inductor's own record (any package); gbench_arch is scripts/export-models'.
  const std::string arch = said("AOTI_MACHINE").empty() ? said("gbench_arch") : said("AOTI_MACHINE");
  const std::string version = said("gbench_torch_version");
  const std::string here = c10::str("this graviton-bench runs ", this_arch, " with LibTorch ", TORCH_VERSION);
  if (!arch.empty() && arch != this_arch) {
    throw input_error(c10::str("--model ", file, ": an AOTInductor package compiled for ", arch, ", and ", here, "; a .pt2 holds native code for one architecture: compile it again on this one (scripts/export-models)"));
  }
  // Python says 2.13.0+cpu where LibTorch says 2.13.0: the local label names the wheel, not another PyTorch.
  if (!version.empty() && version.substr(0, version.find('+')) != TORCH_VERSION) {
    throw input_error(c10::str("--model ", file, ": an AOTInductor package compiled by PyTorch ", version, ", and ", here, "; a .pt2 runs only with the PyTorch that compiled it: compile it again (scripts/export-models)"));
  }
  if (const auto lacking = missing_isa(said("AOTI_CPU_ISA")); !lacking.empty()) {
    throw input_error(c10::str("--model ", file, ": an AOTInductor package compiled for a CPU with ", said("AOTI_CPU_ISA"),
                               ", and this CPU lacks ", lacking, "; its kernels would stop with an illegal instruction: "
                               "compile it again on this machine (scripts/export-models)"));
  }
  // An AOTInductor model checks its inputs' shapes, strides and types only when this is set (read once per
  // process, at the first forward); without it a batch outside the range it was exported for is read out of
  // bounds. The check costs a few comparisons per forward.
  ::setenv("AOTI_RUNTIME_CHECK_INPUTS", "1", 1);
  try {
    return std::make_unique<aoti_model>(file);
  } catch (const std::exception& e) {
    throw input_error(c10::str("--model ", file, ": the AOTInductor package cannot be loaded (", short_message(e), "); a .pt2 runs only on the architecture and PyTorch version that compiled it (", here, "); compile it again here"));
  }
}

c10::ScalarType scalar_type(const std::string& dtype) {
  static const std::map<std::string, c10::ScalarType> types{
      {"float32", torch::kFloat32}, {"float64", torch::kFloat64}, {"bfloat16", torch::kBFloat16},
      {"float16", torch::kFloat16}, {"int64", torch::kInt64},     {"int32", torch::kInt32},
      {"bool", torch::kBool}};
  return types.at(dtype);
}

std::string describe_inputs(const config::model_spec& spec, std::int64_t batch) {
  std::string text;
  for (const auto& in : spec.inputs) {
    text += (text.empty() ? "" : ", ") + in.name + ": [" + std::to_string(batch);
    for (const auto d : in.shape) {
      text += ", " + std::to_string(d);
    }
    text += "] " + in.dtype;
  }
  return text;
}

} // namespace

std::unique_ptr<file_model> load_file_model(const config::model_spec& spec) {
  if (spec.kind == config::model_kind::aoti) {
    return load_aoti(spec.file);
  }
  return load_torchscript(spec.file);
}

std::unique_ptr<file_model> load_float64_reference(const config::model_spec& spec, std::string& why) {
  const std::string file =
      spec.twin.empty() ? (spec.kind == config::model_kind::aoti ? std::string{} : spec.file) : spec.twin;
  if (file.empty()) {
    why = c10::str("unavailable: an AOTInductor package cannot be converted to float64, and no TorchScript twin ", std::filesystem::path(spec.file).replace_extension(".pt").filename().string(), " was found beside it to take the float64 reference from");
    return nullptr;
  }
  auto model = load_torchscript(file);
  model->module().to(torch::kFloat64);
  return model;
}

std::vector<torch::Tensor> make_inputs(const config::model_spec& spec, std::int64_t batch, std::uint64_t seed) {
  // The inputs depend on the seed and the batch only, not on which batches ran before.
  auto generator = at::detail::createCPUGenerator(seed ^ (static_cast<std::uint64_t>(batch) << 32U));
  std::vector<torch::Tensor> inputs;
  for (const auto& in : spec.inputs) {
    std::vector<std::int64_t> shape{batch};
    shape.insert(shape.end(), in.shape.begin(), in.shape.end());
    const auto type = scalar_type(in.dtype);
    if (in.is_integer()) {
      const auto high = in.dtype == "bool" ? 2 : in.high + 1;
      const auto low = in.dtype == "bool" ? 0 : in.low;
      inputs.push_back(torch::randint(low, high, shape, generator, torch::kInt64).to(type));
    } else {
      inputs.push_back(torch::rand(shape, generator).to(type));
    }
  }
  return inputs;
}

void inspect_model(config::model_spec& spec, std::uint64_t seed) {
  if (!spec.is_file()) {
    return;
  }
  mlp_session session(spec, seed);
  // A .pt2's constants are its weights as Inductor kept them (some folded); its twin has the network's own.
  // A TorchScript variant (quantized at export) counts its own: its weights are what it reads.
  const auto [count, bytes] = spec.twin.empty() || spec.kind != config::model_kind::aoti
                                  ? session.impl_->file->parameters()
                                  : load_torchscript(spec.twin)->parameters();
  spec.file_parameters = count;
  spec.file_weight_bytes = bytes;
  double flops = 0;
  try {
    // Batch 2: torch.export specialises a batch dimension of size 0 or 1, so packages start at 2.
    constexpr std::int64_t batch = 2;
    session.prepare(batch);
    c10::InferenceMode guard;
    const auto output = session.impl_->run();
    spec.outputs = output.numel() / std::max<std::int64_t>(1, output.size(0));
    flops = profiled_flops(session) / static_cast<double>(batch);
  } catch (const gbench::error&) {
    throw;
  } catch (const std::exception& e) {
    throw input_error(c10::str("--model ", spec.file, ": the model rejected its inputs (", describe_inputs(spec, 2), ", from ", spec.inputs_from, "): ", short_message(e), "; give the inputs it expects with --input SHAPE[:DTYPE] (one per forward argument) or its sidecar"));
  }
  if (flops > 0) {
    spec.file_flops = flops;
    spec.flops_source = "profiler";
  } else if (spec.sidecar_flops) {
    spec.file_flops = *spec.sidecar_flops;
    spec.flops_source = "sidecar";
  } else {
    spec.file_flops = 0;
    spec.flops_source = "unavailable";
  }
}

} // namespace gbench::backend

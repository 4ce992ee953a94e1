#include "gbench/backend/libtorch.hpp"

#include <ATen/Config.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/version.h>

#include <algorithm>
#include <regex>
#include <utility>
#include <vector>

#include "gbench/error.hpp"

namespace gbench::backend {

namespace {

std::string config_value(const std::string& config, const std::string& key) {
  const std::regex re(key + "=([^,\\s]*)");
  std::smatch m;
  return std::regex_search(config, m, re) ? m[1].str() : std::string{};
}

// Which float32 precision API apply_settings used in this process: LibTorch keeps no record of it.
std::string fp32_api_used = "none";

const std::vector<std::pair<std::string, at::QEngine>>& engine_names() {
  static const std::vector<std::pair<std::string, at::QEngine>> names{{"x86", at::QEngine::X86},
                                                                      {"fbgemm", at::QEngine::FBGEMM},
                                                                      {"onednn", at::QEngine::ONEDNN},
                                                                      {"qnnpack", at::QEngine::QNNPACK}};
  return names;
}

std::string engine_name(at::QEngine e) {
  for (const auto& [name, engine] : engine_names()) {
    if (engine == e) {
      return name;
    }
  }
  return "none";
}

std::vector<std::string> supported_engines() {
  std::vector<std::string> out;
  for (const auto e : at::globalContext().supportedQEngines()) {
    out.push_back(engine_name(e));
  }
  return out;
}

#if defined(__x86_64__)
constexpr const char* this_arch = "x86_64";
#elif defined(__aarch64__)
constexpr const char* this_arch = "aarch64";
#else
constexpr const char* this_arch = "unknown";
#endif

std::string to_string(at::Float32MatmulPrecision p) {
  switch (p) {
  case at::Float32MatmulPrecision::HIGHEST:
    return "highest";
  case at::Float32MatmulPrecision::HIGH:
    return "high";
  case at::Float32MatmulPrecision::MEDIUM:
    return "medium";
  }
  return "unknown";
}

} // namespace

libtorch_info query_libtorch() {
  libtorch_info info;
  auto& ctx = at::globalContext();
  info.version = TORCH_VERSION;
  info.config = at::show_config();
  std::smatch m;
  if (std::regex_search(info.config, m, std::regex("MKL-DNN v([0-9.]+)"))) {
    info.onednn_version = m[1].str();
  }
  info.blas = config_value(info.config, "BLAS_INFO");
  info.cpu_capability = at::get_cpu_capability();
  info.mkldnn = AT_MKLDNN_ENABLED() != 0 && at::hasMKLDNN();
  info.acl = AT_MKLDNN_ACL_ENABLED() != 0;
  info.mkl = at::hasMKL();
  info.openmp = at::hasOpenMP();
#if defined(_GLIBCXX_USE_CXX11_ABI)
  info.cxx11_abi = _GLIBCXX_USE_CXX11_ABI != 0;
#endif
  info.threads = at::get_num_threads();
  info.mkldnn_enabled = ctx.userEnabledMkldnn();
  info.fp32_precision_api = fp32_api_used;
  try {
    info.matmul_precision = to_string(ctx.float32MatmulPrecision());
  } catch (const c10::Error&) {
    // PyTorch refuses the legacy getter once the new API has set precisions it cannot express.
    info.matmul_precision = "n/a (fp32_precision set)";
  }
  info.mkldnn_matmul_precision =
      std::string(at::precision2str(ctx.float32Precision(at::Float32Backend::MKLDNN, at::Float32Op::MATMUL)));
  info.kleidiai = at::hasKleidiAI();
  info.quantized_engine = engine_name(ctx.qEngine());
  info.quantized_engines = supported_engines();
  return info;
}

std::vector<std::string> usable_engines(const std::vector<std::string>& engines, const std::string& arch) {
  std::vector<std::string> out;
  for (const auto& e : engines) {
    if (arch == "x86_64" || (e != "x86" && e != "fbgemm")) {
      out.push_back(e);
    }
  }
  return out;
}

std::string use_usable_engine() {
  auto& ctx = at::globalContext();
  const auto usable = usable_engines(supported_engines(), this_arch);
  const std::string now = engine_name(ctx.qEngine());
  if (usable.empty() || std::find(usable.begin(), usable.end(), now) != usable.end()) {
    return now;
  }
  for (const char* preferred : {"qnnpack", "onednn"}) {
    if (std::find(usable.begin(), usable.end(), preferred) != usable.end()) {
      for (const auto& [name, engine] : engine_names()) {
        if (name == preferred) {
          ctx.setQEngine(engine);
          return name;
        }
      }
    }
  }
  return now;
}

void check_settings(const std::string& preset, const config::torch_settings& settings) {
  check_settings(preset, settings, supported_engines(), this_arch);
}

void check_settings(const std::string& preset, const config::torch_settings& settings,
                    const std::vector<std::string>& supported, const std::string& arch) {
  const std::string who = preset.empty() ? std::string("the settings") : c10::str("preset '", preset, "'");
  if (settings.matmul_precision && settings.fp32_precision) {
    throw input_error(c10::str(who, ": matmul_precision and fp32_precision are both set; PyTorch throws when its "
                                    "legacy and new float32 precision APIs are mixed in one process: keep one"));
  }
  if (settings.quantized_engine) {
    if (std::find(supported.begin(), supported.end(), *settings.quantized_engine) == supported.end()) {
      std::string list;
      for (const auto& e : supported) {
        list += (list.empty() ? "" : ", ") + e;
      }
      throw input_error(c10::str(who, ": quantized_engine ", *settings.quantized_engine,
                                 " is not supported by this LibTorch (", TORCH_VERSION, "), which supports ",
                                 list.empty() ? std::string("none") : list,
                                 "; choose one of those, or leave quantized_engine unset for its own choice (",
                                 engine_name(at::globalContext().qEngine()), ")"));
    }
    const auto usable = usable_engines(supported, arch);
    if (std::find(usable.begin(), usable.end(), *settings.quantized_engine) == usable.end()) {
      std::string list;
      for (const auto& e : usable) {
        list += (list.empty() ? "" : ", ") + e;
      }
      throw input_error(c10::str(who, ": quantized_engine ", *settings.quantized_engine,
                                 " is listed by this LibTorch but ", "runs FBGEMM's kernels, which do not run on ",
                                 arch, " (quantized::linear_prepack fails with 'unknown architecure'); choose one of ",
                                 list.empty() ? std::string("none") : list, ", or leave quantized_engine unset"));
    }
  }
}

void apply_settings(const config::torch_settings& settings) {
  auto& ctx = at::globalContext();
  check_settings("", settings);
  try {
    if (settings.threads) {
      at::set_num_threads(*settings.threads);
    }
    if (settings.mkldnn) {
      ctx.setUserEnabledMkldnn(*settings.mkldnn);
    }
    if (settings.matmul_precision) {
      ctx.setFloat32MatmulPrecision(*settings.matmul_precision);
      fp32_api_used = "matmul_precision";
    }
    if (settings.fp32_precision) {
      ctx.setFloat32Precision(at::Float32Backend::MKLDNN, at::Float32Op::MATMUL,
                              at::str2precision(*settings.fp32_precision));
      fp32_api_used = "fp32_precision";
    }
    if (settings.quantized_engine) {
      for (const auto& [name, engine] : engine_names()) {
        if (name == *settings.quantized_engine) {
          ctx.setQEngine(engine); // throws for an engine this build lacks
        }
      }
    } else {
      use_usable_engine();
    }
  } catch (const c10::Error& e) {
    throw input_error(std::string("LibTorch refused a preset setting: ") + e.what_without_backtrace());
  }
}

} // namespace gbench::backend

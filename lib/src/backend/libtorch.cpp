#include "gbench/backend/libtorch.hpp"

#include <ATen/Config.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/version.h>

#include <regex>

#include "gbench/error.hpp"

namespace gbench::backend {

namespace {

std::string config_value(const std::string& config, const std::string& key) {
  const std::regex re(key + "=([^,\\s]*)");
  std::smatch m;
  return std::regex_search(config, m, re) ? m[1].str() : std::string{};
}

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
  info.matmul_precision = to_string(ctx.float32MatmulPrecision());
  info.mkldnn_matmul_precision =
      std::string(at::precision2str(ctx.float32Precision(at::Float32Backend::MKLDNN, at::Float32Op::MATMUL)));
  return info;
}

void apply_settings(const config::torch_settings& settings) {
  auto& ctx = at::globalContext();
  try {
    if (settings.threads) {
      at::set_num_threads(*settings.threads);
    }
    if (settings.mkldnn) {
      ctx.setUserEnabledMkldnn(*settings.mkldnn);
    }
    if (settings.matmul_precision) {
      ctx.setFloat32MatmulPrecision(*settings.matmul_precision);
    }
  } catch (const c10::Error& e) {
    throw input_error(std::string("LibTorch refused a preset setting: ") + e.what_without_backtrace());
  }
}

} // namespace gbench::backend

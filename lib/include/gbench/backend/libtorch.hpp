#pragma once

#include <string>


#include "gbench/config/preset.hpp"

/// The only part of the library that includes LibTorch headers; everything it exposes is LibTorch-free.
namespace gbench::backend {

/// How the LibTorch in this process was built and is configured.
struct libtorch_info {
  std::string version;            ///< TORCH_VERSION
  std::string onednn_version;     ///< from the build configuration, e.g. "3.12.0"
  std::string blas;               ///< BLAS_INFO: mkl, open, ...
  std::string cpu_capability;     ///< ATen's dispatch level: AVX2, AVX512, SVE256, ...
  bool mkldnn = false;            ///< built with oneDNN
  bool acl = false;               ///< oneDNN built with the Arm Compute Library
  bool mkl = false;
  bool openmp = false;
  bool cxx11_abi = false;
  int threads = 0;                ///< at::get_num_threads()
  bool mkldnn_enabled = false;    ///< oneDNN enabled for use (at::Context::userEnabledMkldnn)
  std::string matmul_precision;   ///< float32 matmul precision: highest, high, medium
  std::string mkldnn_matmul_precision; ///< what oneDNN matmul is told: ieee, tf32, bf16, none
  std::string config;             ///< at::show_config()
};

libtorch_info query_libtorch();

/// Applies a preset's LibTorch settings to this process; throws input_error when LibTorch refuses one.
void apply_settings(const config::torch_settings& settings);

} // namespace gbench::backend

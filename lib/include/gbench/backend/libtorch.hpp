#pragma once

#include <string>
#include <vector>

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
  /// float32 matmul precision: highest, high, medium; "n/a (fp32_precision set)" when the process set the new
  /// API, whose state the legacy getter refuses to read
  std::string matmul_precision;
  std::string mkldnn_matmul_precision; ///< what oneDNN matmul is told: ieee, tf32, bf16, none
  /// Which float32 precision API this process's preset used: "matmul_precision" (the legacy
  /// setFloat32MatmulPrecision), "fp32_precision" (setFloat32Precision, PyTorch 2.9+) or "none".
  std::string fp32_precision_api = "none";
  bool kleidiai = false;                      ///< at::hasKleidiAI(): the int4 kernels of Arm's KleidiAI
  std::string quantized_engine;               ///< the engine of quantized ops now (at::Context::qEngine)
  std::vector<std::string> quantized_engines; ///< the engines this LibTorch supports, lower case
  /// What the built-in MLP's Linear layers computed with in this process (f32, bf16, int8-dynamic, int8, int4),
  /// set by the benchmark process after building the model; empty before.
  std::string weights;
  std::string weights_status; ///< for a preset's weights_dtype: "effective", "inert", "not applicable"; else empty
  std::string weights_detail; ///< the kernel and engine that serve it, or why the preset's form is inert
  /// Who computes the quantized layers where oneDNN does not: fbgemm, qnnpack or onednn (int8-dynamic, by
  /// engine), aten (int8 on bf16 activations), kleidiai (int4), reference (a reference kernel); else empty.
  std::string weights_kernel;
  std::string config;             ///< at::show_config()
};

libtorch_info query_libtorch();

/// Applies a preset's LibTorch settings to this process (threads, oneDNN, the float32 precision, the quantized
/// engine); throws input_error when LibTorch refuses one.
void apply_settings(const config::torch_settings& settings);

/// Refuses, before anything runs, settings this LibTorch cannot apply: a quantized_engine it does not support
/// (the message lists those it does) or cannot run on this architecture, matmul_precision with fp32_precision.
/// Throws input_error naming the preset.
void check_settings(const std::string& preset, const config::torch_settings& settings);
/// The same against a given list of supported engines (lower case, as libtorch_info::quantized_engines) on an
/// architecture ("x86_64", "aarch64").
void check_settings(const std::string& preset, const config::torch_settings& settings,
                    const std::vector<std::string>& supported_engines, const std::string& arch);

/// The engines of a list that run on an architecture: FBGEMM's (x86, fbgemm) only on x86_64. PyTorch's aarch64
/// wheel lists them, and picks x86 by default, but quantized::linear_prepack then fails ("unknown architecure").
std::vector<std::string> usable_engines(const std::vector<std::string>& engines, const std::string& arch);

/// Where LibTorch's own choice of quantized engine cannot run on this machine (x86 on aarch64), the first usable
/// one it supports (qnnpack, then onednn) instead; returns the engine now in use. apply_settings calls it when a
/// preset leaves quantized_engine unset, and loading a TorchScript model does (its packed weights are restored
/// for the engine of that moment).
std::string use_usable_engine();

} // namespace gbench::backend

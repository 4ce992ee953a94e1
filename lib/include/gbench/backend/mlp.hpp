#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"

namespace gbench::profile {
struct event;
} // namespace gbench::profile

namespace gbench::backend {

struct mlp_tensors; // gbench/backend/mlp_tensors.hpp, for code that includes LibTorch

/// The model of a model_spec and the inputs it is timed on: an MLP built with torch::nn with seeded
/// weights, or a TorchScript file or AOTInductor package loaded from disk (inputs seeded as well).
class mlp_session {
public:
  mlp_session(const config::model_spec& spec, std::uint64_t seed);
  ~mlp_session();
  mlp_session(const mlp_session&) = delete;
  mlp_session& operator=(const mlp_session&) = delete;

  /// Converts every Linear's weight and bias to bf16, once; from then on each forward casts its input to
  /// bf16 and computes in bf16 tensors (the x86 counterpart of ACL's fast-math, which prepacks bf16 weights).
  /// The fp32 parameters are kept for compare_with_float64's reference.
  void use_bf16_weights();

  /// What a preset's weights_dtype became in this process.
  struct weights_outcome {
    std::string weights = "f32"; ///< what the Linear layers compute with now: f32, bf16, int8-dynamic, int8, int4
    std::string status;          ///< "effective", "inert" or "not applicable"; empty when the preset asks for f32
    std::string detail;          ///< the operator and engine that serve the layers, or why the form is inert
    std::string kernel;          ///< backend::libtorch_info::weights_kernel
  };
  /// Sets up the Linear layers once in the form of the settings' weights_dtype (config::torch_settings): bf16
  /// (use_bf16_weights), int8-dynamic (per-channel int8 weights, quantized::linear_prepack with the quantized
  /// engine of this moment, quantized::linear_dynamic every forward), int8 (per-channel int8 weights,
  /// aten::_weight_int8pack_mm on bf16 activations, or fp32 ones with int8_activations "f32"), int4 (group-wise
  /// 4-bit weights packed by aten::_dyn_quant_pack_4bit_weight, aten::_dyn_quant_matmul_4bit). A form whose fast
  /// kernel cannot run here is inert and the model stays fp32: int8 on bf16 activations where the CPU has no bf16
  /// instructions (`cpu_has_bf16`), int4 where LibTorch has no KleidiAI or KleidiAI declines the weights, unless
  /// int4_fallback asks for PyTorch's reference kernel. A model file is never converted ("not applicable":
  /// quantize it at export). The fp32 parameters stay for compare_with_float64's reference.
  weights_outcome use_weights(const config::torch_settings& settings, bool cpu_has_bf16);

  /// The module as torch::nn prints it.
  [[nodiscard]] std::string describe() const;

  /// Creates the seeded input rand(batch, input_shape...) that the next calls use (a model file: one per
  /// forward argument, see make_inputs).
  void prepare(std::int64_t batch);
  /// Runs `count` forwards, untimed, under InferenceMode.
  void warm_up(int count);
  /// Runs `count` forwards under InferenceMode; each sample is one forward's steady-clock time in ns.
  /// The loop does nothing else.
  [[nodiscard]] std::vector<std::int64_t> time_forwards(int count);
  /// The outputs (logits) of the first `limit` samples of the prepared input, each sample's flattened.
  [[nodiscard]] std::vector<std::vector<float>> outputs(int limit);
  /// Predicted class (argmax of the logits) of the first `limit` samples of the prepared input.
  [[nodiscard]] std::vector<std::int64_t> predicted_classes(int limit);

  /// How far this process's float32 logits of the prepared input are from a float64 copy of the model's
  /// (float64 never takes a reduced-precision path, so it is the reference). A .pt2 has no float64 copy of
  /// its own: its TorchScript twin's is used, and without one the accuracy is unavailable.
  struct accuracy {
    bool available = false;
    std::string unavailable;  ///< why, when !available
    double cosine = 0;        ///< cosine similarity of all logits, flattened
    double max_abs_error = 0; ///< largest |float32 - float64|
    double max_rel_error = 0; ///< max_abs_error over the largest |float64| logit
    double top1_agreement = 0; ///< share of samples whose predicted class agrees
  };
  [[nodiscard]] accuracy compare_with_float64();

  /// The model's weights and biases and the prepared input, the very tensors the timed loop uses (not
  /// copies), for a LibTorch loop that must differ from it in the loop alone (apps/overhead).
  [[nodiscard]] mlp_tensors tensors() const;

private:
  friend std::vector<profile::event> profile_forwards(mlp_session& session, int count, bool record_shapes,
                                                      const std::string& trace_path,
                                                      std::vector<std::int64_t>* forward_ns);
  friend double profiled_flops(mlp_session& session);
  friend void inspect_model(config::model_spec& spec, std::uint64_t seed);
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gbench::backend

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gbench/config/model_spec.hpp"

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

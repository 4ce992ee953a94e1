#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gbench/config/model_spec.hpp"

namespace gbench::backend {

/// An MLP built with torch::nn from a model_spec, with seeded weights, and the inputs it is timed on.
class mlp_session {
public:
  mlp_session(const config::model_spec& spec, std::uint64_t seed);
  ~mlp_session();
  mlp_session(const mlp_session&) = delete;
  mlp_session& operator=(const mlp_session&) = delete;

  /// The module as torch::nn prints it.
  [[nodiscard]] std::string describe() const;

  /// Creates the seeded input rand(batch, input_shape...) that the next calls use.
  void prepare(std::int64_t batch);
  /// Runs `count` forwards, untimed, under InferenceMode.
  void warm_up(int count);
  /// Runs `count` forwards under InferenceMode; each sample is one forward's steady-clock time in ns.
  /// The loop does nothing else.
  [[nodiscard]] std::vector<std::int64_t> time_forwards(int count);
  /// Predicted class (argmax of the logits) of the first `limit` samples of the prepared input.
  [[nodiscard]] std::vector<std::int64_t> predicted_classes(int limit);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gbench::backend

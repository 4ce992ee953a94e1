#pragma once

#include <cstdint>

#include "gbench/config/model_spec.hpp"

namespace gbench::backend {

/// Completes the spec of a model file (config::load_model) by loading it in this process: its parameter
/// count and bytes, one sample's output size, its FLOPs per sample (the profiler's estimates of one forward
/// when it has any, else the sidecar's), and one forward at batch 1 on seeded inputs, so that a model that
/// rejects its inputs is refused before any benchmark runs. Throws input_error naming the file and, for
/// rejected inputs, what was given and what the model said.
void inspect_model(config::model_spec& spec, std::uint64_t seed);

} // namespace gbench::backend

#pragma once

#include <string>
#include <vector>

#include "gbench/backend/mlp.hpp"
#include "gbench/profile/aggregate.hpp"

namespace gbench::backend {

/// Runs `count` forwards of the session's prepared input under InferenceMode inside LibTorch's Kineto
/// profiler (CPU activity only), within a user scope "mymodel_inference" as the recipe's
/// record_function does, and returns every event the profiler reported (profile::aggregate filters
/// them as Python does). With record_shapes, each event carries its input shapes as Python prints them.
/// A non-empty trace_path receives the Chrome trace; throws output_error when it cannot be written.
/// `forward_ns`, when given, receives each profiled forward's steady-clock time.
std::vector<profile::event> profile_forwards(mlp_session& session, int count, bool record_shapes,
                                             const std::string& trace_path,
                                             std::vector<std::int64_t>* forward_ns = nullptr);

/// The FLOPs of one forward of the prepared input, as LibTorch's profiler estimates them (with_flops: the
/// sum over operators it has a formula for, such as addmm, mm, bmm, conv2d, mul, add); 0 when it has none
/// (an AOTInductor package's compiled kernels are invisible to it).
double profiled_flops(mlp_session& session);

} // namespace gbench::backend

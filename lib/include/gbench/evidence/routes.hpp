#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gbench/config/preset.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/record/evidence.hpp"

namespace gbench::profile {
struct event;
} // namespace gbench::profile

/// Who served each Linear layer: oneDNN's executions and the profiler's operators attributed to the layers.
namespace gbench::evidence {

using op_call = record::op_call;

/// The operators that computed the Linear-like layers of a forward, in the order they started: aten::addmm,
/// aten::mm, aten::bmm, quantized::linear_dynamic, quantized::linear, aten::_weight_int8pack_mm,
/// aten::_dyn_quant_matmul_4bit and the like. aten::linear is left out (its aten::addmm is what computed), and so
/// is any such operator nested in another (the inner one of an outer quantized op).
std::vector<op_call> layer_operators(const std::vector<profile::event>& events);

/// What the verbose log cannot show, for route_layers.
struct route_facts {
  std::string onednn_isa;            ///< parse_onednn_isa of the process's log
  std::string operand_dtype = "f32"; ///< the layers' weight and input data type as the model holds them
  /// Whether the CPU has bf16 instructions at all (for BLAS routes, which print nothing): a CPU without them
  /// cannot compute in bf16, whatever ran; one with them may or may not.
  bool cpu_has_bf16 = false;
  /// What the layers computed with (backend::libtorch_info::weights): f32, bf16, int8-dynamic, int8, int4.
  std::string weights = "f32";
  /// Who computes a quantized layer when oneDNN prints nothing for it (backend::libtorch_info::weights_kernel):
  /// fbgemm, qnnpack, onednn, aten, kleidiai, reference.
  std::string weights_kernel{};
  /// layer_operators of the logged forward; empty when not recorded (the layers' form then says which operator).
  std::vector<op_call> ops{};
};

/// Fills the weights facts of a process from its preset's settings and what its layers computed with
/// (backend::libtorch_info::weights and weights_kernel; empty `weights`: the preset's weights_dtype): weights,
/// weights_kernel, and operand_dtype, the activations' type (bf16 for bf16 weights and for int8 weights on bf16
/// activations, else f32).
void set_weights_facts(route_facts& facts, const config::torch_settings& settings, const std::string& weights,
                       const std::string& weights_kernel);

/// Attributes oneDNN executions to the Linear layers (in_features, out_features) of a model that ran
/// `forwards` forward passes at this batch size. An execution matches a layer when M == batch and
/// (K, N) is (in, out) or, for weights given transposed, (out, in). Layers of the same shape share the
/// matching executions evenly. A layer computed by a quantized operator (facts.ops, else facts.weights) without
/// a matching oneDNN execution is attributed to the engine or kernel that runs that operator
/// (facts.weights_kernel): backend "fbgemm", "qnnpack", "aten", "kleidiai" or "reference", math "int8" or "int4".
/// Throws input_error when batch or forwards is not positive.
std::vector<record::layer_route> route_layers(const std::vector<primitive_exec>& execs, std::int64_t batch,
                                      const std::vector<std::pair<std::int64_t, std::int64_t>>& layers, int forwards,
                                      const route_facts& facts = {});

/// A model file has no Linear routes: what its operators and oneDNN primitives say it computed in ("int4", "int8",
/// "bf16" or "fp32"), and the operator or primitive that says so.
std::pair<std::string, std::string> model_file_precision(const record::batch_evidence& e);

/// What a preset's evidence at `batch` says went wrong in its process, for the report and the table: PyTorch's
/// warning that it disabled oneDNN for the rest of the process; a layer that oneDNN served at an earlier batch
/// and BLAS at this one though this batch is not smaller (PyTorch's heuristics would keep it on oneDNN: oneDNN
/// was turned off in between) or "mixed" within the batch; a reference kernel (slow path) on a layer or among the
/// primitives.
std::vector<std::string> evidence_flags(const record::run_evidence& evidence, std::int64_t batch);

} // namespace gbench::evidence

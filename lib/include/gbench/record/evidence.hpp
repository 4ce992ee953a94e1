#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// One distinct oneDNN primitive of a forward: executions with the same kind, implementation, problem and math,
/// counted.
struct primitive_summary {
  std::string kind;
  std::string implementation;
  std::string problem; ///< shapes, as oneDNN writes them
  std::string math;
  std::string src_dtype;
  std::string wei_dtype;
  std::string dst_dtype;
  int execs = 0;
};

/// Which backend computed one Linear layer of a model.
struct layer_route {
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
  /// "onednn" when oneDNN executed a matching matmul or inner product on every forward; "blas" when no
  /// oneDNN execution matched (PyTorch then took its BLAS path, which prints nothing); "mixed" when some
  /// forwards matched and some did not (PyTorch disables oneDNN for the process after a failure). A quantized
  /// layer outside oneDNN: the engine or kernel of its operator ("fbgemm", "qnnpack", "aten", "kleidiai",
  /// "reference").
  std::string backend;
  std::string implementation; ///< the matching executions' implementation (the most frequent); empty for blas
  std::string isa;            ///< the ISA suffix of that implementation (brg_matmul:avx512_core -> avx512_core)
  std::string src_dtype;      ///< operand data types of those executions; for blas, the layer's own
  std::string wei_dtype;
  std::string dst_dtype;
  std::string fpmath;         ///< attr-fpmath of those executions; empty when none
  /// What the layer computed in (evidence::kernel_math::math): "bf16", "f32", "int8" or "int4"; for blas, "f32" for
  /// fp32 operands and for bf16 operands on a CPU without bf16 instructions, empty when the BLAS kernel is not
  /// observable.
  std::string math;
  std::string math_basis; ///< evidence::kernel_math::basis
  int execs = 0; ///< matching executions attributed to this layer
  /// The operator that computed it, from the profiler (aten::addmm, quantized::linear_dynamic,
  /// aten::_weight_int8pack_mm, aten::_dyn_quant_matmul_4bit); empty when not recorded.
  std::string op;
  /// A reference kernel (slow path) served it: oneDNN's ref:any or gemm:ref, int8 weights on fp32 activations,
  /// int4 without KleidiAI.
  bool reference = false;
};

/// One operator of a forward as LibTorch's profiler named it, with its input shapes as Python prints them.
struct op_call {
  std::string name;
  std::string input_shapes;
};

/// How close a preset's logits came to float64's on one batch.
struct accuracy {
  double cosine = 0;
  double max_abs_error = 0;
  double max_rel_error = 0;
  double top1_agreement = 0; ///< fraction of samples whose predicted class matches float64's
  /// Why there is no float64 reference (a .pt2 without a TorchScript twin); the figures above are then unset.
  std::string unavailable;
};

/// What one forward of a batch showed (--verify, doctor): who served each layer, how accurate it was.
struct batch_evidence {
  std::int64_t batch = 0;
  bool ok = false;
  std::string error;                         ///< when !ok
  std::vector<record::layer_route> routes; ///< one per Linear of the built-in MLP, in order
  std::vector<record::primitive_summary> primitives; ///< every distinct oneDNN primitive of the forward
  std::vector<std::string> verbose_lines;    ///< oneDNN's exec lines of this forward
  std::vector<record::op_call> operators;   ///< the profiler's layer operators of this forward (layer_operators)
  record::accuracy accuracy;
  // Judged against the baseline preset's evidence (evidence::judge):
  std::string attribution;        ///< what changed at this batch: backend, math, e.g. "backend MKL -> oneDNN ..."
  std::string expected_precision; ///< "bf16" or "fp32": the error level the routes predict
  std::string observed_precision; ///< "bf16" or "fp32": the error level measured
  std::optional<double> baseline_max_rel_error; ///< the baseline preset's at this batch
  std::string contradiction;      ///< non-empty when routes and accuracy disagree: the message
};

/// A preset's evidence: per batch, the huge pages of its process, and what its knobs were seen to do.
struct run_evidence {
  std::vector<batch_evidence> batches;
  std::optional<std::int64_t> huge_pages_before; ///< AnonHugePages before the model was built
  std::optional<std::int64_t> huge_pages_after;  ///< and after its forwards
  std::string onednn_isa; ///< oneDNN's `info,cpu,isa:` statement in the evidence process
  /// PyTorch's warning that it disabled oneDNN for the rest of the process (evidence::onednn_disabled_warning),
  /// when the process's stderr carried it
  std::string onednn_disabled;
  std::vector<std::string> effects; ///< per knob the preset sets: what was observed, or "no effect observed"
};

nlohmann::json to_json(const accuracy& a);
void from_json(const node& n, accuracy& out);
nlohmann::json to_json(const record::layer_route& r);
nlohmann::json to_json(const record::primitive_summary& p);
void from_json(const node& n, record::primitive_summary& out);
void from_json(const node& n, record::layer_route& out);
nlohmann::json to_json(const batch_evidence& e);
void from_json(const node& n, batch_evidence& out);
nlohmann::json to_json(const run_evidence& e);
void from_json(const node& n, run_evidence& out);

} // namespace gbench::record

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/record/json_reader.hpp"

namespace gbench::record {

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
  std::vector<evidence::layer_route> routes; ///< one per Linear of the built-in MLP, in order
  std::vector<evidence::primitive_summary> primitives; ///< every distinct oneDNN primitive of the forward
  std::vector<std::string> verbose_lines;    ///< oneDNN's exec lines of this forward
  std::vector<evidence::op_call> operators;  ///< the profiler's layer operators of this forward (layer_operators)
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
nlohmann::json to_json(const evidence::layer_route& r);
nlohmann::json to_json(const evidence::primitive_summary& p);
void from_json(const node& n, evidence::primitive_summary& out);
void from_json(const node& n, evidence::layer_route& out);
nlohmann::json to_json(const batch_evidence& e);
void from_json(const node& n, batch_evidence& out);
nlohmann::json to_json(const run_evidence& e);
void from_json(const node& n, run_evidence& out);

} // namespace gbench::record

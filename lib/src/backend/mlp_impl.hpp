#pragma once

// Internal to the backend: the LibTorch state behind mlp_session, shared by its translation units.
#include <ATen/native/quantized/PackedParams.h>
#include <torch/torch.h>

#include <memory>

#include "gbench/backend/mlp.hpp"

namespace gbench::backend {

/// A model loaded from a file (TorchScript or AOTInductor package), run on inputs set once.
class file_model {
public:
  virtual ~file_model() = default;
  file_model() = default;
  file_model(const file_model&) = delete;
  file_model& operator=(const file_model&) = delete;
  /// The inputs of the following forwards (kept: the timed loop converts nothing).
  virtual void set_inputs(const std::vector<torch::Tensor>& inputs) = 0;
  /// One forward; the first output tensor.
  virtual torch::Tensor forward() = 0;
  /// Parameters and the bytes of parameters and buffers (a .pt2: its constants).
  [[nodiscard]] virtual std::pair<std::int64_t, std::int64_t> parameters() const = 0;
};

/// Loads a model file; throws input_error saying why it cannot be used (not a model, truncated, a package of
/// another architecture or PyTorch version).
std::unique_ptr<file_model> load_file_model(const config::model_spec& spec);

/// The float64 reference of a model file's logits: the TorchScript file itself (or a .pt2's TorchScript
/// twin) converted with .to(kFloat64). Null, with `why` set, when there is none.
std::unique_ptr<file_model> load_float64_reference(const config::model_spec& spec, std::string& why);

/// Seeded inputs of a model file at this batch: uniform [0, 1) for floating inputs, uniform integers in the
/// input's range for integer ones. They depend on the seed and the batch only.
std::vector<torch::Tensor> make_inputs(const config::model_spec& spec, std::int64_t batch, std::uint64_t seed);

struct mlp_session::impl {
  config::model_spec spec;
  torch::nn::Sequential model;
  std::unique_ptr<file_model> file; ///< set for a model file; model and linears are then empty
  torch::Tensor input;              ///< the MLP's input
  std::vector<torch::Tensor> inputs; ///< a model file's inputs
  std::vector<std::int64_t> input_shape;
  std::uint64_t seed = 0;
  std::vector<torch::nn::LinearImpl*> linears; ///< model's Linear layers, in order
  /// With bf16 weights: bf16 copies of every Linear's weight and bias, made once; the fp32 originals stay
  /// for the float64 reference. Empty: the model computes with its fp32 parameters.
  std::vector<torch::Tensor> bf16_weights;
  std::vector<torch::Tensor> bf16_biases;
  /// The quantized forms (mlp_session::use_weights), each made once; the fp32 parameters stay for the reference.
  /// int8-dynamic: each layer's quantized::linear_prepack of per-channel int8 weights and the fp32 bias.
  std::vector<c10::intrusive_ptr<LinearPackedParamsBase>> dynamic_packed;
  /// Activations quantized to 7 bits, as torch.ao's dynamic quantization does on FBGEMM (x86, fbgemm engines:
  /// their kernels without VNNI could overflow otherwise); the other engines ignore it and warn.
  bool reduce_range = false;
  /// int8: each layer's int8 weight [out, in], its per-channel scales and its bias, both in the activations' type.
  /// A layer whose input width is not a multiple of 16 keeps its weight in the activations' type instead (scales
  /// undefined): aten::_weight_int8pack_mm of PyTorch 2.13 crashes on such a width.
  std::vector<torch::Tensor> int8_weights;
  std::vector<torch::Tensor> int8_scales;
  std::vector<torch::Tensor> int8_biases;
  torch::ScalarType int8_activations = torch::kBFloat16;
  /// int4: each layer's packed weights, scales and bias (aten::_dyn_quant_pack_4bit_weight) and its group size.
  std::vector<torch::Tensor> int4_packed;
  std::vector<std::int64_t> int4_groups;

  /// The model's forward with the ATen calls of Python's nn.Sequential(Flatten, Linear, ReLU, ...):
  /// aten::flatten, aten::linear, aten::relu. torch::nn::Linear's C++ forward calls aten::addmm directly,
  /// which would leave aten::linear out of the profile and make it unlike the recipe's Python one.
  /// With bf16 weights the input is cast to bf16 first (every forward: it is part of the cost), and the
  /// logits come out in bf16.
  /// A quantized form calls its operator in place of aten::linear: quantized::linear_dynamic,
  /// aten::_weight_int8pack_mm (and aten::add for the bias; the input cast to the activations' type first), or
  /// aten::_dyn_quant_matmul_4bit.
  [[nodiscard]] torch::Tensor forward(const torch::Tensor& x) const {
    auto h = torch::flatten(x, 1);
    if (!bf16_weights.empty()) {
      h = h.to(torch::kBFloat16);
    } else if (!int8_weights.empty()) {
      h = h.to(int8_activations);
    }
    for (std::size_t i = 0; i < linears.size(); ++i) {
      if (!bf16_weights.empty()) {
        h = torch::linear(h, bf16_weights[i], bf16_biases[i]);
      } else if (!dynamic_packed.empty()) {
        h = linear_dynamic().call(h, dynamic_packed[i], reduce_range);
      } else if (!int8_weights.empty()) {
        h = int8_scales[i].defined()
                ? at::add(at::_weight_int8pack_mm(h, int8_weights[i], int8_scales[i]), int8_biases[i])
                : torch::linear(h, int8_weights[i], int8_biases[i]);
      } else if (!int4_packed.empty()) {
        h = at::_dyn_quant_matmul_4bit(h, int4_packed[i], int4_groups[i], linears[i]->weight.size(1),
                                       linears[i]->weight.size(0));
      } else {
        h = torch::linear(h, linears[i]->weight, linears[i]->bias);
      }
      if (i + 1 < linears.size()) {
        h = torch::relu(h);
      }
    }
    return h;
  }

  /// quantized::linear_dynamic through the dispatcher, so that the profiler records it under its own name.
  static const c10::TypedOperatorHandle<at::Tensor(at::Tensor, const c10::intrusive_ptr<LinearPackedParamsBase>&,
                                                   bool)>&
  linear_dynamic() {
    static const auto op =
        c10::Dispatcher::singleton()
            .findSchemaOrThrow("quantized::linear_dynamic", "")
            .typed<at::Tensor(at::Tensor, const c10::intrusive_ptr<LinearPackedParamsBase>&, bool)>();
    return op;
  }

  /// One forward of whichever model this is, on the prepared input.
  [[nodiscard]] torch::Tensor run() const { return file ? file->forward() : forward(input); }
};

/// The weight forms of mlp_session::use_weights (mlp_weights.cpp).
/// int8-dynamic: per-channel int8 weights prepacked once by quantized::linear_prepack with the fp32 bias.
void prepack_dynamic(const std::vector<torch::nn::LinearImpl*>& linears,
                     std::vector<c10::intrusive_ptr<LinearPackedParamsBase>>& packed);
/// int8 weight-only: int8 weights and scales, biases in `act`; the layers kept in `act` (width not a multiple of 16).
std::vector<std::string> quantize_int8(const std::vector<torch::nn::LinearImpl*>& linears, torch::ScalarType act,
                                       std::vector<torch::Tensor>& weights, std::vector<torch::Tensor>& scales_out,
                                       std::vector<torch::Tensor>& biases);
/// int4: group-wise 4-bit weights packed by aten::_dyn_quant_pack_4bit_weight; true when PyTorch's reference path
/// (not KleidiAI) took them.
bool pack_int4(const std::vector<torch::nn::LinearImpl*>& linears, std::int64_t group,
               std::vector<torch::Tensor>& packed_out, std::vector<std::int64_t>& groups_out,
               std::vector<std::string>& per_row);
/// What an effective int4 form says of itself.
mlp_session::weights_outcome int4_outcome(std::int64_t group, const std::vector<std::string>& per_row, bool reference);

} // namespace gbench::backend

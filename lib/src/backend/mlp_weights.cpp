#include <c10/util/Exception.h>

#include "mlp_impl.hpp"

// The weight forms of mlp_session::use_weights (backend/mlp.cpp): each quantizes the built-in MLP's Linear layers
// once, at load.
namespace gbench::backend {

namespace {

// Runs `f` with LibTorch's warnings dropped: the quantized-tensor constructors warn that they are deprecated (moving
// to torchao), once per process, on the benchmark's stderr. The ATen operators they feed are what C++ calls.
template <typename F> void without_warnings(F&& f) {
  struct quiet final : c10::WarningHandler {
    void process(const c10::Warning&) override {}
  } handler;
  const c10::WarningUtils::WarningHandlerGuard guard(&handler);
  f();
}

// Per-channel symmetric int8 scales of a weight [out, in]: the largest magnitude of each row over `levels`.
torch::Tensor row_scales(const torch::Tensor& w, double levels) {
  return w.abs().amax(1).clamp_min(1e-12) / levels;
}

} // namespace

// int8-dynamic: per-channel int8 weights, symmetric over [-128, 127] as torch.ao's per-channel weight observer for
// dynamic quantization, prepacked once by quantized::linear_prepack with the fp32 bias.
void prepack_dynamic(const std::vector<torch::nn::LinearImpl*>& linears,
                     std::vector<c10::intrusive_ptr<LinearPackedParamsBase>>& packed) {
  without_warnings([&] {
    static const auto prepack =
        c10::Dispatcher::singleton()
            .findSchemaOrThrow("quantized::linear_prepack", "")
            .typed<c10::intrusive_ptr<LinearPackedParamsBase>(at::Tensor, std::optional<at::Tensor>)>();
    for (auto* linear : linears) {
      const auto& w = linear->weight;
      const auto scales = row_scales(w, 127.5).to(torch::kDouble);
      const auto zero_points = torch::zeros({w.size(0)}, torch::kLong);
      const auto qweight = at::quantize_per_channel(w, scales, zero_points, 0, torch::kQInt8);
      packed.push_back(prepack.call(qweight, linear->bias));
    }
  });
}

// int8 weight-only: per-channel int8 weights and their scales, the bias in the activations' type; a layer whose
// width is not a multiple of 16 keeps its weights in that type (returned, in words).
std::vector<std::string> quantize_int8(const std::vector<torch::nn::LinearImpl*>& linears, torch::ScalarType act,
                                       std::vector<torch::Tensor>& weights, std::vector<torch::Tensor>& scales_out,
                                       std::vector<torch::Tensor>& biases) {
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < linears.size(); ++i) {
    const auto& w = linears[i]->weight;
    biases.push_back(linears[i]->bias.to(act).contiguous());
    if (w.size(1) % 16 != 0) {
      kept.push_back(c10::str("layer ", i + 1, " (", w.size(1), " inputs)"));
      weights.push_back(w.to(act).contiguous());
      scales_out.emplace_back();
      continue;
    }
    const auto scales = row_scales(w, 127.0);
    weights.push_back((w / scales.unsqueeze(1)).round().clamp(-128, 127).to(torch::kChar).contiguous());
    scales_out.push_back(scales.to(act).contiguous());
  }
  return kept;
}

// int4: group-wise symmetric 4-bit weights, two to a byte, offset by 8 (the layout of PyTorch's own tests of these
// operators); bf16 scales for groups, fp32 ones for a whole row, as KleidiAI's kernels take them. A layer whose
// width `group` does not divide is grouped by row (`per_row`). True when PyTorch's reference path took them.
bool pack_int4(const std::vector<torch::nn::LinearImpl*>& linears, std::int64_t group,
               std::vector<torch::Tensor>& packed_out, std::vector<std::int64_t>& groups_out,
               std::vector<std::string>& per_row) {
  bool reference = false;
  for (std::size_t i = 0; i < linears.size(); ++i) {
    const auto& w = linears[i]->weight;
    const std::int64_t in = w.size(1);
    const std::int64_t out_features = w.size(0);
    const std::int64_t g = in % group == 0 ? group : in;
    if (g != group) {
      per_row.push_back(c10::str("layer ", i + 1, " (", in, " inputs)"));
    }
    const auto groups = w.reshape({-1, g});
    const auto scales = groups.abs().amax(1, true).clamp_min(1e-12) / 7.0;
    const auto q = (groups / scales + 8.5).to(torch::kInt).clamp_max(15);
    const auto even = q.slice(1, 0, g, 2);
    const auto odd = q.slice(1, 1, g, 2);
    const auto packed_bytes = (odd * 16 + even).to(torch::kByte).contiguous();
    const auto scale_vector = scales.reshape({-1}).to(g < in ? torch::kBFloat16 : torch::kFloat32).contiguous();
    auto packed = at::_dyn_quant_pack_4bit_weight(packed_bytes, scale_vector, linears[i]->bias, g, in, out_features);
    // KleidiAI packs into its own byte layout; PyTorch's reference path keeps float32 values.
    reference = reference || packed.scalar_type() != torch::kByte;
    packed_out.push_back(std::move(packed));
    groups_out.push_back(g);
  }
  return reference;
}


mlp_session::weights_outcome int4_outcome(std::int64_t group, const std::vector<std::string>& per_row, bool reference) {
  return {"int4", "effective",
          c10::str("aten::_dyn_quant_matmul_4bit on 4-bit weights in groups of ", group,
                   per_row.empty() ? std::string{}
                                   : c10::str(" (per row for ", c10::Join(", ", per_row), ": ", group,
                                              " does not divide their width)"),
                   reference ? ", on PyTorch's reference kernel (asked for by int4_fallback: slow)"
                             : ", packed for KleidiAI by aten::_dyn_quant_pack_4bit_weight",
                   ", activations quantized to int8 every forward"),
          reference ? "reference" : "kleidiai"};
}

} // namespace gbench::backend

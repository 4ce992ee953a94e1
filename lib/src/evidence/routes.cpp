#include "gbench/evidence/routes.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"

namespace gbench::evidence {

namespace {

// The most frequent value; the first seen wins a tie, so the answer does not depend on map order.
std::string most_frequent(const std::vector<std::string>& values) {
  std::string best;
  std::size_t best_count = 0;
  for (const auto& v : values) {
    const auto count = static_cast<std::size_t>(std::count(values.begin(), values.end(), v));
    if (count > best_count) {
      best = v;
      best_count = count;
    }
  }
  return best;
}

// The operators that compute a Linear-like layer. aten::linear is not one: it calls aten::addmm (or aten::matmul).
bool is_layer_operator(std::string_view name) {
  static constexpr std::string_view names[] = {"aten::addmm",
                                               "aten::mm",
                                               "aten::bmm",
                                               "aten::baddbmm",
                                               "aten::_int_mm",
                                               "aten::_weight_int8pack_mm",
                                               "aten::_weight_int4pack_mm",
                                               "aten::_dyn_quant_matmul_4bit",
                                               "quantized::linear_dynamic",
                                               "quantized::linear",
                                               "quantized::linear_dynamic_fp16",
                                               "mkldnn::_linear_pointwise"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

bool is_quantized_operator(const std::string& op) {
  return op == "quantized::linear_dynamic" || op == "quantized::linear" || op == "aten::_weight_int8pack_mm" ||
         op == "aten::_weight_int4pack_mm" || op == "aten::_dyn_quant_matmul_4bit";
}

// A quantized layer that no oneDNN execution served: its operator ran on the engine or kernel of the process
// (FBGEMM or QNNPACK for quantized::linear_dynamic, ATen's own int8 kernel, KleidiAI, a reference kernel).
void quantized_route(record::layer_route& r, const std::string& op, const route_facts& facts) {
  const bool dynamic = op.starts_with("quantized::");
  const bool int4 = op == "aten::_dyn_quant_matmul_4bit" || op == "aten::_weight_int4pack_mm";
  std::string kernel = facts.weights_kernel;
  if (kernel.empty()) {
    kernel = dynamic ? "fbgemm" : int4 ? "kleidiai" : "aten";
  }
  r.backend = kernel;
  r.implementation = op;
  r.math = int4 ? "int4" : "int8";
  if (dynamic) {
    r.src_dtype = "u8";
    r.wei_dtype = "s8";
    r.dst_dtype = "f32";
    r.math_basis = fmt::format("int8 dynamic quantization on {}: per-channel int8 weights, activations quantized "
                               "every forward",
                               kernel == "fbgemm"    ? "FBGEMM"
                               : kernel == "qnnpack" ? "QNNPACK"
                                                     : kernel);
  } else if (int4) {
    r.src_dtype = "s8";
    r.wei_dtype = "s4";
    r.dst_dtype = "f32";
    r.math_basis = kernel == "kleidiai"
                       ? std::string("4-bit weights packed for KleidiAI, activations quantized to int8 every forward")
                       : std::string("4-bit weights on PyTorch's reference kernel, activations quantized to int8 "
                                     "every forward");
  } else {
    r.src_dtype = r.dst_dtype = facts.operand_dtype;
    r.wei_dtype = "s8";
    r.math_basis =
        facts.operand_dtype == "f32"
            ? std::string("int8 weights on fp32 activations: ATen's reference int8 kernel")
            : fmt::format("int8 weights on {} activations: ATen's int8 weight-only kernel", facts.operand_dtype);
  }
  r.reference = kernel == "reference" || (!dynamic && !int4 && facts.operand_dtype == "f32");
}

// PyTorch's BLAS path prints nothing: the operands are the model's, the kernel is not observable.
void blas_route(record::layer_route& r, const route_facts& facts) {
  r.backend = "blas";
  r.src_dtype = r.wei_dtype = r.dst_dtype = facts.operand_dtype;
  if (facts.operand_dtype != "bf16") {
    r.math = facts.operand_dtype;
    r.math_basis = fmt::format("{} data", facts.operand_dtype);
  } else if (!facts.cpu_has_bf16) {
    r.math = "f32";
    r.math_basis = "bf16 data computed in fp32 outside oneDNN, emulated: this CPU has no bf16 instructions";
  } else {
    r.math_basis = "bf16 data outside oneDNN; the BLAS kernel is not observable";
  }
}

} // namespace

std::vector<op_call> layer_operators(const std::vector<profile::event>& events) {
  std::vector<const profile::event*> layer;
  for (const auto& e : events) {
    if (is_layer_operator(e.name)) {
      layer.push_back(&e);
    }
  }
  std::sort(layer.begin(), layer.end(), [](const profile::event* a, const profile::event* b) {
    return a->start_ns != b->start_ns ? a->start_ns < b->start_ns : a->end_ns > b->end_ns;
  });
  std::vector<op_call> out;
  const profile::event* outer = nullptr;
  for (const auto* e : layer) {
    if (outer != nullptr && e->thread == outer->thread && e->start_ns >= outer->start_ns &&
        e->end_ns <= outer->end_ns) {
      continue; // nested in the operator that computed this layer
    }
    outer = e;
    out.push_back({e->name, e->input_shapes});
  }
  return out;
}

void set_weights_facts(route_facts& facts, const config::torch_settings& settings, const std::string& weights,
                       const std::string& weights_kernel) {
  facts.weights = weights.empty() ? settings.weights_dtype.value_or("f32") : weights;
  facts.weights_kernel = weights_kernel;
  const bool bf16_activations =
      facts.weights == "bf16" || (facts.weights == "int8" && settings.int8_activations.value_or("bf16") == "bf16");
  facts.operand_dtype = bf16_activations ? "bf16" : "f32";
}

std::vector<record::layer_route> route_layers(const std::vector<primitive_exec>& execs, std::int64_t batch,
                                      const std::vector<std::pair<std::int64_t, std::int64_t>>& layers, int forwards,
                                      const route_facts& facts) {
  if (batch < 1) {
    throw input_error(
        fmt::format("route_layers: batch is {}; give the batch size the verbose log was taken at", batch));
  }
  if (forwards < 1) {
    throw input_error(fmt::format("route_layers: forwards is {}; give the number of forward passes logged", forwards));
  }
  // A matmul cannot tell a layer (a, b) from a layer (b, a) given transposed weights, so shapes are
  // compared unordered.
  const auto shape_key = [](std::int64_t a, std::int64_t b) { return std::pair{std::min(a, b), std::max(a, b)}; };
  std::map<std::pair<std::int64_t, std::int64_t>, int> layers_of_shape;
  for (const auto& [in, out] : layers) {
    if (in < 1 || out < 1) {
      throw input_error(fmt::format("route_layers: layer {}x{} has a non-positive size", in, out));
    }
    ++layers_of_shape[shape_key(in, out)];
  }

  // The operator of each layer: the profiler's, when it recorded one per layer and forward, else the one the
  // layers' form calls.
  const bool ops_per_layer = !layers.empty() && !facts.ops.empty() && facts.ops.size() % layers.size() == 0;
  const std::string form_op = facts.weights == "int8-dynamic" ? "quantized::linear_dynamic"
                              : facts.weights == "int8"       ? "aten::_weight_int8pack_mm"
                              : facts.weights == "int4"       ? "aten::_dyn_quant_matmul_4bit"
                                                              : "";
  std::vector<record::layer_route> routes;
  for (std::size_t index = 0; index < layers.size(); ++index) {
    const auto [in, out] = layers[index];
    const std::string op = ops_per_layer ? facts.ops[index].name : form_op;
    std::vector<const primitive_exec*> matching;
    for (const auto& e : execs) {
      if ((e.kind == "matmul" || e.kind == "inner_product") && e.m == batch &&
          shape_key(e.k, e.n) == shape_key(in, out)) {
        matching.push_back(&e);
      }
    }
    record::layer_route r;
    r.in_features = in;
    r.out_features = out;
    r.op = op;
    r.execs = static_cast<int>(matching.size()) / layers_of_shape[shape_key(in, out)];
    if (matching.empty() && is_quantized_operator(op)) {
      quantized_route(r, op, facts);
      routes.push_back(std::move(r));
      continue;
    }
    if (matching.empty()) {
      blas_route(r, facts);
      routes.push_back(std::move(r));
      continue;
    }
    r.backend = r.execs >= forwards ? "onednn" : "mixed";
    std::vector<std::string> implementations;
    for (const auto* e : matching) {
      implementations.push_back(e->implementation);
    }
    r.implementation = most_frequent(implementations);
    // The first execution of the most frequent implementation speaks for it: its operands and attributes.
    const auto* chosen = *std::find_if(matching.begin(), matching.end(),
                                       [&](const primitive_exec* e) { return e->implementation == r.implementation; });
    r.isa = chosen->isa;
    r.reference = is_reference_implementation(r.implementation);
    r.src_dtype = chosen->src_dtype;
    r.wei_dtype = chosen->wei_dtype;
    r.dst_dtype = chosen->dst_dtype;
    r.fpmath = chosen->fpmath;
    auto km = math_of(*chosen, facts.onednn_isa);
    r.math = std::move(km.math);
    r.math_basis = std::move(km.basis);
    routes.push_back(std::move(r));
  }
  return routes;
}

std::pair<std::string, std::string> model_file_precision(const record::batch_evidence& e) {
  for (const char* level : {"int4", "int8"}) {
    for (const auto& op : e.operators) {
      const bool int4 = op.name == "aten::_dyn_quant_matmul_4bit" || op.name == "aten::_weight_int4pack_mm";
      const bool quantized = op.name.starts_with("quantized::") || op.name == "aten::_weight_int8pack_mm" || int4;
      if (quantized && (int4 ? "int4" : "int8") == std::string(level)) {
        return {level, fmt::format("operator {}", op.name)};
      }
    }
    for (const auto& p : e.primitives) {
      if (p.math == level) {
        return {level, fmt::format("{} {}", p.kind, p.implementation)};
      }
    }
  }
  for (const auto& p : e.primitives) {
    if (p.math == "bf16") {
      return {"bf16", fmt::format("{} {} computed in bf16", p.kind, p.implementation)};
    }
  }
  return {"fp32", e.primitives.empty() ? std::string("no oneDNN primitive, no quantized operator")
                                       : std::string("every oneDNN primitive in fp32")};
}


std::vector<std::string> evidence_flags(const record::run_evidence& evidence, std::int64_t batch) {
  std::vector<std::string> flags;
  if (!evidence.onednn_disabled.empty()) {
    flags.push_back(fmt::format("oneDNN disabled mid-run: PyTorch said \"{}\", and every later matmul of the process "
                                "went to BLAS",
                                evidence.onednn_disabled));
  }
  // Where each layer ran on oneDNN so far (the largest batch), in the order the batches ran.
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> onednn_at;
  for (const auto& e : evidence.batches) {
    if (!e.ok) {
      continue;
    }
    for (const auto& r : e.routes) {
      const auto layer = std::make_pair(r.in_features, r.out_features);
      const auto seen = onednn_at.find(layer);
      if (e.batch == batch && r.backend == "mixed") {
        flags.push_back(fmt::format("oneDNN disabled mid-run: layer {}->{} ran on oneDNN in some forwards of batch "
                                    "{} and on BLAS in others",
                                    r.in_features, r.out_features, batch));
      } else if (e.batch == batch && r.backend == "blas" && seen != onednn_at.end() && batch >= seen->second) {
        flags.push_back(fmt::format("oneDNN disabled mid-run: layer {}->{} ran on oneDNN at batch {} and on BLAS at "
                                    "batch {}, which is no smaller",
                                    r.in_features, r.out_features, seen->second, batch));
      }
      if (r.backend == "onednn") {
        onednn_at[layer] = seen == onednn_at.end() ? e.batch : std::min(seen->second, e.batch);
      }
      if (e.batch == batch && r.reference) {
        flags.push_back(fmt::format("reference kernel (slow path): layer {}->{} on {} ({})", r.in_features,
                                    r.out_features, r.implementation.empty() ? r.backend : r.implementation,
                                    r.math_basis));
      }
    }
    if (e.batch != batch) {
      continue;
    }
    for (const auto& p : e.primitives) {
      if (is_reference_implementation(p.implementation)) {
        flags.push_back(fmt::format("reference kernel (slow path): oneDNN {} {} {}", p.kind, p.implementation,
                                    p.problem));
      }
    }
  }
  return flags;
}

} // namespace gbench::evidence

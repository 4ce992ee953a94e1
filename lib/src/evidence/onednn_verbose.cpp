#include "gbench/evidence/onednn_verbose.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"

namespace gbench::evidence {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto pos = s.find(sep);
    parts.push_back(s.substr(0, pos));
    if (pos == std::string_view::npos) {
      return parts;
    }
    s.remove_prefix(pos + 1);
  }
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

template <typename T> std::optional<T> parse_number(std::string_view s) {
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return value;
}

bool is_format_version(std::string_view field) {
  return field.size() >= 2 && field[0] == 'v' && parse_number<int>(field.substr(1)).has_value();
}

// The data type of one argument in a memory-descriptor field: `src:f32::blocked:ab::f0` (3.5+) or
// `src_f32::blocked:ab::f0` (older).
std::string dtype_of(std::string_view descriptors, std::string_view arg) {
  for (const auto token : split(descriptors, ' ')) {
    if (token.size() > arg.size() && token.substr(0, arg.size()) == arg &&
        (token[arg.size()] == ':' || token[arg.size()] == '_')) {
      const auto rest = token.substr(arg.size() + 1);
      return std::string(rest.substr(0, rest.find(':')));
    }
  }
  return {};
}

// `attr-fpmath:bf16` or, in newer versions, `attr-fpmath:bf16:true` (the flag applies it to integer
// weights too); several attributes share the field, separated by spaces.
std::string fpmath_of(std::string_view attributes) {
  constexpr std::string_view key = "attr-fpmath:";
  for (const auto token : split(attributes, ' ')) {
    if (token.substr(0, key.size()) == key) {
      const auto rest = token.substr(key.size());
      return std::string(rest.substr(0, rest.find(':')));
    }
  }
  return {};
}

// MxK:KxN of a 2-D matmul; batched (3-D and more) or runtime (`*`) shapes are left unparsed.
void parse_matmul_problem(primitive_exec& e) {
  const auto operands = split(e.problem, ':');
  if (operands.size() != 2) {
    return;
  }
  const auto src = split(operands[0], 'x');
  const auto wei = split(operands[1], 'x');
  if (src.size() != 2 || wei.size() != 2) {
    return;
  }
  const auto m = parse_number<std::int64_t>(src[0]);
  const auto k = parse_number<std::int64_t>(src[1]);
  const auto k2 = parse_number<std::int64_t>(wei[0]);
  const auto n = parse_number<std::int64_t>(wei[1]);
  if (m && k && k2 && n && *k == *k2) {
    e.m = *m;
    e.k = *k;
    e.n = *n;
  }
}

// mbMicKocN of an inner product (benchdnn's notation). Spatial inputs (ih, iw, id) fold into K in ways
// a Linear never does, so only the plain form is parsed.
void parse_inner_product_problem(primitive_exec& e) {
  std::string_view rest = e.problem;
  std::map<std::string_view, std::int64_t> dims;
  while (!rest.empty()) {
    const auto digits = rest.find_first_of("0123456789");
    if (digits == 0 || digits == std::string_view::npos) {
      return;
    }
    const auto key = rest.substr(0, digits);
    rest.remove_prefix(digits);
    const auto end = std::min(rest.find_first_not_of("0123456789"), rest.size());
    const auto value = parse_number<std::int64_t>(rest.substr(0, end));
    rest.remove_prefix(end);
    if (!value || (key != "mb" && key != "ic" && key != "oc")) {
      return;
    }
    dims[key] = *value;
  }
  if (dims.size() == 3) {
    e.m = dims["mb"];
    e.k = dims["ic"];
    e.n = dims["oc"];
  }
}

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [&](std::string_view p) { return s.starts_with(p); });
}

// The ISA of `brg_matmul:avx512_core_amx`, `jit:avx2`, `brgemm:sve_256`; names such as gemm:acl,
// gemm:jit:bf16, jit:uni or ref:any end in something else.
std::string isa_of(std::string_view implementation) {
  const auto colon = implementation.rfind(':');
  const auto suffix = colon == std::string_view::npos ? std::string_view{} : implementation.substr(colon + 1);
  return starts_with_any(suffix, {"avx", "amx", "sse", "sve", "asimd"}) ? std::string(suffix) : std::string{};
}

bool is_x86_isa(std::string_view isa) { return starts_with_any(isa, {"avx", "amx", "sse"}); }

// x86 kernels with bf16 instructions: avx512_core_bf16, *_amx*, avx10_* (AVX-512 FP16 and bf16),
// avx512_core_fp16, avx2_vnni_2 (AVX-NE-CONVERT).
bool x86_isa_has_bf16(std::string_view isa) {
  return isa.find("amx") != std::string_view::npos || isa.find("bf16") != std::string_view::npos ||
         starts_with_any(isa, {"avx10", "avx512_core_fp16", "avx2_vnni_2"});
}

std::optional<primitive_exec> parse_line(std::string_view line) {
  // Search rather than require the marker at the start: captured logs are often indented or prefixed.
  constexpr std::string_view markers[] = {"onednn_verbose,", "dnnl_verbose,"};
  std::size_t start = std::string_view::npos;
  for (const auto marker : markers) {
    start = std::min(start, line.find(marker));
  }
  if (start == std::string_view::npos) {
    return std::nullopt;
  }
  const auto fields = split(trim(line.substr(start)), ',');
  std::size_t i = 1;
  if (i < fields.size() && is_format_version(fields[i])) {
    ++i;
  }
  if (i < fields.size() && parse_number<double>(fields[i])) { // ONEDNN_VERBOSE_TIMESTAMP=1
    ++i;
  }
  if (i < fields.size() && fields[i] == "primitive") {
    ++i;
  }
  if (i >= fields.size() || fields[i] != "exec") {
    return std::nullopt;
  }
  // engine, primitive, implementation, prop_kind, memory descriptors, [attributes, auxiliary,] problem,
  // time: 1.x lines lack the attributes, oneDNN's gemm API lines lack the auxiliary field.
  const std::size_t first = i + 1;
  if (fields.size() < first + 7) {
    return std::nullopt;
  }
  const auto time = parse_number<double>(trim(fields.back()));
  if (!time) {
    return std::nullopt;
  }
  primitive_exec e;
  e.kind = std::string(fields[first + 1]);
  e.implementation = std::string(fields[first + 2]);
  e.isa = isa_of(e.implementation);
  const auto descriptors = fields[first + 4];
  e.src_dtype = dtype_of(descriptors, "src");
  e.wei_dtype = dtype_of(descriptors, "wei");
  e.dst_dtype = dtype_of(descriptors, "dst");
  for (std::size_t f = first + 5; f + 2 < fields.size(); ++f) {
    if (auto fpmath = fpmath_of(fields[f]); !fpmath.empty()) {
      e.fpmath = std::move(fpmath);
    }
  }
  e.problem = std::string(trim(fields[fields.size() - 2]));
  e.time_ms = *time;
  if (e.kind == "matmul") {
    parse_matmul_problem(e);
  } else if (e.kind == "inner_product") {
    parse_inner_product_problem(e);
  }
  return e;
}

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

} // namespace

bool is_reference_implementation(const std::string& implementation) {
  // ref:any, ref_int8:any, gemm:ref, ref_fused:any: a "ref" at the start of a part of the name.
  for (const auto part : split(implementation, ':')) {
    if (part.starts_with("ref")) {
      return true;
    }
  }
  for (const auto part : split(implementation, '+')) { // conv:any+ref:any
    if (part.starts_with("ref")) {
      return true;
    }
  }
  return false;
}

std::string onednn_disabled_warning(const std::string& stderr_text) {
  // PyTorch's wording (aten/src/ATen/native/LinearAlgebra.cpp): TORCH_WARN("mkldnn_matmul failed, switching to BLAS
  // gemm:", e.what()) in addmm, "... switching to baddbmm:" in bmm, printed by c10 as
  // "[W1206 02:53:48.046377281 LinearAlgebra.cpp:1531] Warning: mkldnn_matmul failed, ... (function ...)". Both
  // strings are in the aarch64 wheel's libtorch_cpu.so of 2.13.0.
  for (const auto line : split(stderr_text, '\n')) {
    if (line.find("mkldnn_matmul failed, switching to") != std::string_view::npos) {
      return std::string(trim(line));
    }
  }
  return {};
}

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

std::string parse_onednn_isa(const std::string& text) {
  constexpr std::string_view key = ",info,cpu,isa:";
  for (const auto line : split(text, '\n')) {
    if (const auto at = line.find(key); at != std::string_view::npos &&
                                        (line.find("onednn_verbose,") != std::string_view::npos ||
                                         line.find("dnnl_verbose,") != std::string_view::npos)) {
      return std::string(trim(line.substr(at + key.size())));
    }
  }
  return {};
}

std::optional<bool> onednn_isa_has_bf16(const std::string& onednn_isa) {
  // The wordings of oneDNN 3.x's isa statements: "... with Intel DL Boost and bfloat16 support", "Intel AVX10.1
  // and Intel AMX with bfloat16 ...", "Intel AVX 10.1", "Intel AVX2 with Intel DL Boost ... AVX-NE-CONVERT".
  if (onednn_isa.empty()) {
    return std::nullopt;
  }
  for (const char* word : {"bfloat16", "AMX", "AVX10", "AVX 10", "NE-CONVERT"}) {
    if (onednn_isa.find(word) != std::string::npos) {
      return true;
    }
  }
  if (onednn_isa.starts_with("Intel")) {
    return false; // an x86 ISA without any of them: AVX2, AVX-512 without bf16
  }
  return std::nullopt; // "AArch64 SVE (256 bits)": BF16 is an extension the statement does not name
}

kernel_math math_of(const primitive_exec& e, const std::string& onednn_isa) {
  const bool acl = e.implementation.find("acl") != std::string::npos;
  const auto int8 = [](const std::string& t) { return t == "s8" || t == "u8"; };
  if (int8(e.src_dtype) && int8(e.wei_dtype)) {
    return {"int8", fmt::format("int8 data ({} activations, {} weights) on {}", e.src_dtype, e.wei_dtype,
                                e.isa.empty() ? e.implementation : e.isa)};
  }
  const bool bf16_operands = e.src_dtype == "bf16" || e.wei_dtype == "bf16";
  if (bf16_operands) {
    std::optional<bool> native;
    if (acl) {
      native = true; // ACL dispatches bf16 operands only to its bf16 kernels
    } else if (!e.isa.empty() && is_x86_isa(e.isa)) {
      native = x86_isa_has_bf16(e.isa);
    } else {
      native = onednn_isa_has_bf16(onednn_isa);
    }
    if (native == false) {
      return {e.src_dtype == "bf16" ? "f32" : e.src_dtype,
              fmt::format("bf16 data converted and computed in fp32, emulated: {} has no bf16 instructions",
                          e.isa.empty() ? fmt::format("'{}'", onednn_isa) : e.isa)};
    }
    return {"bf16", native ? fmt::format("bf16 data on a bf16 kernel, {}", e.isa.empty() ? e.implementation : e.isa)
                           : "bf16 data; the kernel's name does not say how it computes"};
  }
  if (e.fpmath == "bf16" || e.fpmath == "any") {
    if (acl) {
      return {"bf16", fmt::format("fp32 data, ACL bf16 fast-math: attr-fpmath:{}", e.fpmath)};
    }
    // oneDNN down-converts fp32 operands under attr-fpmath:bf16 only in its AMX (and bf16) kernels.
    if (e.isa.find("amx") != std::string::npos || e.isa.find("bf16") != std::string::npos) {
      return {"bf16", fmt::format("fp32 data down-converted to bf16: attr-fpmath:{} on {}", e.fpmath, e.isa)};
    }
    return {e.src_dtype.empty() ? "f32" : e.src_dtype,
            fmt::format("bf16 allowed, fp32 used: attr-fpmath:{} on {}", e.fpmath,
                        e.isa.empty() ? e.implementation : e.isa)};
  }
  const std::string dtype = e.src_dtype.empty() ? "f32" : e.src_dtype;
  if (!e.fpmath.empty() && e.fpmath != "strict") {
    return {dtype, fmt::format("{} data, attr-fpmath:{} allowed", dtype, e.fpmath)};
  }
  return {dtype, fmt::format("{} data", dtype)};
}

std::vector<record::primitive_summary> summarize_primitives(const std::vector<primitive_exec>& execs,
                                                    const std::string& onednn_isa) {
  std::vector<record::primitive_summary> out;
  for (const auto& e : execs) {
    const std::string math = math_of(e, onednn_isa).math;
    auto it = std::find_if(out.begin(), out.end(), [&](const record::primitive_summary& s) {
      return s.kind == e.kind && s.implementation == e.implementation && s.problem == e.problem && s.math == math;
    });
    if (it == out.end()) {
      out.push_back({e.kind, e.implementation, e.problem, math, e.src_dtype, e.wei_dtype, e.dst_dtype, 0});
      it = std::prev(out.end());
    }
    ++it->execs;
  }
  return out;
}

std::vector<primitive_exec> parse_onednn_verbose(const std::string& text) {
  std::vector<primitive_exec> execs;
  for (const auto line : split(text, '\n')) {
    if (auto e = parse_line(line)) {
      execs.push_back(std::move(*e));
    }
  }
  return execs;
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
      // PyTorch's BLAS path prints nothing: the operands are the model's, the kernel is not observable.
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

} // namespace gbench::evidence

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

} // namespace gbench::evidence

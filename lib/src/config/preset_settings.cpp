#include "gbench/config/preset_settings.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/host/allocator.hpp"

namespace gbench::config {

const std::vector<std::string>& weights_dtypes() {
  static const std::vector<std::string> names{"f32", "bf16", "int8-dynamic", "int8", "int4"};
  return names;
}

const std::vector<std::string>& quantized_engines() {
  static const std::vector<std::string> names{"x86", "fbgemm", "onednn", "qnnpack"};
  return names;
}

bool is_quantized(const std::string& weights_dtype) {
  return weights_dtype == "int8-dynamic" || weights_dtype == "int8" || weights_dtype == "int4";
}

namespace {

// The settings of the weights' forms and of the float32 precision APIs.
void read_precision_settings(const json_document& doc, std::size_t from, const nlohmann::ordered_json& item,
                             const std::string& what, torch_settings& out) {
  // A string setting with a fixed set of values.
  const auto one_of = [&](const char* key, const std::vector<std::string>& values) -> std::optional<std::string> {
    if (!item.contains(key)) {
      return std::nullopt;
    }
    const auto& v = item[key];
    if (!v.is_string() || std::find(values.begin(), values.end(), v.get<std::string>()) == values.end()) {
      std::vector<std::string> quoted;
      for (const auto& x : values) {
        quoted.push_back(fmt::format("\"{}\"", x));
      }
      throw input_error(fmt::format("{}{}: {} must be one of {}, got {}", doc.where(doc.line_of_key(key, from)), what,
                                    key, fmt::join(quoted, ", "), v.dump()));
    }
    return v.get<std::string>();
  };
  out.weights_dtype = one_of("weights_dtype", weights_dtypes());
  out.fp32_precision = one_of("fp32_precision", {"ieee", "bf16", "tf32"});
  out.quantized_engine = one_of("quantized_engine", quantized_engines());
  out.int8_activations = one_of("int8_activations", {"bf16", "f32"});
  if (item.contains("int4_group_size")) {
    const auto& v = item["int4_group_size"];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 32 || v.get<std::int64_t>() > 65536 ||
        v.get<std::int64_t>() % 32 != 0) {
      throw input_error(fmt::format("{}{}: int4_group_size must be a multiple of 32 from 32 to 65536 (KleidiAI's "
                                    "group-wise kernels take such groups), got {}",
                                    doc.where(doc.line_of_key("int4_group_size", from)), what, v.dump()));
    }
    out.int4_group_size = v.get<int>();
  }
  if (item.contains("int4_fallback")) {
    if (!item["int4_fallback"].is_boolean()) {
      throw input_error(fmt::format("{}{}: int4_fallback must be true or false",
                                    doc.where(doc.line_of_key("int4_fallback", from)), what));
    }
    out.int4_fallback = item["int4_fallback"].get<bool>();
  }
  if (out.matmul_precision && out.fp32_precision) {
    throw input_error(fmt::format(
        "{}{} sets both matmul_precision and fp32_precision; PyTorch throws when its legacy float32 precision API "
        "(matmul_precision) and the new one (fp32_precision) are mixed in one process: keep one of the two "
        "(fp32_precision \"bf16\" asks oneDNN's matmul for what matmul_precision \"medium\" asks)",
        doc.where(doc.line_of_key("fp32_precision", from)), what));
  }
}

} // namespace

void read_torch_settings(const json_document& doc, std::size_t from, const nlohmann::ordered_json& item,
                         const std::string& what, torch_settings& out) {
  if (item.contains("matmul_precision")) {
    const auto& v = item["matmul_precision"];
    const std::string line = doc.where(doc.line_of_key("matmul_precision", from));
    if (!v.is_string() || (v != "highest" && v != "high" && v != "medium")) {
      throw input_error(fmt::format("{}{}: matmul_precision must be \"highest\", \"high\" or \"medium\", got {}", line,
                                    what, v.dump()));
    }
    out.matmul_precision = v.get<std::string>();
  }
  if (item.contains("mkldnn")) {
    if (!item["mkldnn"].is_boolean()) {
      throw input_error(fmt::format("{}{}: mkldnn must be true or false", doc.where(doc.line_of_key("mkldnn", from)), what));
    }
    out.mkldnn = item["mkldnn"].get<bool>();
  }
  if (item.contains("threads")) {
    const auto& v = item["threads"];
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0 || v.get<std::int64_t>() > 4096 ||
        (v.is_number_unsigned() && v.get<std::uint64_t>() > 4096)) {
      throw input_error(fmt::format("{}{}: threads must be a whole number from 1 to 4096, got {}",
                                    doc.where(doc.line_of_key("threads", from)), what, v.dump()));
    }
    out.threads = v.get<int>();
  }
  read_precision_settings(doc, from, item, what, out);
  if (item.contains("allocator")) {
    const auto& v = item["allocator"];
    const std::string line = doc.where(doc.line_of_key("allocator", from));
    if (!v.is_string()) {
      throw input_error(fmt::format("{}{}: allocator must be a string, one of {}", line, what,
                                    fmt::join(host::allocator_names(), ", ")));
    }
    check_setting_value(fmt::format("{}{}: ", line, what), "allocator", v.get<std::string>());
    out.allocator = v.get<std::string>();
  }
}

} // namespace gbench::config

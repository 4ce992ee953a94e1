// Model files (TorchScript, AOTInductor packages): their identity, their inputs from --input or a sidecar.
// Inspecting the model itself (parameters, FLOPs, a trial forward) needs LibTorch: backend::inspect_model.
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <limits>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/config/json_file.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"

namespace gbench::config {

namespace {

const std::vector<std::string>& dtypes() {
  static const std::vector<std::string> names{"float32", "float64", "bfloat16", "float16", "int64", "int32", "bool"};
  return names;
}

constexpr std::int64_t max_dimension = std::int64_t{1} << 24;
// One sample of one input: at most this many dimensions and elements (2^31 elements of float64 are 16 GiB), so that
// the element and byte counts of every input stay far inside 64 bits.
constexpr std::size_t max_rank = 16;
constexpr std::int64_t max_sample_elements = std::int64_t{1} << 31;

// Empty when the shape is within the limits, else what is wrong with it.
std::string sample_size_violation(const std::vector<std::int64_t>& shape) {
  if (shape.size() > max_rank) {
    return fmt::format("{} dimensions; at most {} are supported", shape.size(), max_rank);
  }
  std::int64_t elements = 1;
  for (const std::int64_t d : shape) {
    if (elements > max_sample_elements / d) {
      return fmt::format("more than {} elements in one sample", max_sample_elements);
    }
    elements *= d;
  }
  return {};
}

std::int64_t parse_int(std::string_view text) {
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw std::invalid_argument("not a whole number");
  }
  return value;
}

std::string sha256_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw input_error(fmt::format("--model: '{}' cannot be read; check its permissions", path.string()));
  }
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    throw error("OpenSSL could not start a SHA-256 digest");
  }
  std::array<char, 1 << 16> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &size);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

std::vector<std::int64_t> shape_of(const nlohmann::ordered_json& v, const std::string& where) {
  if (!v.is_array()) {
    throw input_error(fmt::format("{}'shape' must be an array of positive whole numbers (one sample, without the "
                                  "batch), got {}", where, v.dump()));
  }
  std::vector<std::int64_t> shape;
  for (const auto& d : v) {
    if (!d.is_number_integer() || d.get<std::int64_t>() < 1 || d.get<std::int64_t>() > max_dimension) {
      throw input_error(fmt::format("{}'shape' must hold whole numbers from 1 to {}, got {}", where, max_dimension,
                                    v.dump()));
    }
    shape.push_back(d.get<std::int64_t>());
  }
  if (const auto too_large = sample_size_violation(shape); !too_large.empty()) {
    throw input_error(fmt::format("{}'shape' {} has {}", where, v.dump(), too_large));
  }
  return shape;
}

void check_dtype(const std::string& dtype, const std::string& where) {
  if (std::find(dtypes().begin(), dtypes().end(), dtype) == dtypes().end()) {
    throw input_error(fmt::format("{}unknown dtype '{}'; expected one of {}", where, dtype, fmt::join(dtypes(), ", ")));
  }
}

// The range of an integer input must hold values of its type, and one past its end must be a number too (the
// values are drawn from [low, high + 1)).
std::string range_violation(const input_spec& in) {
  const std::int64_t lowest = in.dtype == "int32" ? std::numeric_limits<std::int32_t>::min()
                            : in.dtype == "bool"  ? 0
                                                  : std::numeric_limits<std::int64_t>::min();
  const std::int64_t highest = in.dtype == "int32" ? std::numeric_limits<std::int32_t>::max()
                             : in.dtype == "bool"  ? 1
                                                   : std::numeric_limits<std::int64_t>::max() - 1;
  if (in.low < lowest || in.high > highest) {
    return fmt::format("[{}, {}] does not fit {} values (from {} to {})", in.low, in.high, in.dtype, lowest, highest);
  }
  return {};
}

input_spec input_from_json(const nlohmann::ordered_json& j, const std::string& where, std::size_t index) {
  static const std::vector<std::string> keys{"name", "shape", "dtype", "range"};
  if (!j.is_object()) {
    throw input_error(fmt::format("{}each input must be an object with keys {}", where, fmt::join(keys, ", ")));
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      throw input_error(fmt::format("{}unknown key '{}' in input {}; expected one of {}", where, key, index,
                                    fmt::join(keys, ", ")));
    }
  }
  if (!j.contains("shape")) {
    throw input_error(fmt::format("{}input {} has no 'shape' (one sample's shape, without the batch)", where, index));
  }
  input_spec in;
  in.name = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : fmt::format("input{}", index);
  in.shape = shape_of(j["shape"], where);
  if (j.contains("dtype")) {
    if (!j["dtype"].is_string()) {
      throw input_error(fmt::format("{}'dtype' must be a string, one of {}", where, fmt::join(dtypes(), ", ")));
    }
    in.dtype = j["dtype"].get<std::string>();
    check_dtype(in.dtype, where);
  }
  if (j.contains("range")) {
    const auto& r = j["range"];
    if (!in.is_integer() || !r.is_array() || r.size() != 2 || !r[0].is_number_integer() || !r[1].is_number_integer() ||
        r[0].get<std::int64_t>() > r[1].get<std::int64_t>()) {
      throw input_error(fmt::format("{}'range' must be [low, high] (whole numbers, low <= high) of an integer input, "
                                    "got {} for a {} input", where, r.dump(), in.dtype));
    }
    in.low = r[0].get<std::int64_t>();
    in.high = r[1].get<std::int64_t>();
    if (const auto bad = range_violation(in); !bad.empty()) {
      throw input_error(fmt::format("{}'range' {}", where, bad));
    }
  }
  return in;
}

} // namespace

bool input_spec::is_integer() const { return dtype == "int64" || dtype == "int32" || dtype == "bool"; }

std::int64_t input_spec::element_bytes() const {
  if (dtype == "float64" || dtype == "int64") {
    return 8;
  }
  if (dtype == "bfloat16" || dtype == "float16") {
    return 2;
  }
  return dtype == "bool" ? 1 : 4;
}

std::int64_t input_spec::elements() const {
  std::int64_t n = 1;
  for (const auto d : shape) {
    n *= d;
  }
  return n;
}

std::string input_spec::describe() const {
  std::string text = fmt::format("{}: {} {}", name, shape.empty() ? std::string("scalar") : fmt::format("{}", fmt::join(shape, "x")), dtype);
  if (is_integer()) {
    text += fmt::format(" in [{}, {}]", low, high);
  }
  return text;
}

input_spec parse_input(const std::string& text, std::size_t index) {
  const std::string usage = "write SHAPE[:DTYPE[:LOW..HIGH]] for one sample, e.g. 3x224x224, 3x224x224:float32 or "
                            "128:int64:0..30521 (the batch is prepended)";
  input_spec in;
  in.name = fmt::format("input{}", index);
  const auto colon = text.find(':');
  const std::string shape = text.substr(0, colon);
  try {
    std::size_t start = 0;
    while (start <= shape.size()) {
      const auto x = std::min(shape.find('x', start), shape.size());
      const auto d = parse_int(std::string_view(shape).substr(start, x - start));
      if (d < 1 || d > max_dimension) {
        throw std::invalid_argument("out of range");
      }
      in.shape.push_back(d);
      start = x + 1;
    }
  } catch (const std::invalid_argument&) {
    throw input_error(fmt::format("--input '{}': '{}' is not a shape of whole numbers from 1 to {}; {}", text, shape,
                                  max_dimension, usage));
  }
  if (const auto too_large = sample_size_violation(in.shape); !too_large.empty()) {
    throw input_error(fmt::format("--input '{}': the shape has {}; {}", text, too_large, usage));
  }
  if (colon == std::string::npos) {
    return in;
  }
  const std::string rest = text.substr(colon + 1);
  const auto colon2 = rest.find(':');
  in.dtype = rest.substr(0, colon2);
  check_dtype(in.dtype, fmt::format("--input '{}': ", text));
  if (colon2 == std::string::npos) {
    return in;
  }
  const std::string range = rest.substr(colon2 + 1);
  const auto dots = range.find("..");
  try {
    if (!in.is_integer() || dots == std::string::npos) {
      throw std::invalid_argument("no range");
    }
    in.low = parse_int(std::string_view(range).substr(0, dots));
    in.high = parse_int(std::string_view(range).substr(dots + 2));
    if (in.low > in.high) {
      throw std::invalid_argument("empty");
    }
  } catch (const std::invalid_argument&) {
    throw input_error(fmt::format("--input '{}': '{}' is not a value range LOW..HIGH (LOW <= HIGH) of an integer "
                                  "input; {}", text, range, usage));
  }
  if (const auto bad = range_violation(in); !bad.empty()) {
    throw input_error(fmt::format("--input '{}': the range {}", text, bad));
  }
  return in;
}

// A variant of a model that scripts/export-models writes beside it, STEM.VARIANT.pt or STEM.VARIANT.pt2 (VARIANT
// int8-dynamic: quantized at export; frozen: an AOTInductor package compiled with freezing): STEM with the folder;
// empty for any other name.
std::filesystem::path variant_base(const std::filesystem::path& model_file) {
  const auto stem = model_file.stem();
  const auto variant = stem.extension().string();
  return variant == ".int8-dynamic" || variant == ".frozen" ? model_file.parent_path() / stem.stem()
                                                            : std::filesystem::path{};
}

std::filesystem::path find_sidecar(const std::filesystem::path& model_file) {
  auto own = model_file;
  own += ".json";
  if (std::filesystem::is_regular_file(own)) {
    return own;
  }
  auto shared = model_file;
  shared.replace_extension(".json");
  if (std::filesystem::is_regular_file(shared)) {
    return shared;
  }
  // A variant shares the sidecar of the model it was made from: the same inputs, the same network.
  if (const auto base = variant_base(model_file); !base.empty()) {
    auto of_base = base;
    of_base += ".json";
    if (std::filesystem::is_regular_file(of_base)) {
      return of_base;
    }
  }
  return {};
}

void read_sidecar(const std::filesystem::path& path, model_spec& spec) {
  sidecar_from_document(load_json_document(path), spec);
}

void sidecar_from_document(const json_document& doc, model_spec& spec) {
  static const std::vector<std::string> keys{"description", "inputs", "flops_per_sample", "exported_by"};
  const auto& j = doc.value;
  if (!j.is_object()) {
    throw input_error(fmt::format("{}a model sidecar must be a JSON object with keys {}", doc.where(1),
                                  fmt::join(keys, ", ")));
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      throw input_error(fmt::format("{}unknown key '{}' in the model sidecar; expected one of {}",
                                    doc.where(doc.line_of_key(key)), key, fmt::join(keys, ", ")));
    }
  }
  spec.sidecar = doc.path.string();
  if (j.contains("description")) {
    if (!j["description"].is_string()) {
      throw input_error(fmt::format("{}'description' must be a string", doc.where(doc.line_of_key("description"))));
    }
    spec.description = j["description"].get<std::string>();
  }
  if (j.contains("inputs")) {
    const std::string where = doc.where(doc.line_of_key("inputs"));
    if (!j["inputs"].is_array() || j["inputs"].empty()) {
      throw input_error(fmt::format("{}'inputs' must be a non-empty array, one object per forward argument", where));
    }
    spec.inputs.clear();
    for (std::size_t i = 0; i < j["inputs"].size(); ++i) {
      spec.inputs.push_back(input_from_json(j["inputs"][i], where, i));
    }
    spec.inputs_from = doc.path.string();
  }
  if (j.contains("flops_per_sample")) {
    if (!j["flops_per_sample"].is_number() || j["flops_per_sample"].get<double>() <= 0) {
      throw input_error(fmt::format("{}'flops_per_sample' must be a positive number",
                                    doc.where(doc.line_of_key("flops_per_sample"))));
    }
    spec.sidecar_flops = j["flops_per_sample"].get<double>();
  }
}

model_spec load_model_file(const std::filesystem::path& path, const std::vector<std::string>& inputs);

model_spec load_model_file(const std::filesystem::path& path, const std::vector<std::string>& inputs) {
  if (!std::filesystem::is_regular_file(path)) {
    throw input_error(fmt::format("--model: no file '{}'; give a TorchScript (.pt) or AOTInductor (.pt2) file "
                                  "(scripts/export-models writes examples into the build folder's models/)",
                                  path.string()));
  }
  model_spec spec;
  spec.kind = path.extension() == ".pt2" ? model_kind::aoti : model_kind::torchscript;
  spec.file = std::filesystem::absolute(path).lexically_normal().string();
  spec.name = path.filename().string();
  spec.file_bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  spec.sha256 = sha256_of(path);
  spec.flops_source = "unavailable";
  if (const auto sidecar = find_sidecar(path); !sidecar.empty()) {
    read_sidecar(sidecar, spec);
  }
  if (!inputs.empty()) {
    spec.inputs.clear();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      spec.inputs.push_back(parse_input(inputs[i], i));
    }
    spec.inputs_from = "--input";
  }
  if (spec.inputs.empty()) {
    throw input_error(fmt::format("--model {}: its inputs are unknown; give one --input SHAPE[:DTYPE] per forward "
                                  "argument (e.g. --input 3x224x224:float32) or a sidecar {} naming them",
                                  path.string(), std::filesystem::path(path).replace_extension(".json").string()));
  }
  // The TorchScript model that gives the float64 reference: a .pt2's STEM.pt, a variant's (STEM.VARIANT.pt2 or
  // .pt, e.g. quantized at export) STEM.pt.
  std::vector<std::filesystem::path> twins;
  if (spec.kind == model_kind::aoti) {
    twins.push_back(std::filesystem::path(path).replace_extension(".pt"));
  }
  if (const auto base = variant_base(path); !base.empty()) {
    twins.push_back(std::filesystem::path(base) += ".pt");
  }
  for (const auto& twin : twins) {
    if (std::filesystem::is_regular_file(twin)) {
      spec.twin = std::filesystem::absolute(twin).lexically_normal().string();
      break;
    }
  }
  spec.input_shape = spec.inputs.front().shape;
  return spec;
}

} // namespace gbench::config

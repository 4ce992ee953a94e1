#include "gbench/config/preset.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/config/json_file.hpp"
#include "gbench/config/preset_settings.hpp"
#include "gbench/error.hpp"
#include "gbench/host/allocator.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::config {

namespace {

bool iequals(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// A whole number that fits in 64 bits: what the libraries' strtol/atoi readers can take without overflowing.
bool is_integer(const std::string& s) {
  const char* first = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), value);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

constexpr std::size_t max_knob_text = 256;

// Knob names and values go into a process environment ("NAME=VALUE") and into every report and table: a name
// is a shell variable name, a value is one short line without '='.
void check_knob_name(const std::string& origin, const std::string& name) {
  const bool valid = !name.empty() && name.size() <= max_knob_text &&
                     (std::isalpha(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_') &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
                     });
  if (!valid) {
    throw input_error(fmt::format("{}'{}' is not a knob name; an environment variable name is letters, digits and "
                                  "'_' (not starting with a digit), at most {} characters",
                                  origin, name.substr(0, 64), max_knob_text));
  }
}

void check_knob_text(const std::string& origin, const std::string& name, const std::string& value) {
  if (value.size() > max_knob_text) {
    throw input_error(fmt::format("{}the value of {} is {} characters long; at most {} are accepted", origin, name,
                                  value.size(), max_knob_text));
  }
  const auto bad = std::find_if(value.begin(), value.end(), [](char c) {
    return c == '=' || std::iscntrl(static_cast<unsigned char>(c)) != 0;
  });
  if (bad != value.end()) {
    throw input_error(fmt::format("{}the value of {} contains {}; a knob value is one line without '=' or control "
                                  "characters",
                                  origin, name, *bad == '=' ? std::string("'='") : fmt::format("the byte 0x{:02x}", static_cast<unsigned char>(*bad))));
  }
}

void check_keys(const json_document& doc, std::size_t from, const nlohmann::ordered_json& obj,
                const std::vector<std::string>& allowed, const std::string& what) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      throw input_error(fmt::format("{}unknown key '{}' in {}; expected one of {}", doc.where(doc.line_of_key(key, from)),
                                    key, what, fmt::join(allowed, ", ")));
    }
  }
}

knob parse_knob(const json_document& doc, const std::string& name, const nlohmann::ordered_json& j,
                const std::vector<std::string>& allowed = {"description", "values", "integer", "candidates", "group"}) {
  const std::size_t at = doc.offset_of_key(name);
  const std::string where = doc.where(doc.line_of_key(name));
  check_knob_name(where, name);
  if (!j.is_object()) {
    throw input_error(fmt::format("{}knob '{}' must be an object with 'description' and 'values' or 'integer'", where, name));
  }
  check_keys(doc, at == std::string::npos ? 0 : at, j, allowed, fmt::format("knob '{}'", name));
  knob k;
  if (j.contains("candidates")) {
    k.candidates = parse_candidates(j["candidates"], doc.where(doc.line_of_key("candidates", at == std::string::npos ? 0 : at)),
                                    fmt::format("'{}'", name));
  }
  if (j.contains("group")) {
    if (!j["group"].is_string()) {
      throw input_error(fmt::format("{}'group' of knob '{}' must be a string", where, name));
    }
    k.group = j["group"].get<std::string>();
  }
  k.name = name;
  if (j.contains("description") && !j["description"].is_string()) {
    throw input_error(fmt::format("{}'description' of knob '{}' must be a string", where, name));
  }
  k.description = j.value("description", "");
  if (j.contains("values")) {
    if (!j["values"].is_array()) {
      throw input_error(fmt::format("{}'values' of knob '{}' must be an array of strings", where, name));
    }
    for (const auto& v : j["values"]) {
      if (!v.is_string()) {
        throw input_error(fmt::format("{}'values' of knob '{}' must be an array of strings", where, name));
      }
      check_knob_text(where, name, v.get<std::string>());
      k.values.push_back(v.get<std::string>());
    }
  }
  if (j.contains("integer")) {
    if (!j["integer"].is_boolean()) {
      throw input_error(fmt::format("{}'integer' of knob '{}' must be true or false", where, name));
    }
    k.integer = j["integer"].get<bool>();
  }
  return k;
}

} // namespace

void preset_catalog::add_knob(knob k) {
  const auto it = std::find_if(knobs_.begin(), knobs_.end(), [&](const knob& x) { return x.name == k.name; });
  if (it != knobs_.end()) {
    *it = std::move(k);
  } else {
    knobs_.push_back(std::move(k));
  }
}

void preset_catalog::add_preset(preset p) {
  const auto it = std::find_if(presets_.begin(), presets_.end(), [&](const preset& x) { return x.name == p.name; });
  if (it != presets_.end()) {
    *it = std::move(p);
  } else {
    presets_.push_back(std::move(p));
  }
}

void preset_catalog::add_search_setting(knob k) {
  const auto it = std::find_if(search_.begin(), search_.end(), [&](const knob& x) { return x.name == k.name; });
  if (it != search_.end()) {
    *it = std::move(k);
  } else {
    search_.push_back(std::move(k));
  }
}

void preset_catalog::merge(const preset_catalog& other) {
  for (const auto& k : other.knobs_) {
    add_knob(k);
  }
  for (const auto& k : other.search_) {
    add_search_setting(k);
  }
  for (const auto& p : other.presets_) {
    add_preset(p);
  }
}

const knob* preset_catalog::find_knob(const std::string& name) const {
  const auto it = std::find_if(knobs_.begin(), knobs_.end(), [&](const knob& k) { return k.name == name; });
  return it == knobs_.end() ? nullptr : &*it;
}

const preset* preset_catalog::find(const std::string& name) const {
  const auto it = std::find_if(presets_.begin(), presets_.end(), [&](const preset& p) { return p.name == name; });
  return it == presets_.end() ? nullptr : &*it;
}

const preset& preset_catalog::at(const std::string& name) const {
  if (const preset* p = find(name)) {
    return *p;
  }
  throw input_error(fmt::format("--preset: unknown preset '{}'; valid names: {} (or add one with --presets FILE)", name,
                                fmt::join(names(), ", ")));
}

std::vector<std::string> preset_catalog::names() const {
  std::vector<std::string> out;
  for (const auto& p : presets_) {
    out.push_back(p.name);
  }
  return out;
}

void preset_catalog::check_value(const std::string& origin, const std::string& name, const std::string& value) const {
  check_knob_text(origin, name, value);
  const knob* k = find_knob(name);
  if (k == nullptr) {
    std::vector<std::string> known;
    for (const auto& x : knobs_) {
      known.push_back(x.name);
    }
    throw input_error(fmt::format("{}unknown knob '{}'; known knobs: {} (declare new ones under \"knobs\" in a presets file)",
                                  origin, name, fmt::join(known, ", ")));
  }
  if (!k->values.empty() &&
      std::none_of(k->values.begin(), k->values.end(), [&](const std::string& v) { return iequals(v, value); })) {
    throw input_error(fmt::format("{}{}={} is not a valid value; expected one of {}", origin, name, value,
                                  fmt::join(k->values, ", ")));
  }
  if (k->integer && !is_integer(value)) {
    throw input_error(fmt::format("{}{}={} is not a valid value; expected a whole number (64-bit)", origin, name, value));
  }
}

const std::vector<std::string>& searchable_settings() {
  static const std::vector<std::string> names{"matmul_precision", "threads", "allocator", "weights_dtype"};
  return names;
}

void check_setting_value(const std::string& origin, const std::string& name, const std::string& value) {
  if (name == "matmul_precision") {
    if (value != "highest" && value != "high" && value != "medium") {
      throw input_error(fmt::format("{}matmul_precision {} is not a valid value; expected highest, high or medium", origin, value));
    }
  } else if (name == "threads") {
    if (!is_integer(value) || value[0] == '-' || value.find_first_not_of("0+") == std::string::npos) {
      throw input_error(fmt::format("{}threads {} is not a valid value; expected a whole number from 1", origin, value));
    }
  } else if (name == "allocator") {
    if (host::find_allocator(value) == nullptr) {
      throw input_error(fmt::format("{}allocator {} is not a valid value; expected one of {}", origin, value,
                                    fmt::join(host::allocator_names(), ", ")));
    }
  } else if (name == "weights_dtype") {
    if (std::find(weights_dtypes().begin(), weights_dtypes().end(), value) == weights_dtypes().end()) {
      throw input_error(fmt::format("{}weights_dtype {} is not a valid value; expected one of {}", origin, value,
                                    fmt::join(weights_dtypes(), ", ")));
    }
  } else {
    throw input_error(fmt::format("{}unknown setting '{}'; expected one of {}", origin, name,
                                  fmt::join(searchable_settings(), ", ")));
  }
}

std::pair<std::string, std::string> parse_env_assignment(const std::string& item) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw input_error(fmt::format("--env: '{}' is not KEY=VALUE; write e.g. --env DNNL_DEFAULT_FPMATH_MODE=BF16", item));
  }
  return {item.substr(0, eq), item.substr(eq + 1)};
}

preset_catalog load_presets(const std::filesystem::path& path, const preset_catalog* known) {
  return presets_from_document(load_json_document(path), known);
}

namespace {

// The "knobs" block: each declaration, added to `catalog` and `added`, its candidates checked.
void read_knobs(const json_document& doc, const nlohmann::ordered_json& root, preset_catalog& catalog,
                preset_catalog& added) {
  if (root.contains("knobs")) {
    if (!root["knobs"].is_object()) {
      throw input_error(fmt::format("{}'knobs' must be an object mapping variable names to their declarations",
                                    doc.where(doc.line_of_key("knobs"))));
    }
    for (const auto& [name, decl] : root["knobs"].items()) {
      knob k = parse_knob(doc, name, decl);
      catalog.add_knob(k);
      added.add_knob(std::move(k));
    }
  }
  for (const auto& k : added.knobs()) {
    if (k.candidates.range && !k.integer) {
      throw input_error(fmt::format("{}knob '{}': a candidate range needs \"integer\": true; list its values instead",
                                    doc.where(doc.line_of_key(k.name)), k.name));
    }
    for (const auto& v : k.candidates.values) {
      catalog.check_value(fmt::format("{}candidates of knob '{}': ", doc.where(doc.line_of_key(k.name)), k.name), k.name, v);
    }
  }
}

// The "search" block: the settings tune may search, each with its candidates checked.
void read_search(const json_document& doc, const nlohmann::ordered_json& root, preset_catalog& catalog,
                 preset_catalog& added) {
  if (root.contains("search")) {
    if (!root["search"].is_object()) {
      throw input_error(fmt::format("{}'search' must be an object mapping {} to their candidates",
                                    doc.where(doc.line_of_key("search")), fmt::join(searchable_settings(), ", ")));
    }
    for (const auto& [name, decl] : root["search"].items()) {
      const std::string where = doc.where(doc.line_of_key(name));
      if (std::find(searchable_settings().begin(), searchable_settings().end(), name) == searchable_settings().end()) {
        throw input_error(fmt::format("{}unknown setting '{}' in 'search'; expected one of {} (environment variables "
                                      "are declared under \"knobs\" with \"candidates\")",
                                      where, name, fmt::join(searchable_settings(), ", ")));
      }
      knob k = parse_knob(doc, name, decl, {"description", "candidates", "group"});
      if (k.candidates.range && name != "threads") {
        throw input_error(fmt::format("{}{}: a candidate range needs whole-number values; list the values instead", where, name));
      }
      for (const auto& v : k.candidates.values) {
        check_setting_value(fmt::format("{}candidates of {}: ", where, name), name, v);
      }
      catalog.add_search_setting(k);
      added.add_search_setting(std::move(k));
    }
  }
}

} // namespace

preset_catalog presets_from_document(const json_document& doc, const preset_catalog* known) {
  const auto& root = doc.value;
  if (!root.is_object()) {
    throw input_error(fmt::format("{}a presets file must be a JSON object with keys schema_version, knobs, presets",
                                  doc.where(1)));
  }
  check_keys(doc, 0, root, {"schema_version", "knobs", "search", "presets"}, "presets file");
  if (root.contains("schema_version") && root["schema_version"] != 1) {
    throw input_error(fmt::format("{}schema_version {} is not supported; this graviton-bench reads version 1",
                                  doc.where(doc.line_of_key("schema_version")), root["schema_version"].dump()));
  }
  preset_catalog catalog;
  if (known != nullptr) {
    catalog.merge(*known);
  }
  preset_catalog added;
  read_knobs(doc, root, catalog, added);
  read_search(doc, root, catalog, added);
  if (!root.contains("presets") || !root["presets"].is_array()) {
    throw input_error(fmt::format("{}'presets' must be an array of preset objects", doc.where(doc.line_of_key("presets"))));
  }
  std::size_t cursor = doc.offset_of_key("presets");
  for (const auto& item : root["presets"]) {
    const std::size_t at = doc.offset_of_key("name", cursor == std::string::npos ? 0 : cursor);
    const std::size_t from = at == std::string::npos ? 0 : at;
    cursor = at == std::string::npos ? cursor : at + 1;
    const std::string where = doc.where(at == std::string::npos ? 0 : util::line_of_offset(doc.text, at));
    if (!item.is_object() || !item.contains("name") || !item["name"].is_string() ||
        item["name"].get<std::string>().empty()) {
      throw input_error(fmt::format("{}every preset needs a non-empty string 'name'", where));
    }
    preset p;
    p.name = item["name"].get<std::string>();
    const std::string what = fmt::format("preset '{}'", p.name);
    check_keys(doc, from, item,
               {"name", "description", "env", "matmul_precision", "fp32_precision", "mkldnn", "threads",
                "weights_dtype", "quantized_engine", "int8_activations", "int4_group_size", "int4_fallback",
                "allocator"},
               what);
    if (item.contains("description")) {
      if (!item["description"].is_string()) {
        throw input_error(fmt::format("{}'description' of {} must be a string", where, what));
      }
      p.description = item["description"].get<std::string>();
    }
    if (item.contains("env")) {
      if (!item["env"].is_object()) {
        throw input_error(fmt::format("{}'env' of {} must be an object of KEY: \"VALUE\"", where, what));
      }
      for (const auto& [key, value] : item["env"].items()) {
        const std::string key_where = doc.where(doc.line_of_key(key, from));
        if (!value.is_string()) {
          throw input_error(fmt::format("{}{}: the value of {} must be a string, e.g. \"{}\"", key_where, what, key,
                                        value.is_number() ? value.dump() : "BF16"));
        }
        catalog.check_value(fmt::format("{}{}: ", key_where, what), key, value.get<std::string>());
        p.env[key] = value.get<std::string>();
      }
    }
    read_torch_settings(doc, from, item, what, p.settings);
    if (added.find(p.name) != nullptr) {
      throw input_error(fmt::format("{}{} is defined twice in this file", where, what));
    }
    added.add_preset(p);
  }
  return added;
}

} // namespace gbench::config

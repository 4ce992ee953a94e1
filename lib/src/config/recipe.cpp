#include "gbench/config/recipe.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/config/json_file.hpp"
#include "gbench/error.hpp"

namespace gbench::config {

namespace {

using json = nlohmann::ordered_json;

// A field of `object` of the JSON type `is`, else an input_error at its line.
const json& field(const json_document& doc, const json& object, const char* key, bool (json::*is)() const noexcept,
                  const char* expected, std::size_t from) {
  const auto it = object.find(key);
  if (it == object.end() || !((*it).*is)()) {
    throw input_error(fmt::format("{}'{}' {}; expected {}", doc.where(doc.line_of_key(key, from)), key,
                                  it == object.end() ? "is missing" : "has the wrong type", expected));
  }
  return *it;
}

std::vector<std::string> strings(const json_document& doc, const json& v, const char* key, std::size_t from) {
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) {
      throw input_error(fmt::format("{}'{}' holds a non-string; expected a list of names",
                                    doc.where(doc.line_of_key(key, from)), key));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

recipe_claim claim_of(const json_document& doc, const json& c, std::size_t from) {
  if (!c.is_object()) {
    throw input_error(fmt::format("{}a claim is not an object", doc.where(doc.line_of_key("claims"))));
  }
  recipe_claim out;
  out.name = field(doc, c, "name", &json::is_string, "a string", from).get<std::string>();
  const auto at = doc.offset_of_key("name", from);
  out.preset = field(doc, c, "preset", &json::is_string, "a preset name", at).get<std::string>();
  out.baseline = field(doc, c, "baseline", &json::is_string, "a preset name", at).get<std::string>();
  out.batch = field(doc, c, "batch", &json::is_number_integer, "a batch size", at).get<std::int64_t>();
  out.before_s = field(doc, c, "before_s", &json::is_number, "seconds", at).get<double>();
  out.after_s = field(doc, c, "after_s", &json::is_number, "seconds", at).get<double>();
  if (!(out.before_s > 0) || !(out.after_s > 0)) {
    throw input_error(fmt::format("{}claim '{}': before_s and after_s must be positive seconds",
                                  doc.where(doc.line_of_key("before_s", at)), out.name));
  }
  out.published = field(doc, c, "published", &json::is_string, "the recipe's words", at).get<std::string>();
  if (c.contains("needs")) {
    out.needs = strings(doc, field(doc, c, "needs", &json::is_array, "a list of knobs", at), "needs", at);
  }
  if (c.contains("stand_in")) {
    for (const auto& [arch, preset] : field(doc, c, "stand_in", &json::is_object, "{arch: preset}", at).items()) {
      if (!preset.is_string()) {
        throw input_error(fmt::format("{}stand_in '{}' is not a preset name", doc.where(doc.line_of_key(arch, at)),
                                      arch));
      }
      out.stand_in[arch] = preset.get<std::string>();
    }
  }
  return out;
}

} // namespace

recipe load_recipe(const std::filesystem::path& path) {
  const json_document doc = load_json_document(path);
  const json& v = doc.value;
  if (!v.is_object()) {
    throw input_error(fmt::format("{}expected an object with model, batches, presets and claims", doc.where(1)));
  }
  recipe out;
  out.source = field(doc, v, "source", &json::is_string, "a string", 0).get<std::string>();
  out.model = field(doc, v, "model", &json::is_string, "a model name", 0).get<std::string>();
  for (const auto& b : field(doc, v, "batches", &json::is_array, "a list of batch sizes", 0)) {
    if (!b.is_number_integer() || b.get<std::int64_t>() < 1) {
      throw input_error(fmt::format("{}batches: expected positive integers", doc.where(doc.line_of_key("batches"))));
    }
    out.batches.push_back(b.get<std::int64_t>());
  }
  out.presets = strings(doc, field(doc, v, "presets", &json::is_array, "a list of presets", 0), "presets", 0);
  std::size_t from = doc.offset_of_key("claims");
  for (const auto& c : field(doc, v, "claims", &json::is_array, "a list of claims", 0)) {
    auto claim = claim_of(doc, c, from);
    const std::size_t at = doc.offset_of_key("name", from);
    const int line = doc.line_of_key("name", from);
    from = at == std::string::npos ? from : at + 1;
    if (std::find(out.batches.begin(), out.batches.end(), claim.batch) == out.batches.end()) {
      throw input_error(fmt::format("{}claim '{}': batch {} is not one the study runs ({})", doc.where(line),
                                    claim.name, claim.batch, fmt::join(out.batches, ", ")));
    }
    for (const auto* p : {&claim.preset, &claim.baseline}) {
      if (std::find(out.presets.begin(), out.presets.end(), *p) == out.presets.end()) {
        throw input_error(fmt::format("{}claim '{}': preset '{}' is not one the study runs ({})", doc.where(line),
                                      claim.name, *p, fmt::join(out.presets, ", ")));
      }
    }
    out.claims.push_back(std::move(claim));
  }
  return out;
}

} // namespace gbench::config

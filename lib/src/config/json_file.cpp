#include "gbench/config/json_file.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/json_limits.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::config {

std::size_t json_document::offset_of_key(std::string_view key, std::size_t from_offset) const {
  const std::string quoted = fmt::format("\"{}\"", key);
  for (std::size_t pos = text.find(quoted, from_offset); pos != std::string::npos;
       pos = text.find(quoted, pos + 1)) {
    std::size_t after = pos + quoted.size();
    while (after < text.size() && (text[after] == ' ' || text[after] == '\t' || text[after] == '\n' ||
                                   text[after] == '\r')) {
      ++after;
    }
    if (after < text.size() && text[after] == ':') {
      return pos;
    }
  }
  return std::string::npos;
}

int json_document::line_of_key(std::string_view key, std::size_t from_offset) const {
  const std::size_t pos = offset_of_key(key, from_offset);
  return pos == std::string::npos ? 0 : util::line_of_offset(text, pos);
}

std::string json_document::where(int line) const {
  return line > 0 ? fmt::format("{}:{}: ", path.string(), line) : fmt::format("{}: ", path.string());
}

json_document load_json_document(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw input_error(fmt::format("{}: cannot be read; check that the file exists and is readable", path.string()));
  }
  if (const auto too_large = util::file_size_violation(path, util::config_json_limits)) {
    throw input_error(fmt::format("{}: {}; is this a presets or model file?", path.string(), *too_large));
  }
  auto text = util::read_bounded(in, util::config_json_limits.max_bytes);
  if (!text) {
    throw input_error(fmt::format("{}: more than {} MiB without an end; is this a presets or model file?", path.string(),
                                  util::config_json_limits.max_bytes >> 20U));
  }
  return parse_json_document(path, std::move(*text));
}

json_document parse_json_document(const std::filesystem::path& path, std::string text) {
  json_document doc{path, std::move(text), {}};
  if (const auto v = util::check_json_limits(doc.text, util::config_json_limits)) {
    throw input_error(fmt::format("{}:{}: {}; a presets or model file has a few levels and entries", path.string(),
                                  util::line_of_offset(doc.text, v->offset), v->what));
  }
  try {
    doc.value = nlohmann::ordered_json::parse(doc.text);
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error(util::describe_syntax_error(doc.text, e, path.string()));
  } catch (const nlohmann::json::out_of_range& e) {
    throw input_error(util::describe_number_overflow(doc.text, e, path.string()));
  }
  return doc;
}

} // namespace gbench::config

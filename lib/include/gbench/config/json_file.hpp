#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gbench::config {

/// A JSON config file kept with its text, so that errors can name the line they are about.
struct json_document {
  std::filesystem::path path;
  std::string text;
  nlohmann::ordered_json value;

  /// The 1-based line where `"key"` first appears as an object key at or after `from_offset`, or 0.
  [[nodiscard]] int line_of_key(std::string_view key, std::size_t from_offset = 0) const;
  /// The offset of the first `"key"` object key, or std::string::npos.
  [[nodiscard]] std::size_t offset_of_key(std::string_view key, std::size_t from_offset = 0) const;
  /// "path:line: " (or "path: " when the line is unknown), the prefix of every message about this file.
  [[nodiscard]] std::string where(int line) const;
};

/// Reads and parses a JSON file; throws input_error naming the file, line and column of a syntax error.
json_document load_json_document(const std::filesystem::path& path);

} // namespace gbench::config

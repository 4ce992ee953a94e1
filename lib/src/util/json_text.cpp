#include "gbench/util/json_text.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace gbench::util {

std::string json_dump(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

int line_of_offset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string describe_syntax_error(std::string_view text, const nlohmann::json::parse_error& e, const std::string& name) {
  // e.byte is 1-based: the byte at which the parser gave up.
  const std::size_t offset = e.byte == 0 ? 0 : std::min<std::size_t>(e.byte - 1, text.size());
  const int line = line_of_offset(text, offset);
  const std::size_t line_start = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  const std::size_t column = line_start == std::string_view::npos ? offset + 1 : offset - line_start;
  // nlohmann's message reads "[json.exception.parse_error.101] parse error at line L, column C: <what>".
  std::string what = e.what();
  if (const auto colon = what.find(": "); colon != std::string::npos) {
    what = what.substr(colon + 2);
  }
  const bool at_end = e.byte >= text.size();
  return fmt::format("{}:{}:{}: malformed JSON{}: {}", name, line, column,
                     at_end ? " (the file ends too early: truncated?)" : "", what);
}

std::string describe_number_overflow(std::string_view text, const nlohmann::json::out_of_range& e,
                                     const std::string& name) {
  // nlohmann's message reads "[json.exception.out_of_range.406] number overflow parsing '1e999'".
  const std::string_view what = e.what();
  const auto open = what.find('\'');
  const auto close = what.rfind('\'');
  const std::string_view number =
      open != std::string_view::npos && close > open ? what.substr(open + 1, close - open - 1) : std::string_view{};
  const std::size_t offset = number.empty() ? std::string_view::npos : text.find(number);
  if (offset == std::string_view::npos) {
    return fmt::format("{}: malformed JSON: {}", name, what);
  }
  return fmt::format("{}:{}: malformed JSON: the number {} is beyond the range of a double", name,
                     line_of_offset(text, offset), number);
}

} // namespace gbench::util

#include "gbench/util/json_limits.hpp"

#include <vector>

#include <fmt/format.h>

namespace gbench::util {

std::optional<json_limit_violation> check_json_limits(std::string_view text, const json_limits& limits) {
  // Per open array or object: the items seen so far (commas + 1 once anything is in it).
  std::vector<std::size_t> items;
  items.reserve(limits.max_depth + 1);
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i; // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
    case '"':
      in_string = true;
      [[fallthrough]];
    default:
      if (!items.empty() && items.back() == 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        items.back() = 1;
      }
      break;
    case '[':
    case '{':
      if (!items.empty() && items.back() == 0) {
        items.back() = 1;
      }
      if (items.size() == limits.max_depth) {
        return json_limit_violation{i, fmt::format("arrays and objects nested deeper than {} levels", limits.max_depth)};
      }
      items.push_back(0);
      break;
    case ']':
    case '}':
      if (!items.empty()) {
        items.pop_back();
      }
      break;
    case ',':
      if (!items.empty() && ++items.back() > limits.max_elements) {
        return json_limit_violation{i, fmt::format("an array or object with more than {} items", limits.max_elements)};
      }
      break;
    }
  }
  return std::nullopt;
}

std::optional<std::string> file_size_violation(const std::filesystem::path& path, const json_limits& limits) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size <= limits.max_bytes) {
    return std::nullopt; // unknown size (a pipe): the reader's own checks apply
  }
  return fmt::format("{:.1f} MiB is over the limit of {:.0f} MiB for this kind of file",
                     static_cast<double>(size) / 1048576.0, static_cast<double>(limits.max_bytes) / 1048576.0);
}

std::optional<std::string> read_bounded(std::istream& in, std::uintmax_t max_bytes) {
  std::string text;
  std::vector<char> chunk(1U << 16U);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return std::nullopt;
    }
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] != '{' && text[first] != '[') {
      return text; // not JSON: enough for the parser to say so
    }
  }
  return text;
}

} // namespace gbench::util

#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

/// Bounds on JSON read from outside (config files, stored reports), checked before parsing: a hand-edited or
/// hostile file is refused with a message instead of exhausting memory or the stack.
namespace gbench::util {

struct json_limits {
  std::uintmax_t max_bytes;             ///< the file's size
  std::size_t max_depth = 64;           ///< nested arrays and objects
  std::size_t max_elements = 100000000; ///< items of one array or object
};

/// Presets and model files: a few kilobytes in practice.
inline constexpr json_limits config_json_limits{.max_bytes = 4U << 20U, .max_depth = 32, .max_elements = 100000};
/// Reports: samples of long runs; a nanosecond sample takes about 9 bytes, so 1 GiB holds about 100 million.
inline constexpr json_limits report_json_limits{.max_bytes = 1U << 30U, .max_depth = 64, .max_elements = 200000000};

struct json_limit_violation {
  std::size_t offset; ///< byte offset in the text where the limit was passed
  std::string what;   ///< e.g. "nested deeper than 64 levels"
};

/// Scans `text` (without building anything) for nesting deeper than max_depth and arrays or objects with more
/// than max_elements items. The size limit is not checked here (see file_size_violation).
std::optional<json_limit_violation> check_json_limits(std::string_view text, const json_limits& limits);

/// A message when the file at `path` is larger than max_bytes, looked up without reading it.
std::optional<std::string> file_size_violation(const std::filesystem::path& path, const json_limits& limits);

/// Reads JSON text of at most max_bytes from `in`; nullopt when there is more (a huge file, or a pipe that does
/// not end). Stops after the first 64 KiB when the text does not start like JSON ('{' or '[' after white space),
/// so that a device such as /dev/zero costs no more than that: the parser then says what is wrong with it.
std::optional<std::string> read_bounded(std::istream& in, std::uintmax_t max_bytes);

} // namespace gbench::util

#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gbench::util {

/// The text of `j` as j.dump(indent) writes it, except that bytes which are not UTF-8 (a worker's stderr cut in
/// the middle of a character, a file name in another encoding) become U+FFFD instead of an exception: a report
/// is never lost to one stray byte. Every report, record and presets file the tool writes goes through this.
std::string json_dump(const nlohmann::json& j, int indent = -1);

/// 1-based line of a byte offset in text.
int line_of_offset(std::string_view text, std::size_t offset);

/// "name:line:column: malformed JSON: what" for a syntax error in `text`, with a hint when the text ends
/// before the JSON does (a truncated file). The one wording of every JSON syntax error the tool reports.
std::string describe_syntax_error(std::string_view text, const nlohmann::json::parse_error& e, const std::string& name);

/// "name:line: malformed JSON: the number 1e999 is beyond the range of a double" for the one other error the
/// parser throws (json::out_of_range 406), which has no position: the number is looked up in the text.
std::string describe_number_overflow(std::string_view text, const nlohmann::json::out_of_range& e,
                                     const std::string& name);

} // namespace gbench::util

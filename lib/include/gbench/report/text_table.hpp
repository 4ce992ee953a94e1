#pragma once

#include <string>
#include <vector>

namespace gbench::report {

/// Column-aligned text for people: two spaces between columns, right-aligned where `right_aligned` says,
/// a dashed rule under the header and another before the last `footer_rows` rows; no trailing blanks.
std::string aligned_table(const std::vector<std::string>& header, const std::vector<bool>& right_aligned,
                          const std::vector<std::vector<std::string>>& body, std::size_t footer_rows = 0);

/// A markdown table cell: '|' escaped.
std::string markdown_cell(const std::string& text);

/// A markdown table: header, alignment row (---: where right-aligned, :--- elsewhere), the body; every
/// cell escaped with markdown_cell.
std::string markdown_table(const std::vector<std::string>& header, const std::vector<bool>& right_aligned,
                           const std::vector<std::vector<std::string>>& body);

} // namespace gbench::report

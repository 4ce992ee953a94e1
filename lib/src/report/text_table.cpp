#include "gbench/report/text_table.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace gbench::report {

std::string aligned_table(const std::vector<std::string>& header, const std::vector<bool>& right_aligned,
                          const std::vector<std::vector<std::string>>& body, std::size_t footer_rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& line : body) {
      width[c] = std::max(width[c], line.at(c).size());
    }
  }
  std::string out;
  const auto add_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t c = 0; c < header.size(); ++c) {
      text += c == 0 ? "" : "  ";
      text += right_aligned[c] ? fmt::format("{:>{}}", line[c], width[c]) : fmt::format("{:<{}}", line[c], width[c]);
    }
    while (!text.empty() && text.back() == ' ') {
      text.pop_back();
    }
    out += text + '\n';
  };
  std::vector<std::string> rule;
  for (const auto w : width) {
    rule.emplace_back(w, '-');
  }
  add_line(header);
  add_line(rule);
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (footer_rows > 0 && i + footer_rows == body.size()) {
      add_line(rule);
    }
    add_line(body[i]);
  }
  return out;
}

std::string markdown_cell(const std::string& text) {
  std::string e;
  for (const char ch : text) {
    e += ch == '|' ? std::string("\\|") : std::string(1, ch);
  }
  return e;
}

std::string markdown_table(const std::vector<std::string>& header, const std::vector<bool>& right_aligned,
                           const std::vector<std::vector<std::string>>& body) {
  const auto line = [](const std::vector<std::string>& cells) {
    std::string text = "|";
    for (const auto& cell : cells) {
      text += " " + markdown_cell(cell) + " |";
    }
    return text + "\n";
  };
  std::vector<std::string> align;
  for (const bool right : right_aligned) {
    align.emplace_back(right ? "---:" : ":---");
  }
  std::string out = line(header) + line(align);
  for (const auto& row : body) {
    out += line(row);
  }
  return out;
}

} // namespace gbench::report

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/report/columns.hpp"
#include "reporters.hpp"

namespace gbench::report {

namespace {

// RFC 4180: a field with a comma, quote or newline is quoted, its quotes doubled.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) {
    return s;
  }
  std::string out = "\"";
  for (const char c : s) {
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return out + "\"";
}

// Machine-readable: the raw values (ns, ratios), not the human units of the table.
class csv_reporter final : public reporter {
public:
  explicit csv_reporter(std::vector<std::string> columns) : columns_(std::move(columns)) {}

  void write(const record::report& r, std::ostream& out) const override {
    const auto cols = run_columns_for(r.comparison, columns_);
    std::vector<std::string> keys;
    for (const auto& c : cols) {
      keys.push_back(c.key);
    }
    out << fmt::format("{}", fmt::join(keys, ",")) << '\n';
    for (const auto& row : r.comparison) {
      std::vector<std::string> fields;
      for (const auto& c : cols) {
        fields.push_back(csv_field(c.value(row)));
      }
      out << fmt::format("{}", fmt::join(fields, ",")) << '\n';
    }
  }

private:
  std::vector<std::string> columns_;
};

} // namespace

std::unique_ptr<reporter> make_csv_reporter(std::vector<std::string> columns) {
  return std::make_unique<csv_reporter>(std::move(columns));
}

} // namespace gbench::report

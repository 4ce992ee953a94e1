#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

/// The report model: one typed record per thing a run produces, each with one to_json/from_json pair.
/// The worker's stream, the report writers and the reader of stored reports all go through it.
namespace gbench::record {

/// A JSON value with the file it came from and its JSON path, so that every error names both:
/// "r.json: runs[0].results[2].batch: expected a whole number, found string \"8\"". Errors are
/// report_error (exit 11).
class node {
public:
  node(const nlohmann::json& value, const std::string& file, std::string path = {})
      : value_(&value), file_(&file), path_(std::move(path)) {}

  [[nodiscard]] const nlohmann::json& json() const { return *value_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] bool is_null() const { return value_->is_null(); }

  /// Throws report_error "file: path: what".
  [[noreturn]] void fail(const std::string& what) const;
  /// "fail" with "expected <expected>, found <type> <value>".
  [[noreturn]] void fail_type(std::string_view expected) const;

  /// A member that must be there (the node must be an object).
  [[nodiscard]] node at(std::string_view key) const;
  /// A member that may be missing; null counts as missing.
  [[nodiscard]] std::optional<node> find(std::string_view key) const;
  /// The elements of an array.
  [[nodiscard]] std::vector<node> elements() const;
  /// The members of an object, in key order.
  [[nodiscard]] std::vector<std::pair<std::string, node>> members() const;

  void expect_object() const;
  [[nodiscard]] std::string string() const;
  [[nodiscard]] std::int64_t integer() const;
  [[nodiscard]] double number() const;
  [[nodiscard]] bool boolean() const;

  /// "array [1,2]": a value's type and its first characters, for messages.
  [[nodiscard]] static std::string describe(const nlohmann::json& v);

private:
  const nlohmann::json* value_;
  const std::string* file_;
  std::string path_;
};

void from_json(const node& n, std::string& out);
void from_json(const node& n, std::int64_t& out);
void from_json(const node& n, int& out);
void from_json(const node& n, std::uint64_t& out);
void from_json(const node& n, double& out);
void from_json(const node& n, bool& out);
void from_json(const node& n, std::map<std::string, std::string>& out);

template <class T> void from_json(const node& n, std::vector<T>& out) {
  out.clear();
  for (const auto& e : n.elements()) {
    from_json(e, out.emplace_back());
  }
}

template <class T> void from_json(const node& n, std::optional<T>& out) {
  if (n.is_null()) {
    out.reset();
    return;
  }
  from_json(n, out.emplace());
}

/// A required member into `out`.
template <class T> void read(const node& n, std::string_view key, T& out) { from_json(n.at(key), out); }

/// A member into `out` when it is there (and not null); `out` keeps its value otherwise.
template <class T> void read_optional(const node& n, std::string_view key, T& out) {
  if (const auto m = n.find(key)) {
    from_json(*m, out);
  }
}

/// JSON of an optional: the value, or null.
template <class T> nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

/// Parses the text of a JSON document; a syntax error or an empty text is a report_error naming `name`,
/// the line and the column.
nlohmann::json parse_document(const std::string& text, const std::string& name);

} // namespace gbench::record

#include "gbench/record/json_reader.hpp"

#include <limits>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/json_limits.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::record {

void node::fail(const std::string& what) const {
  throw report_error(fmt::format("{}: {}: {}", *file_, path_.empty() ? "(top level)" : path_, what));
}

void node::fail_type(std::string_view expected) const {
  fail(fmt::format("expected {}, found {}", expected, describe(*value_)));
}

std::string node::describe(const nlohmann::json& v) {
  const std::string text = v.dump();
  return fmt::format("{} {}", v.type_name(), text.size() > 40 ? text.substr(0, 37) + "..." : text);
}

void node::expect_object() const {
  if (!value_->is_object()) {
    fail_type("an object");
  }
}

node node::at(std::string_view key) const {
  expect_object();
  const auto it = value_->find(key);
  if (it == value_->end()) {
    fail(fmt::format("missing key '{}'; is this a complete graviton-bench report?", key));
  }
  return {*it, *file_, path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key)};
}

std::optional<node> node::find(std::string_view key) const {
  expect_object();
  const auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) {
    return std::nullopt;
  }
  return node(*it, *file_, path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key));
}

std::vector<node> node::elements() const {
  if (!value_->is_array()) {
    fail_type("an array");
  }
  std::vector<node> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) {
    out.emplace_back((*value_)[i], *file_, fmt::format("{}[{}]", path_, i));
  }
  return out;
}

std::vector<std::pair<std::string, node>> node::members() const {
  expect_object();
  std::vector<std::pair<std::string, node>> out;
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    out.emplace_back(it.key(), node(it.value(), *file_, path_.empty() ? it.key() : fmt::format("{}.{}", path_, it.key())));
  }
  return out;
}

std::string node::string() const {
  if (!value_->is_string()) {
    fail_type("a string");
  }
  return value_->get<std::string>();
}

std::int64_t node::integer() const {
  if (!value_->is_number_integer()) {
    fail_type("a whole number");
  }
  if (value_->is_number_unsigned() && value_->get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()) {
    fail_type("a whole number below 2^63");
  }
  return value_->get<std::int64_t>();
}

double node::number() const {
  if (!value_->is_number()) {
    fail_type("a number");
  }
  return value_->get<double>();
}

bool node::boolean() const {
  if (!value_->is_boolean()) {
    fail_type("true or false");
  }
  return value_->get<bool>();
}

void from_json(const node& n, std::string& out) { out = n.string(); }
void from_json(const node& n, std::int64_t& out) { out = n.integer(); }
void from_json(const node& n, double& out) { out = n.number(); }
void from_json(const node& n, bool& out) { out = n.boolean(); }

void from_json(const node& n, int& out) {
  const std::int64_t v = n.integer();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    n.fail(fmt::format("{} is out of range", v));
  }
  out = static_cast<int>(v);
}

void from_json(const node& n, std::uint64_t& out) {
  if (!n.json().is_number_unsigned()) {
    n.fail_type("a whole number from 0");
  }
  out = n.json().get<std::uint64_t>();
}

void from_json(const node& n, std::map<std::string, std::string>& out) {
  out.clear();
  for (const auto& [key, value] : n.members()) {
    out[key] = value.string();
  }
}

nlohmann::json parse_document(const std::string& text, const std::string& name) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw report_error(
        fmt::format("{}: the file is empty; expected a graviton-bench JSON report (written by --json)", name));
  }
  // Before parsing: deep nesting would overflow the stack of whatever walks the tree, and the tree of a huge
  // array takes many times the file's size.
  if (const auto v = util::check_json_limits(text, util::report_json_limits)) {
    throw report_error(fmt::format("{}:{}: {}; not a report graviton-bench writes (refused before parsing)", name,
                                   util::line_of_offset(text, v->offset), v->what));
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw report_error(util::describe_syntax_error(text, e, name));
  } catch (const nlohmann::json::out_of_range& e) {
    throw report_error(util::describe_number_overflow(text, e, name));
  }
}

} // namespace gbench::record

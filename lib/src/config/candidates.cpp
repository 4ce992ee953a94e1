#include "gbench/config/candidates.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gbench/error.hpp"

namespace gbench::config {

namespace {

// Ranges this long are a typo, not a search space.
constexpr std::size_t max_range_values = 4096;

std::int64_t whole_number(const nlohmann::ordered_json& v, const std::string& where, const std::string& what,
                          const char* key) {
  if (!v.is_number_integer()) {
    throw input_error(
        fmt::format("{}'{}' of the candidates of {} must be a whole number, got {}", where, key, what, v.dump()));
  }
  return v.get<std::int64_t>();
}

// A list of values to try: strings, or whole numbers kept as their text.
std::vector<std::string> value_list(const nlohmann::ordered_json& j, const std::string& where, const std::string& what) {
  std::vector<std::string> values;
  for (const auto& v : j) {
    if (v.is_string()) {
      values.push_back(v.get<std::string>());
    } else if (v.is_number_integer()) {
      values.push_back(std::to_string(v.get<std::int64_t>()));
    } else {
      throw input_error(
          fmt::format("{}candidates of {} must be strings or whole numbers, got {}", where, what, v.dump()));
    }
  }
  if (values.empty()) {
    throw input_error(
        fmt::format("{}candidates of {} is an empty list; list values to try, or remove the key", where, what));
  }
  return values;
}

// "step": "x2" multiplies (r.factor), a positive whole number adds (r.increment).
void read_step(const nlohmann::ordered_json& step, const std::string& where, const std::string& what,
               candidate_range& r) {
  if (step.is_string() && step.get<std::string>().size() > 1 &&
      (step.get<std::string>()[0] == 'x' || step.get<std::string>()[0] == '*')) {
    const std::string text = step.get<std::string>().substr(1);
    try {
      std::size_t used = 0;
      r.factor = std::stoll(text, &used);
      if (used != text.size()) {
        r.factor = 0;
      }
    } catch (const std::exception&) {
      r.factor = 0;
    }
    if (r.factor < 2) {
      throw input_error(
          fmt::format("{}step {} of {}: a multiplying step is \"x\" and a whole number from 2, e.g. \"x2\"", where,
                      step.dump(), what));
    }
  } else if (step.is_number_integer() && step.get<std::int64_t>() > 0) {
    r.increment = step.get<std::int64_t>();
  } else {
    throw input_error(fmt::format("{}step {} of {}: give a positive whole number to add, or \"x2\" to double", where,
                                  step.dump(), what));
  }
}

// A range that cannot be searched: multiplying from 0 or below, ending before it starts, or too long.
void check_range(const candidate_range& r, const std::string& where, const std::string& what) {
  if (r.factor > 1 && r.from <= 0) {
    throw input_error(fmt::format("{}a multiplying range of {} must start above 0, got from {}", where, what, r.from));
  }
  if (!r.to_cores && r.to < r.from) {
    throw input_error(
        fmt::format("{}the candidate range of {} ends ({}) before it starts ({})", where, what, r.to, r.from));
  }
  // In unsigned arithmetic: to - from does not fit a signed 64-bit number for every pair that JSON allows.
  if (!r.to_cores && r.increment > 0 &&
      (static_cast<std::uint64_t>(r.to) - static_cast<std::uint64_t>(r.from)) /
              static_cast<std::uint64_t>(r.increment) >=
          max_range_values) {
    throw input_error(fmt::format("{}the candidate range of {} has more than {} values; use a larger step or \"x2\"",
                                  where, what, max_range_values));
  }
}

// {"from": N, "to": M | "cores", "step": "x2" | K}.
candidate_range parse_range(const nlohmann::ordered_json& j, const std::string& where, const std::string& what) {
  for (const auto& [key, value] : j.items()) {
    if (key != "from" && key != "to" && key != "step") {
      throw input_error(
          fmt::format("{}unknown key '{}' in the candidates of {}; expected from, to, step", where, key, what));
    }
  }
  if (!j.contains("from") || !j.contains("to")) {
    throw input_error(fmt::format("{}the candidate range of {} needs 'from' and 'to'", where, what));
  }
  candidate_range r;
  r.from = whole_number(j["from"], where, what, "from");
  if (j["to"].is_string() && j["to"] == "cores") {
    r.to_cores = true;
  } else {
    r.to = whole_number(j["to"], where, what, "to");
  }
  read_step(j.contains("step") ? j["step"] : nlohmann::ordered_json(1), where, what, r);
  check_range(r, where, what);
  return r;
}

} // namespace

candidates parse_candidates(const nlohmann::ordered_json& j, const std::string& where, const std::string& what) {
  candidates c;
  if (j.is_array()) {
    c.values = value_list(j, where, what);
    return c;
  }
  if (!j.is_object()) {
    throw input_error(fmt::format("{}candidates of {} must be a list of values or a range "
                                  "{{\"from\": 8, \"to\": 2048, \"step\": \"x2\"}}",
                                  where, what));
  }
  c.range = parse_range(j, where, what);
  return c;
}

std::vector<std::string> expand(const candidates& c, int cores) {
  std::vector<std::string> out;
  auto add = [&](const std::string& v) {
    if (std::find(out.begin(), out.end(), v) == out.end()) {
      out.push_back(v);
    }
  };
  for (const auto& v : c.values) {
    add(v);
  }
  if (c.range) {
    const auto& r = *c.range;
    const std::int64_t to = r.to_cores ? std::max(1, cores) : r.to;
    for (std::int64_t v = r.from; v <= to && out.size() < max_range_values;) {
      add(std::to_string(v));
      // The next value, unless it would pass `to` (or overflow on the way there).
      if (r.factor > 1 ? v > to / r.factor
                       : static_cast<std::uint64_t>(to) - static_cast<std::uint64_t>(v) <
                             static_cast<std::uint64_t>(r.increment)) {
        break;
      }
      v = r.factor > 1 ? v * r.factor : v + r.increment;
    }
  }
  return out;
}

nlohmann::json to_json(const candidates& c) {
  if (!c.range) {
    return c.values;
  }
  nlohmann::json j{{"from", c.range->from}};
  j["to"] = c.range->to_cores ? nlohmann::json("cores") : nlohmann::json(c.range->to);
  j["step"] =
      c.range->factor > 1 ? nlohmann::json(fmt::format("x{}", c.range->factor)) : nlohmann::json(c.range->increment);
  return j;
}

} // namespace gbench::config

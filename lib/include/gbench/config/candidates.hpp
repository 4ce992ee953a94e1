#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gbench::config {

/// An integer range of candidate values: from, to (inclusive), and a step rule.
struct candidate_range {
  std::int64_t from = 0;
  std::int64_t to = 0;
  bool to_cores = false;      ///< "to": "cores": the host's core count, known only when the space is built
  std::int64_t factor = 1;    ///< "step": "x2" multiplies (powers of two from a power of two); 1 when additive
  std::int64_t increment = 0; ///< "step": 64 adds
};

/// The values `tune` tries for a knob or setting, besides leaving it unset (docs/tune.md).
struct candidates {
  std::vector<std::string> values;      ///< a list
  std::optional<candidate_range> range; ///< or a range
  [[nodiscard]] bool declared() const { return !values.empty() || range.has_value(); }
};

/// Parses a "candidates" declaration: an array of strings or whole numbers, or
/// {"from": N, "to": M | "cores", "step": "x2" | K}. Errors start with `where` and name `what`.
candidates parse_candidates(const nlohmann::ordered_json& j, const std::string& where, const std::string& what);

/// The values in order, a range expanded with `cores` for "cores"; duplicates removed.
std::vector<std::string> expand(const candidates& c, int cores);

nlohmann::json to_json(const candidates& c);

} // namespace gbench::config

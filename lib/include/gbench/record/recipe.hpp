#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// One published ratio of the recipe beside the one measured here, and the verdict.
struct recipe_row {
  std::string name; ///< the claim's name, e.g. "bf16 fast math, batch 256"
  std::string preset;
  std::string baseline;
  std::int64_t batch = 0;
  double published_ratio = 0;  ///< the recipe's before / after
  std::string published;       ///< the recipe's own words
  std::optional<double> speedup; ///< measured here: baseline time / preset time, with its 95% interval
  std::optional<double> speedup_low;
  std::optional<double> speedup_high;
  /// "reproduced" (the published ratio within the measured interval), "different", "not applicable" (a knob the
  /// claim is about cannot act on this host) or "not measured" (the run has no such comparison).
  std::string verdict;
  std::string reason;         ///< the evidence behind the verdict, in words
  std::string stands_in_for;  ///< a stand-in's row: the claim it stands in for; else empty
};

/// `graviton-bench recipe`'s result: the recipe's rows on this host.
struct recipe_check {
  std::string source; ///< where the published figures come from
  std::string arch;
  std::string cpu_model;
  std::string report; ///< the full report of the run, when written to a file
  std::vector<recipe_row> rows;
};

inline constexpr const char* recipe_schema = "graviton-bench-recipe";
inline constexpr int recipe_schema_version = 1;

nlohmann::json to_json(const recipe_row& r);
void from_json(const node& n, recipe_row& out);
/// With its schema and version first (schemas/recipe.schema.json).
nlohmann::json to_json(const recipe_check& c);
void from_json(const node& n, recipe_check& out);

} // namespace gbench::record

#include "gbench/record/recipe.hpp"

#include <fmt/format.h>

namespace gbench::record {

nlohmann::json to_json(const recipe_row& r) {
  nlohmann::json j{{"name", r.name},
                   {"preset", r.preset},
                   {"baseline", r.baseline},
                   {"batch", r.batch},
                   {"published_ratio", r.published_ratio},
                   {"published", r.published},
                   {"speedup", or_null(r.speedup)},
                   {"speedup_low", or_null(r.speedup_low)},
                   {"speedup_high", or_null(r.speedup_high)},
                   {"verdict", r.verdict},
                   {"reason", r.reason}};
  if (!r.stands_in_for.empty()) {
    j["stands_in_for"] = r.stands_in_for;
  }
  return j;
}

void from_json(const node& n, recipe_row& out) {
  read(n, "name", out.name);
  read(n, "preset", out.preset);
  read(n, "baseline", out.baseline);
  read(n, "batch", out.batch);
  read(n, "published_ratio", out.published_ratio);
  read(n, "published", out.published);
  read_optional(n, "speedup", out.speedup);
  read_optional(n, "speedup_low", out.speedup_low);
  read_optional(n, "speedup_high", out.speedup_high);
  read(n, "verdict", out.verdict);
  read(n, "reason", out.reason);
  read_optional(n, "stands_in_for", out.stands_in_for);
}

nlohmann::json to_json(const recipe_check& c) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : c.rows) {
    rows.push_back(to_json(r));
  }
  return {{"schema", recipe_schema}, {"schema_version", recipe_schema_version},
          {"source", c.source},      {"host", {{"arch", c.arch}, {"cpu_model", c.cpu_model}}},
          {"report", c.report},      {"rows", std::move(rows)}};
}

void from_json(const node& n, recipe_check& out) {
  n.expect_object();
  const auto schema = n.at("schema");
  if (schema.string() != recipe_schema) {
    schema.fail(fmt::format("expected \"{}\", found \"{}\": not a recipe check", recipe_schema, schema.string()));
  }
  read(n, "source", out.source);
  const auto host = n.at("host");
  read(host, "arch", out.arch);
  read(host, "cpu_model", out.cpu_model);
  read_optional(n, "report", out.report);
  read(n, "rows", out.rows);
}

} // namespace gbench::record

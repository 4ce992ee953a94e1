// util/json_limits: nesting and item counts are bounded before a document is parsed.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "gbench/util/json_limits.hpp"

using Catch::Matchers::Contains;
using namespace gbench;

TEST_CASE("nesting and item counts are bounded before parsing", "[hostile][input]") {
  const std::string deep(100000, '[');
  const auto v = util::check_json_limits(deep, util::report_json_limits);
  REQUIRE(v.has_value());
  CHECK(v->offset == 64);
  CHECK_THAT(v->what, Contains("nested deeper than 64"));
  // Brackets inside strings do not count; escaped quotes do not end a string.
  CHECK_FALSE(util::check_json_limits(R"({"a": "[[[[[[\"[[[[", "b": [1, 2]})", {.max_bytes = 100, .max_depth = 2}));
  std::string items = "[0";
  for (int i = 0; i < 1000; ++i) {
    items += ",0";
  }
  items += "]";
  CHECK(util::check_json_limits(items, {.max_bytes = 1 << 20, .max_depth = 4, .max_elements = 1001}) == std::nullopt);
  const auto many = util::check_json_limits(items, {.max_bytes = 1 << 20, .max_depth = 4, .max_elements = 1000});
  REQUIRE(many.has_value());
  CHECK_THAT(many->what, Contains("more than 1000 items"));
}

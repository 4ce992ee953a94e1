// config/candidates: the values tune tries for a knob or setting: lists and ranges expanded in order, and bad
// declarations refused with the file and the fix.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "gbench/config/candidates.hpp"
#include "gbench/config/preset.hpp"
#include "tune/space_file.hpp"

using Catch::Matchers::Contains;
using gbench_test::catalog_of;
using gbench_test::input_error_of;
using gbench_test::space_file;

TEST_CASE("candidates: lists and ranges expand in order", "[tune][space]") {
  const auto c = catalog_of(space_file);
  REQUIRE(c.find_knob("MIN_DIM") != nullptr);
  CHECK(gbench::config::expand(c.find_knob("MIN_DIM")->candidates, 4) ==
        std::vector<std::string>{"8", "16", "32", "64"});
  CHECK(gbench::config::expand(c.find_knob("STEP")->candidates, 4) == std::vector<std::string>{"1", "5", "9"});
  CHECK(c.find_knob("FAST")->group == "math");
  REQUIRE(c.search_settings().size() == 2);
  CHECK(gbench::config::expand(c.search_settings()[0].candidates, 6) == std::vector<std::string>{"1", "2", "4"});
}

TEST_CASE("candidates: a value the knob refuses, or a malformed declaration, names the file and the fix",
          "[tune][space]") {
  CHECK_THAT(input_error_of(R"({"knobs": {"K": {"values": ["A", "B"], "candidates": ["C"]}}, "presets": []})"),
             Contains("K=C is not a valid value") && Contains("expected one of A, B"));
  CHECK_THAT(input_error_of(R"({"knobs": {"K": {"integer": true, "candidates": []}}, "presets": []})"),
             Contains("empty list"));
  CHECK_THAT(
      input_error_of(
          R"({"knobs": {"K": {"integer": true, "candidates": {"from": 8, "to": 64, "step": "y2"}}}, "presets": []})"),
      Contains("\"x2\""));
  CHECK_THAT(
      input_error_of(R"({"knobs": {"K": {"values": ["1"], "candidates": {"from": 1, "to": 4}}}, "presets": []})"),
      Contains("\"integer\": true"));
  CHECK_THAT(
      input_error_of(R"({"knobs": {"K": {"integer": true, "candidates": {"from": 64, "to": 8}}}, "presets": []})"),
      Contains("ends (8) before it starts (64)"));
  CHECK_THAT(input_error_of(R"({"search": {"fpmath": {"candidates": ["x"]}}, "presets": []})"),
             Contains("unknown setting 'fpmath'"));
  CHECK_THAT(input_error_of(R"({"search": {"allocator": {"candidates": ["mimalloc"]}}, "presets": []})"),
             Contains("allocator mimalloc is not a valid value"));
  CHECK_THAT(input_error_of(R"({"search": {"threads": {"candidates": ["0"]}}, "presets": []})"),
             Contains("threads 0 is not a valid value"));
}

TEST_CASE("candidates: ranges at the ends of 64 bits expand without overflow or are refused", "[tune][space]") {
  const auto c = catalog_of(R"({"knobs": {
    "ADD": {"integer": true, "candidates": {"from": 9223372036854775800, "to": 9223372036854775807, "step": 4}},
    "MUL": {"integer": true, "candidates": {"from": 4611686018427387904, "to": 9223372036854775807, "step": "x2"}}},
    "presets": []})");
  CHECK(gbench::config::expand(c.find_knob("ADD")->candidates, 4) ==
        std::vector<std::string>{"9223372036854775800", "9223372036854775804"});
  CHECK(gbench::config::expand(c.find_knob("MUL")->candidates, 4) == std::vector<std::string>{"4611686018427387904"});
  CHECK_THAT(input_error_of(R"({"knobs": {"K": {"integer": true, "candidates":
               {"from": -9223372036854775808, "to": 9223372036854775807, "step": 1}}}, "presets": []})"),
             Contains("more than 4096 values"));
}

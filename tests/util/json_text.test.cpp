// util/json_text: JSON written whatever the bytes it holds, and syntax errors located by file, line and column.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "gbench/util/json_text.hpp"

using Catch::Matchers::Contains;
using namespace gbench;

TEST_CASE("a byte that is not UTF-8 is written as U+FFFD, and lines are counted from one", "[util]") {
  CHECK(util::json_dump(nlohmann::json{{"a", "caf\xe9"}}) == "{\"a\":\"caf\xef\xbf\xbd\"}");
  CHECK(util::json_dump(nlohmann::json{{"a", 1}}, 2) == "{\n  \"a\": 1\n}");
  CHECK(util::line_of_offset("a\nb\nc", 0) == 1);
  CHECK(util::line_of_offset("a\nb\nc", 2) == 2);
  CHECK(util::line_of_offset("a\nb\nc", 100) == 3);
}

TEST_CASE("syntax errors and numbers beyond a double name the file, the line and the column", "[util]") {
  const std::string text = "{\n  \"a\": 1,\n  \"b\": ]\n}";
  try {
    const auto parsed = nlohmann::json::parse(text);
    FAIL("parsed: " << parsed.dump());
  } catch (const nlohmann::json::parse_error& e) {
    CHECK_THAT(util::describe_syntax_error(text, e, "p.json"), Contains("p.json:3:8: malformed JSON: "));
  }
  const std::string cut = "{\"a\": [1, 2";
  try {
    const auto parsed = nlohmann::json::parse(cut);
    FAIL("parsed: " << parsed.dump());
  } catch (const nlohmann::json::parse_error& e) {
    CHECK_THAT(util::describe_syntax_error(cut, e, "c.json"), Contains("(the file ends too early: truncated?)"));
  }
  const std::string huge = "{\n\"x\": 1e999}";
  try {
    const auto parsed = nlohmann::json::parse(huge);
    FAIL("parsed: " << parsed.dump());
  } catch (const nlohmann::json::out_of_range& e) {
    CHECK(util::describe_number_overflow(huge, e, "h.json") ==
          "h.json:2: malformed JSON: the number 1e999 is beyond the range of a double");
  }
}

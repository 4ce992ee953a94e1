// record/stream: the lines a benchmark process writes, each a record's JSON with its type.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/record/stream.hpp"

using namespace gbench;

TEST_CASE("a stream line is its record's JSON with a type: huge pages survive it, unknown ones written as null",
          "[record]") {
  record::huge_pages h;
  h.before = 0;
  h.after = 2 << 20;
  const auto line = record::stream_line("huge_pages", h);
  CHECK(line["type"] == "huge_pages");
  CHECK(line["after"] == 2 << 20);
  record::huge_pages back;
  from_json(record::node(line, "s.jsonl"), back);
  CHECK(back.before == 0);
  CHECK(back.after == 2 << 20);

  const auto unknown = record::to_json(record::huge_pages{});
  CHECK(unknown["before"].is_null());
  record::huge_pages none;
  from_json(record::node(unknown, "s.jsonl"), none);
  CHECK_FALSE(none.before.has_value());
  CHECK_FALSE(none.after.has_value());
}

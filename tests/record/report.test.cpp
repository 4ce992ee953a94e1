// record/report: the report model read from and written to JSON; reports of version 1 still read.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "gbench/record/report.hpp"
#include "gbench/util/files.hpp"

using namespace gbench;

TEST_CASE("a report read and written again is the same JSON, and one of version 1 keeps its runs", "[record]") {
  // Reports the tool wrote (tests/data/recorded, schema version 1), each read into the typed model: the runs come
  // back as they were (each now saying it ran in rounds), the comparison block of version 1 is not read; written
  // again (version 2) and read back, nothing changes.
  const auto dir = std::filesystem::path(GBENCH_TEST_DATA) / "recorded" / "aa";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    INFO(entry.path());
    auto original = nlohmann::json::parse(util::read_text_file(entry.path()));
    REQUIRE(original["schema_version"] == 1);
    const auto r = record::load_report(entry.path());
    CHECK(r.comparison.empty());
    const auto written = record::to_json(r);
    CHECK(written["schema_version"] == record::schema_version);
    for (auto& run : original["runs"]) {
      run["design"] = "rounds";
    }
    CHECK(written["runs"] == original["runs"]);
    CHECK(written["context"] == original["context"]);
    CHECK(record::to_json(record::parse_report(written.dump(), "again.json")) == written);
    ++seen;
  }
  CHECK(seen == 12);
}

// The report model (lib/src/record): one to_json/from_json pair per type, and a reader whose errors name the
// file and the JSON path. (The errors of whole report files are in tests/compare/report_diff.test.cpp.)
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/record/report.hpp"
#include "gbench/record/stream.hpp"
#include "gbench/util/files.hpp"

using Catch::Matchers::Contains;
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

TEST_CASE("every record survives its own to_json", "[record]") {
  record::batch_result b;
  b.batch = 8;
  b.ok = true;
  b.warmup = 3;
  b.samples_ns = {1200, 1100, 1300};
  b.predicted = {1, 2};
  b.profile = record::batch_profile{.table = {{{"aten::linear", "", 3, 1.5, 4.5, 25.0, 75.0, false}}, 6.0},
                                    .samples_ns = {2000, 2100},
                                    .summary_ns = {},
                                    .trace_file = "t.json"};
  config::model_spec spec;
  spec.name = "m";
  spec.input_shape = {4};
  spec.hidden = {8};
  spec.outputs = 2;
  record::compute_statistics(b, spec);
  record::batch_result back;
  const auto j = record::to_json(b);
  from_json(record::node(j, "b.json"), back);
  CHECK(record::to_json(back) == j);
  CHECK(back.profile->table.ops.at(0).name == "aten::linear");

  record::process_context c;
  c.pid = 42;
  c.effective_env = {{"K", "V"}};
  c.allocator = record::allocator_seen{"jemalloc", "/usr/lib/libjemalloc.so.2"};
  c.libtorch.version = "2.13.0";
  record::process_context c_back;
  const auto cj = record::stream_line("context", c);
  from_json(record::node(cj, "s.jsonl"), c_back);
  CHECK(c_back.pid == 42);
  CHECK(c_back.libtorch.version == "2.13.0");
  REQUIRE(c_back.allocator);
  CHECK(c_back.allocator->name == "jemalloc");
  CHECK(c_back.allocator->library == "/usr/lib/libjemalloc.so.2");
}

TEST_CASE("a record of the wrong shape is refused with its file and JSON path", "[record]") {
  const auto j = nlohmann::json::parse(R"({"batch": 8, "status": "ok", "samples_ns": [1, 2],
                                           "profile": {"table": {"ops": [{"name": "mm"}], "self_cpu_total_us": 1}}})");
  record::batch_result b;
  try {
    from_json(record::node(j, "r.json", "runs[0].results[1]"), b);
    FAIL("accepted");
  } catch (const report_error& e) {
    CHECK(e.code() == exit_code::unusable_report);
    CHECK_THAT(e.what(), Contains("r.json: runs[0].results[1].profile.table.ops[0]: missing key 'count'"));
  }
  const auto typed = nlohmann::json::parse(R"({"batch": "8", "status": "ok"})");
  CHECK_THROWS_WITH(from_json(record::node(typed, "r.json"), b),
                    Contains("r.json: batch: expected a whole number, found string \"8\""));
  CHECK_THROWS_WITH(record::parse_report("{\"schema\": ", "cut.json"),
                    Contains("cut.json:1:12: malformed JSON (the file ends too early: truncated?)"));
}

// record/status: the status word of a run, a batch or its evidence, written and read back.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/record/status.hpp"

using Catch::Matchers::Contains;
using namespace gbench;

TEST_CASE("status words: ok and failed, and nothing else", "[record]") {
  CHECK(std::string(record::status_word(true)) == "ok");
  CHECK(std::string(record::status_word(false)) == "failed");
  const auto ok = nlohmann::json::parse(R"({"status": "ok"})");
  const auto failed = nlohmann::json::parse(R"({"status": "failed"})");
  CHECK(record::read_status(record::node(ok, "r.json")));
  CHECK_FALSE(record::read_status(record::node(failed, "r.json")));
  const auto maybe = nlohmann::json::parse(R"({"status": "maybe"})");
  CHECK_THROWS_AS(record::read_status(record::node(maybe, "r.json", "runs[0]")), report_error);
  CHECK_THROWS_WITH(record::read_status(record::node(maybe, "r.json", "runs[0]")),
                    Contains("r.json: runs[0].status: expected \"ok\" or \"failed\", found \"maybe\""));
  const auto none = nlohmann::json::object();
  CHECK_THROWS_WITH(record::read_status(record::node(none, "r.json")), Contains("missing key 'status'"));
}

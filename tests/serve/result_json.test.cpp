#include <catch2/catch.hpp>

#include "gbench/record/json_reader.hpp"
#include "gbench/serve/result.hpp"
#include "schema_check.hpp"
#include "serve/sample_report.hpp"

using Catch::Matchers::Contains;
using gbench_test::sample_report;
namespace serve = gbench::serve;


TEST_CASE("serve: a report reads back as it was written, and matches the published schema", "[serve]") {
  const auto r = sample_report();
  const auto j = serve::to_json(r);
  CHECK(j["schema"] == "graviton-bench-serve");
  CHECK(j["splits"][0]["points"][0]["latency_ms"]["p99.9"]["value"].is_null());
  const std::string file = "r.json";
  serve::serve_report back;
  serve::from_json(gbench::record::node(j, file), back);
  CHECK(serve::to_json(back) == j);
  gbench_test::check_schema(j, "serve");
}

TEST_CASE("serve: a report that cannot be read names the file and the field", "[serve]") {
  auto j = serve::to_json(sample_report());
  const std::string file = "r.json";
  serve::serve_report back;
  auto bad = j;
  bad["schema"] = "graviton-bench-report";
  CHECK_THROWS_WITH(serve::from_json(gbench::record::node(bad, file), back),
                    Contains("not a graviton-bench serve report"));
  bad = j;
  bad["splits"][0]["points"][0]["load"] = "half-open";
  CHECK_THROWS_WITH(serve::from_json(gbench::record::node(bad, file), back),
                    Contains("r.json") && Contains("splits[0].points[0].load") && Contains("not a load"));
  bad = j;
  bad["splits"][0]["best"] = 3;
  CHECK_THROWS_WITH(serve::from_json(gbench::record::node(bad, file), back),
                    Contains("not the index of one of the 1 points"));
  bad = j;
  bad["splits"][0]["points"][0]["samples"]["worker"].push_back(0);
  CHECK_THROWS_WITH(serve::from_json(gbench::record::node(bad, file), back), Contains("one entry per request"));
}

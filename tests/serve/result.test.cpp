#include <catch2/catch.hpp>

#include "gbench/record/json_reader.hpp"
#include "gbench/serve/result.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
namespace serve = gbench::serve;

namespace {

serve::serve_report sample_report() {
  serve::serve_report r;
  r.context.date = "2026-12-08T10:00:00Z";
  r.context.host.hostname = "h";
  r.model.name = "tiny-mlp";
  r.model.input_shape = {8, 8};
  r.model.hidden = {32};
  r.model.outputs = 10;
  r.settings.windows = 10;
  r.settings.preset.name = "default";
  r.settings.mode = "search";
  r.settings.target_ms = 100;
  r.settings.splits = {"1x2", "2x1"};
  r.settings.instance_type_source = "none";
  r.settings.price_source = "none";
  r.conditions.placement.cpus_mode = "auto";
  serve::split_result s;
  s.processes = 2;
  s.env = {{"OMP_NUM_THREADS", "1"}};
  serve::worker_info w;
  w.cpus = {0};
  w.cpus_seen = {0};
  w.allocator = gbench::record::allocator_seen{"glibc", ""};
  s.workers = {w};
  serve::point p;
  p.load = "open";
  p.rate = 10;
  p.windows = 10;
  p.throughput = {10.0, std::array<double, 2>{9.0, 11.0}};
  p.latency_ms.p99 = {5.0, std::array<double, 2>{4.0, 6.0}};
  p.latency_ms.p999 = {std::nullopt, std::nullopt};
  p.service_ms = {{"p50", 1.0}, {"p99", 2.0}};
  p.workers = {{0, 10, 1.0, 0.1}};
  p.meets_target = true;
  p.samples = {{0, 100}, {1000, -1}, {900, -1}, {0, -1}};
  s.points = {p};
  s.best = 0;
  r.splits = {s};
  serve::recommendation rec;
  rec.p99_ms = p.latency_ms.p99;
  rec.line = "OMP_NUM_THREADS=1 YOUR_SERVER";
  r.recommendation = rec;
  return r;
}

} // namespace

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

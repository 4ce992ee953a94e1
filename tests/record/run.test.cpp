// record/run (and the stream's process context): each record survives its own to_json and from_json.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/config/model_spec.hpp"
#include "gbench/record/run.hpp"
#include "gbench/record/stream.hpp"

using namespace gbench;

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

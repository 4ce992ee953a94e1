// record/context: what a report was measured with and on, stamped now, and its JSON.
#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/record/context.hpp"

using Catch::Matchers::Contains;
using namespace gbench;

TEST_CASE("a context names this tool and the time in RFC 3339, and survives its own to_json", "[record]") {
  CHECK(std::regex_match(record::rfc3339_now(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  host::host_info h;
  h.hostname = "box";
  h.arch = "aarch64";
  h.cpu_model = "Neoverse-V1";
  h.cores = 2;
  h.isa_features = {"sve", "bf16"};
  h.sve_vector_bits = 256;
  auto c = record::make_context(h, {"graviton-bench", "--batch", "8"});
  CHECK(c.tool.name == "graviton-bench");
  CHECK_FALSE(c.tool.version.empty());
  CHECK(c.command_line.size() == 3);
  c.knobs = {{"THP_MEM_ALLOC_ENABLE", true, "THP madvise", "facts", false},
             {"DNNL_DEFAULT_FPMATH_MODE", false, "bf16 data, fp32 arithmetic", "probe", true}};
  const auto j = record::to_json(c);
  CHECK(j["knobs"][1]["verdict"] == "emulated");
  CHECK_FALSE(j["knobs"][0].contains("basis")); // "facts" is what a report without the key means
  record::context back;
  from_json(record::node(j, "r.json"), back);
  CHECK(record::to_json(back) == j);
  CHECK(back.host.sve_vector_bits == 256);
  CHECK(back.knobs[1].emulated);
  CHECK(back.knobs[1].basis == "probe");
}

TEST_CASE("a context without a host, or a knob verdict that is no verdict, is refused with its path", "[record]") {
  const auto no_host = nlohmann::json::parse(R"({"tool": {"name": "graviton-bench"}})");
  record::context c;
  CHECK_THROWS_WITH(from_json(record::node(no_host, "r.json", "context"), c),
                    Contains("r.json: context: missing key 'host'"));
  const auto verdict = nlohmann::json::parse(R"({"knob": "K", "verdict": "maybe"})");
  record::knob_verdict v;
  CHECK_THROWS_AS(from_json(record::node(verdict, "r.json"), v), report_error);
  CHECK_THROWS_WITH(from_json(record::node(verdict, "r.json"), v),
                    Contains("\"effective\", \"inert\" or \"emulated\""));
}

// libFuzzer target: oneDNN's verbose output (the ONEDNN_VERBOSE=1 lines a worker prints), parsed and attributed
// as `doctor` and --verify do: the executions, oneDNN's ISA statement, the distinct primitives, and the routes of
// a model's Linear layers (the recipe's, and layers of the shapes the text itself names, so that they match).
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gbench/error.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/evidence/routes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto execs = gbench::evidence::parse_onednn_verbose(text);
  const auto isa = gbench::evidence::parse_onednn_isa(text);
  (void)gbench::evidence::onednn_isa_has_bf16(isa);
  for (const auto& e : execs) {
    (void)gbench::evidence::math_of(e, isa);
  }
  (void)gbench::evidence::summarize_primitives(execs, isa);
  std::vector<std::pair<std::int64_t, std::int64_t>> layers{{4096, 4096}, {4096, 11008}, {11008, 10}};
  std::int64_t batch = 32;
  for (std::size_t i = 0; i < execs.size() && i < 4; ++i) {
    layers.emplace_back(execs[i].k, execs[i].n);
    batch = execs[i].m;
  }
  gbench::evidence::route_facts facts;
  facts.onednn_isa = isa;
  for (const char* dtype : {"f32", "bf16"}) {
    facts.operand_dtype = dtype;
    facts.cpu_has_bf16 = facts.operand_dtype == "bf16";
    for (const std::int64_t b : {std::int64_t{1}, batch}) {
      try {
        (void)gbench::evidence::route_layers(execs, b, layers, 2, facts);
      } catch (const gbench::error&) {
        // route_layers refuses a batch that is not positive.
      }
    }
  }
  return 0;
}

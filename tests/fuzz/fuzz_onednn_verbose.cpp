// libFuzzer target: oneDNN's verbose output (ONEDNN_VERBOSE=1 lines a worker prints), parsed and routed to layers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gbench/error.hpp"
#include "gbench/evidence/onednn_verbose.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto execs = gbench::evidence::parse_onednn_verbose(std::string(reinterpret_cast<const char*>(data), size));
  try {
    for (const std::int64_t batch : {1, 32, 256}) {
      (void)gbench::evidence::route_layers(execs, batch, {{4096, 4096}, {4096, 11008}, {11008, 10}, {64, 64}}, 2);
    }
  } catch (const gbench::error&) {
  }
  return 0;
}

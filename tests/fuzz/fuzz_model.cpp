// libFuzzer target: a model file (--model FILE.json) and the figures derived from its shape.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gbench/config/json_file.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto doc = gbench::config::parse_json_document("fuzz.json", std::string(reinterpret_cast<const char*>(data), size));
    const auto spec = gbench::config::model_from_json(doc.value, doc.where(0));
    (void)spec.linear_layers();
    (void)spec.parameter_count();
    (void)spec.weight_bytes();
    (void)spec.flops_per_sample();
    for (const std::int64_t batch : {std::int64_t{1}, std::int64_t{256}, std::int64_t{1} << 24}) {
      (void)spec.estimate_bytes(batch);
    }
    (void)gbench::config::to_json(spec).dump();
  } catch (const gbench::error&) {
  }
  return 0;
}

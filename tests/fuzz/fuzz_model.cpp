// libFuzzer target: the JSON files of a model. The bytes are read both as an MLP spec (--model FILE.json,
// config::model_from_json) with the figures derived from its shape, and as the sidecar of a model file
// (FILE.pt.json or STEM.json, config::sidecar_from_document) with the figures derived from its inputs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gbench/config/json_file.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/record/report.hpp"

namespace {

void figures(const gbench::config::model_spec& spec) {
  (void)spec.linear_layers();
  (void)spec.parameter_count();
  (void)spec.weight_bytes();
  (void)spec.flops_per_sample();
  // The batches run::check_memory sees: the defaults and the largest --batch accepts.
  for (const std::int64_t batch : {std::int64_t{1}, std::int64_t{256}, std::int64_t{1} << 32}) {
    (void)spec.estimate_bytes(batch);
  }
  (void)gbench::record::to_json(gbench::record::describe(spec)).dump();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gbench::config::json_document doc;
  try {
    doc = gbench::config::parse_json_document("fuzz.json", std::string(reinterpret_cast<const char*>(data), size));
  } catch (const gbench::error&) {
    return 0;
  }
  try {
    figures(gbench::config::model_from_json(doc.value, doc.where(0)));
  } catch (const gbench::error&) {
  }
  try {
    gbench::config::model_spec spec;
    spec.kind = gbench::config::model_kind::torchscript;
    spec.name = "fuzz.pt";
    gbench::config::sidecar_from_document(doc, spec);
    if (!spec.inputs.empty()) {
      spec.input_shape = spec.inputs.front().shape;
      for (const auto& in : spec.inputs) {
        (void)in.describe();
      }
      figures(spec);
    }
  } catch (const gbench::error&) {
  }
  return 0;
}

// libFuzzer target: a presets file (--presets), as config::load_presets reads it after the file's bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gbench/config/json_file.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const gbench::config::preset_catalog builtin = [] {
    gbench::config::preset_catalog c;
    c.add_knob({"DNNL_DEFAULT_FPMATH_MODE", "bf16 fast math", {"BF16", "ANY", "STRICT"}, false});
    c.add_knob({"TORCH_MKLDNN_MATMUL_MIN_DIM", "threshold", {}, true});
    return c;
  }();
  try {
    const auto doc = gbench::config::parse_json_document("fuzz.json", std::string(reinterpret_cast<const char*>(data), size));
    auto added = gbench::config::presets_from_document(doc, &builtin);
    auto all = builtin;
    all.merge(added);
    for (const auto& p : all.presets()) {
      (void)gbench::config::to_json(p).dump();
      for (const auto& [k, v] : p.env) {
        all.check_value("fuzz: ", k, v);
      }
    }
  } catch (const gbench::error&) {
    // A refusal with a message is the expected outcome for most inputs.
  }
  return 0;
}

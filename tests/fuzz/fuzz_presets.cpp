// libFuzzer target: a presets file (--presets), read by config::presets_from_document as config::load_presets
// reads it after the file's bytes, merged over the built-in catalog; then tune's search space built from its
// knob and setting declarations ("candidates", "search"), as `graviton-bench tune` builds it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gbench/config/json_file.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/record/run.hpp"
#include "gbench/tune/space.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The shipped presets file, as the app merges a user's file over it.
  static const gbench::config::preset_catalog builtin = gbench::config::load_presets(GBENCH_FUZZ_CONFIGS "/presets.json");
  gbench::config::preset_catalog all = builtin;
  try {
    const auto doc =
        gbench::config::parse_json_document("fuzz.json", std::string(reinterpret_cast<const char*>(data), size));
    all.merge(gbench::config::presets_from_document(doc, &builtin));
    for (const auto& p : all.presets()) {
      (void)gbench::record::to_json(p).dump();
      for (const auto& [k, v] : p.env) {
        all.check_value("fuzz: ", k, v);
      }
    }
  } catch (const gbench::error&) {
    return 0; // a refusal with a message: the expected outcome for most inputs
  }
  try {
    // No verdicts: every declared knob is searched, as on a host where the doctor has none for it.
    const gbench::tune::space_facts facts{.verdicts = {}, .cores = 2, .default_threads = 2};
    const auto space = gbench::tune::build_space(all, facts);
    (void)space.grid_points();
    (void)gbench::tune::to_json(space).dump();
    for (const auto& group : space.groups()) {
      // tune refuses a race larger than this before enumerating it.
      if (gbench::tune::race_size(space, group) <= gbench::tune::max_race_size) {
        for (const auto& a : gbench::tune::combinations(space, {}, group)) {
          (void)gbench::tune::preset_of(space, a, gbench::tune::name_of(space, a));
        }
      }
    }
  } catch (const gbench::error&) {
  }
  return 0;
}

#pragma once
// A presets file that declares a search space (knobs with candidates, settings to search), and the host facts
// the space is built with: for the tests of config/candidates, tune/space and tune/search.

#include <fstream>
#include <string>
#include <vector>

#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/tune/space.hpp"
#include "gbench/util/files.hpp"

namespace gbench_test {

inline gbench::config::preset_catalog catalog_of(const std::string& text) {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "presets.json";
  std::ofstream(path) << text;
  return gbench::config::load_presets(path);
}

inline std::string input_error_of(const std::string& text) {
  try {
    catalog_of(text);
  } catch (const gbench::input_error& e) {
    return e.what();
  }
  return "no error";
}

inline const char* const space_file = R"({
  "knobs": {
    "FAST": { "description": "a math knob", "values": ["ON", "OFF"], "candidates": ["ON"], "group": "math" },
    "MIN_DIM": { "description": "a size knob", "integer": true, "candidates": { "from": 8, "to": 64, "step": "x2" },
                 "group": "route" },
    "STEP": { "description": "additive", "integer": true, "candidates": { "from": 1, "to": 10, "step": 4 } }
  },
  "search": {
    "threads": { "candidates": { "from": 1, "to": "cores", "step": "x2" }, "group": "threads" },
    "matmul_precision": { "candidates": ["highest", "medium"], "group": "math" }
  },
  "presets": [ { "name": "default", "env": {} } ]
})";

inline gbench::tune::space_facts facts(std::vector<gbench::record::knob_verdict> verdicts = {}) {
  gbench::tune::space_facts f;
  f.verdicts = std::move(verdicts);
  f.cores = 4;
  f.default_threads = 4;
  return f;
}

} // namespace gbench_test

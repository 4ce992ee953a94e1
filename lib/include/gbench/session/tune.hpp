#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "gbench/config/preset.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/tune/search.hpp"

namespace gbench::session {

/// What `graviton-bench tune` is asked for.
struct tune_request {
  run::plan plan;                  ///< run::make_plan's, of one model: every candidate's process gets what a preset's gets
  config::preset_catalog builtin;  ///< the built-in presets and knobs
  config::preset_catalog catalog;  ///< with the --presets file: the declarations searched
  std::vector<std::string> knobs;  ///< --knobs: only these (empty: every one with candidates)
  tune::search_options search;     ///< the rules of the search; its batches are the plan's
  std::string warmup;              ///< --warmup as given, for the report
  std::string cpus = "auto";       ///< --cpus
  bool progress = false;           ///< progress lines on stderr
  std::string json_path;           ///< --json
  std::string write_presets;       ///< --write-presets
  std::vector<std::string> command_line;
  std::string executable;          ///< whose `__worker` runs each process
};

/// Builds the space (the catalog's declarations, pruned by the doctor's verdicts), searches it (a stage's
/// candidates in lockstep when the plan asks for it and they fit in memory together, else in rounds), writes what
/// it found on `out`, the search to --json and the winners to --write-presets. Returns 0; 6 when a candidate's
/// process failed; 3 when the budget could not hold one round; 130/143 after an interrupt (no presets written).
int run_tune(const tune_request& request, std::ostream& out);

} // namespace gbench::session

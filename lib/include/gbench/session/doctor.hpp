#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "gbench/config/preset.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/run/plan.hpp"

namespace gbench::session {

/// What `graviton-bench doctor` is asked for.
struct doctor_request {
  run::plan plan;                ///< the presets and batches whose evidence is gathered
  std::string json_path;         ///< --json, when the findings are also wanted as a report
  std::vector<std::string> command_line;
  config::preset default_preset; ///< the evidence's baseline
  std::string executable;        ///< whose `__worker` runs each process
};

/// Says which knobs can act on this host and LibTorch (from its facts, the bf16 settings from a probe), then
/// gathers one forward per batch per preset with oneDNN's verbose lines and accuracy against float64; writes each
/// part through `reporter` on `out` as it comes, and the report to --json. Returns 0, or 6 when a preset's evidence
/// process failed.
int run_doctor(const doctor_request& request, const report::reporter& reporter, std::ostream& out);

} // namespace gbench::session

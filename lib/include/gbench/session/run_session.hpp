#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gbench/config/preset.hpp"
#include "gbench/host/placement.hpp"
#include "gbench/record/report.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/run/plan.hpp"

/// A whole benchmark session, from a plan to the reports: what `graviton-bench` (run) does, for any front end.
namespace gbench::session {

/// Where the processes of a run go and what else ran there just before.
struct placed {
  host::placement placement;
  record::run_conditions conditions; ///< placement and the other work on those CPUs before the run
  std::vector<int> used;             ///< the CPUs a process of the plan's threads gets
};

/// --cpus: chosen from the CPUs' load over the next half second (read from /proc/stat now, not the load average,
/// which still counts the processes of a run that just finished). Warns on stderr when other work is busy there.
placed place_run(const std::string& cpus, std::optional<int> threads);

/// Everything a run needs beyond its plan.
struct run_request {
  run::plan plan;                       ///< run::make_plan's
  std::string cpus = "auto";            ///< --cpus
  std::string peak;                     ///< --peak: a file, "none", or empty for this host's cache
  bool verify = false;                  ///< --verify: evidence of what each preset's knobs did
  bool progress = false;                ///< progress on stderr
  /// --json: where the report goes; with several builds (--worker-bin) it holds "{build}", each build's report
  /// written with its label there.
  std::string json_path;
  std::vector<std::string> command_line;
  config::preset default_preset;        ///< the evidence's baseline
  std::string executable;               ///< whose `__worker` runs each preset
};

/// Runs the session: placement and conditions, memory and schedule, peak figures, knob verdicts (probed with
/// --verify), the runs (until precise with --precision), evidence, the comparison; writes through `reporter` on
/// `out` and the JSON report(s); with several builds, each build's report and the builds' comparison. Returns the
/// exit code: 0, 6 when a preset failed, 130/143 after an interrupt. Throws gbench::error for bad input before
/// anything runs.
int run_session(const run_request& request, const report::reporter& reporter, std::ostream& out);

} // namespace gbench::session

#pragma once

// What the orchestrator of rounds (orchestrator.cpp) and of lockstep (lockstep.cpp) share: a preset's job, its
// process's environment, reading its stream, judging how it ended. Internal to lib/src/run.
#include <filesystem>
#include <string>
#include <vector>

#include "gbench/record/run.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/run/result.hpp"
#include "gbench/util/subprocess.hpp"

namespace gbench::run::detail {

/// Lines Kineto writes on every profiled run (USDT probe markers around profiler_start/stop): kept in a failed
/// process's stderr tail, not shown on the terminal.
extern const std::vector<std::string> quiet_stderr;

/// The value of `key` in "KEY=VALUE" items; empty when absent.
std::string value_of(const std::vector<std::string>& env, const std::string& key);

/// What one benchmark process is asked to do: the plan's settings for this model and preset.
job make_job(const plan& p, const config::model_spec& model, const config::preset& preset, int iterations,
             bool evidence, bool open_ended);

/// The environment of that process: its preset's knobs only (child_environment), its allocator preloaded, oneDNN's
/// verbose lines for evidence.
std::vector<std::string> worker_environment(const plan& p, const job& j, const std::vector<std::string>& parent_env);

/// The records of the process's stream, in order; the batches it never reached are reported, not dropped. A torn
/// last line (a process that died mid-write) ends it.
record::preset_run collect(const std::filesystem::path& out, const job& j);

/// With evidence: the oneDNN verbose lines of each batch (between the worker's markers on stdout) and the routes
/// of the model's layers they show.
void attach_routes(record::preset_run& run, const std::string& stdout_text, const job& j, bool cpu_has_bf16);

/// Marks the run failed when its process did (with its stderr's tail) or ran with another allocator than asked.
void conclude_run(record::preset_run& run, const job& j, const util::child_status& status);

} // namespace gbench::run::detail

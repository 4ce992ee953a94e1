#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gbench/config/preset.hpp"
#include "gbench/record/run.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/run/result.hpp"
#include "gbench/util/child_process.hpp"

/// One conversation worker (run/turns.hpp) for a front end that gives its own orders (serve): started as lockstep
/// starts its workers, with a preset's job and environment, and read back the same way when it ends.
namespace gbench::run {

/// A started conversation worker: its job, the stream it writes, the process.
struct conversation {
  job j;
  std::filesystem::path out_file;
  util::child_process child;
};

/// Starts `executable`'s `__worker` in conversation mode for `preset` of the plan (its model, warm-up, seed;
/// profiling off), pinned to `cpus` from its first instruction (none: the kernel's choice), its job and stream in
/// `dir` under `name`, with `extra_env` set over its environment. Throws error when it cannot be started.
conversation start_conversation(const plan& p, const config::preset& preset, const std::string& executable,
                                const std::filesystem::path& dir, const std::string& name, const std::vector<int>& cpus,
                                const std::map<std::string, std::string>& extra_env);

/// What the worker's stream recorded (its environment as it read it, allocator, LibTorch), judged by how it
/// ended (`status`): failed with its stderr's tail when it did. Its batches are left out: a conversation of this
/// kind writes none.
record::preset_run conversation_record(const conversation& c, const util::child_status& status);

} // namespace gbench::run

// How the tests start processes: graviton-bench under test, and host programs (scripts, Python).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gbench/util/subprocess.hpp"

namespace gbench_test {

/// Runs a program of the host (a script, python3) with this process's environment plus `extra_env`
/// ("KEY=VALUE" items); its stdout is captured, the tail of its stderr kept.
inline gbench::util::child_status run_program(const std::vector<std::string>& argv,
                                              const std::vector<std::string>& extra_env = {}) {
  auto env = gbench::util::current_environment();
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  return gbench::util::run_process(argv, env, {.forward_stderr = false, .capture_stdout = true});
}

/// Runs the graviton-bench under test with these arguments, as run_program does. Under emulation
/// (scripts/test-aarch64) the test process cannot start an aarch64 binary by itself (no binfmt_misc handler),
/// so GBENCH_WORKER_WRAPPER goes before it, as graviton-bench puts it before its own workers.
inline gbench::util::child_status run_cli(std::vector<std::string> args, const std::vector<std::string>& extra_env = {}) {
  args.insert(args.begin(), GBENCH_BINARY);
  return run_program(gbench::util::wrapped_command(std::move(args)), extra_env);
}

} // namespace gbench_test

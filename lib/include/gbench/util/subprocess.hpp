#pragma once

#include <string>
#include <vector>

namespace gbench::util {

/// How a child process ended.
struct child_status {
  int exit_code = -1;      ///< the exit status when it exited, else -1
  int signal = 0;          ///< the signal that killed it, else 0
  std::string stderr_tail; ///< the last lines it wrote to stderr
  std::string stdout_text; ///< what it wrote to stdout, when captured
  [[nodiscard]] bool ok() const { return signal == 0 && exit_code == 0; }
  [[nodiscard]] std::string describe() const;
};

struct process_options {
  bool forward_stderr = true;  ///< copy its stderr live to ours (its tail is kept either way)
  bool capture_stdout = false; ///< keep its stdout in child_status::stdout_text instead of sharing ours
};

/// Runs argv[0] (a path, or a name looked up in PATH) with exactly the environment `env` ("KEY=VALUE" items), waits for it and returns how it
/// ended.
child_status run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const process_options& options = {});

/// argv behind the words of GBENCH_WORKER_WRAPPER (split on spaces), when it is set: the command that starts
/// every graviton-bench process, e.g. "qemu-aarch64-static -cpu max,sve256=on" to run an aarch64 build under
/// emulation where the kernel has no binfmt_misc handler for it. Unset or empty: argv unchanged.
std::vector<std::string> wrapped_command(std::vector<std::string> argv);

/// This process's environment as "KEY=VALUE" items.
std::vector<std::string> current_environment();

/// The path of the running executable.
std::string self_executable();

} // namespace gbench::util

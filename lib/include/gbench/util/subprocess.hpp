#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace gbench::util {

/// How a child process ended.
struct child_status {
  int exit_code = -1;      ///< the exit status when it exited, else -1
  int signal = 0;          ///< the signal that killed it, else 0
  std::string stderr_tail; ///< the last lines it wrote to stderr
  std::string stdout_text; ///< what it wrote to stdout, when captured
  bool timed_out = false;  ///< stopped because it ran past process_options::timeout
  int interrupted_by = 0;  ///< stopped because this process got that signal (SIGINT, SIGTERM)
  std::chrono::duration<double> timeout{}; ///< the limit it ran past, when timed_out
  [[nodiscard]] bool ok() const { return signal == 0 && exit_code == 0 && !timed_out && interrupted_by == 0; }
  [[nodiscard]] std::string describe() const;
};

struct process_options {
  bool forward_stderr = true;  ///< copy its stderr live to ours (its tail is kept either way)
  bool capture_stdout = false; ///< keep its stdout in child_status::stdout_text instead of sharing ours
  /// Wall-clock limit (zero: none). Past it the child's process group gets SIGTERM, then SIGKILL after `grace`.
  std::chrono::duration<double> timeout{0};
  std::chrono::duration<double> grace{3.0};
};

/// Runs argv[0] (a path, or a name looked up in PATH) with exactly the environment `env` ("KEY=VALUE" items), waits
/// for it and returns how it ended. The child leads a process group of its own, so that everything it starts is
/// stopped with it: on a timeout, on an interrupt of this process (see util/interrupt.hpp), and when it exits
/// leaving helpers behind.
child_status run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const process_options& options = {});

/// This process's environment as "KEY=VALUE" items.
std::vector<std::string> current_environment();

/// The path of the running executable.
std::string self_executable();

} // namespace gbench::util

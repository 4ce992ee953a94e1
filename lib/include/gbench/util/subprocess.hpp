#pragma once

#include <chrono>
#include <string>
#include <string_view>
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

/// Whether a line starts with one of the prefixes.
bool starts_with_any(std::string_view line, const std::vector<std::string>& prefixes);

/// Runs argv[0] (a path, or a name looked up in PATH) with exactly the environment `env` ("KEY=VALUE" items), waits
/// for it and returns how it ended. The child leads a process group of its own, so that everything it starts is
/// stopped with it: on a timeout, on an interrupt of this process (see util/interrupt.hpp), and when it exits
/// leaving helpers behind. Lines of its stderr that start with one of `quiet_prefixes` are not forwarded (they
/// stay in the tail): chatter of libraries that is noise to a user unless the child fails.
child_status run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const process_options& options = {}, const std::vector<std::string>& quiet_prefixes = {});

/// argv behind the words of GBENCH_WORKER_WRAPPER (split on spaces), when it is set: the command that starts
/// every graviton-bench process, e.g. "qemu-aarch64-static -cpu max,sve256=on" to run an aarch64 build under
/// emulation where the kernel has no binfmt_misc handler for it. Unset or empty: argv unchanged.
std::vector<std::string> wrapped_command(std::vector<std::string> argv);

/// This process's environment as "KEY=VALUE" items.
std::vector<std::string> current_environment();

/// The path of the running executable.
std::string self_executable();

} // namespace gbench::util

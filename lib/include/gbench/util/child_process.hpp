#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gbench/util/subprocess.hpp"

namespace gbench::util {

/// How a child_process is started.
struct child_options {
  bool forward_stderr = true;  ///< copy its stderr to ours as it comes (its tail is kept either way)
  bool capture_stdout = false; ///< keep its stdout (child_status::stdout_text) instead of sharing ours
  /// A conversation: the child's stdin is a pipe this process writes lines to (send), and its file descriptor 3
  /// a pipe this process reads lines from (receive).
  bool conversation = false;
  std::vector<std::string> quiet_prefixes; ///< stderr lines starting so are kept in the tail, not forwarded
  std::chrono::duration<double> grace{3.0}; ///< between SIGTERM and SIGKILL when it is stopped
};

/// A child process running beside this one (RAII): started in a process group of its own, registered with the
/// interrupt handlers (util/interrupt.hpp), its stderr forwarded and its tail kept, and stopped (SIGTERM to its
/// group, then SIGKILL) and reaped when the object goes, whatever happened before.
class child_process {
public:
  using clock = std::chrono::steady_clock;

  /// Starts argv[0] (a path, or a name looked up in PATH) with exactly the environment `env`. Throws error when
  /// it cannot be started.
  child_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                const child_options& options = {});
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }

  /// Writes a line (a newline is added) to its stdin; false when it can no longer read (it has exited).
  bool send(std::string_view line);

  /// What receive found.
  enum class received { line, closed, timed_out, interrupted };

  /// Waits until it writes a whole line to descriptor 3 (returned in `line`, without the newline), it closes
  /// that pipe (it exited), `deadline` passes, or this process is interrupted. Its stderr is forwarded meanwhile.
  received receive(std::string& line, std::optional<clock::time_point> deadline);

  /// Its descriptors for a poll() over several children (serve's load generator): the answer pipe and stderr, -1
  /// once closed. When either is ready, take() reads it.
  [[nodiscard]] std::array<int, 2> watched() const { return {reply_fd_, stderr_fd_}; }

  /// Reads what its answer pipe and stderr hold now, without waiting: a whole line (received::line), the end of
  /// its answers (received::closed, it exited, every line taken), or received::timed_out when no whole line has
  /// come yet.
  received take(std::string& line);

  /// Closes its stdin and waits for it to exit, forwarding its stderr and collecting its stdout; past `deadline`
  /// or on an interrupt it is stopped. Returns how it ended; once only.
  child_status finish(std::optional<clock::time_point> deadline, std::chrono::duration<double> timeout = {});

  /// Stops it now (SIGTERM to its group, SIGKILL after the grace period) and reaps it.
  child_status stop();

private:
  void close_fd(int& fd);
  bool pump_stderr(int ready_fd);
  int poll_replies(int timeout_ms);
  child_status reap(child_status status);

  pid_t pid_ = -1;
  child_options options_;
  int stdin_fd_ = -1;
  int reply_fd_ = -1;
  int stderr_fd_ = -1;
  int stdout_fd_ = -1;
  std::string replies_;  ///< what came on descriptor 3 after the last whole line
  std::string pending_;  ///< stderr not yet forwarded: a line without its end
  child_status status_;  ///< stderr tail and stdout so far
};

} // namespace gbench::util

#pragma once

#include <sys/types.h>

#include <string>

#include "gbench/error.hpp"

/// SIGINT and SIGTERM for a process that runs children: the first stops every running child's process group and
/// lets the caller finish what it has (a report marked interrupted); a second one exits at once.
namespace gbench::util {

/// Installs the handlers for SIGINT and SIGTERM. Call once, in the main process only.
void install_interrupt_handlers();

/// Ignores SIGXFSZ, so that a file-size limit (ulimit -f) shows up as a failed write (EFBIG) with a message
/// instead of killing the process.
void ignore_file_size_signal();

/// The signal that interrupted this process (SIGINT or SIGTERM), or 0.
int interrupt_signal() noexcept;

/// The exit code that tells a caller which signal interrupted us: 128 + the signal (130, 143).
int interrupt_exit_code(int signal) noexcept;

/// Thrown where work cannot go on after an interrupt and there is nothing partial to keep.
class interrupted_error : public error {
public:
  explicit interrupted_error(int signal);
};

/// Throws interrupted_error when an interrupt has arrived.
void throw_if_interrupted();

/// Child process groups stopped by the handlers (SIGTERM on the first signal, SIGKILL on the second). Slots are
/// fixed so that the handler touches no allocator; a group that finds no slot is still waited for and killed by
/// its owner, only not by the handler.
void register_child_group(pid_t pgid) noexcept;
void unregister_child_group(pid_t pgid) noexcept;

/// A temporary file that a second signal unlinks before exiting (the atomic write's file, so that an immediate
/// exit leaves no half-written file beside the report). At most one at a time; empty clears it.
void set_pending_temp_file(const std::string& path) noexcept;

/// For a child: asks the kernel to kill this process when its parent dies (even by SIGKILL), so that no worker
/// outlives the run that started it. Returns false when the parent is already gone.
bool die_with_parent() noexcept;

} // namespace gbench::util

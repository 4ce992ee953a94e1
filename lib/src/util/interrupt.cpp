#include "gbench/util/interrupt.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>

#include <fmt/format.h>

namespace gbench::util {

namespace {

// Everything the handlers read is lock-free atomics or fixed buffers: a signal handler may only call
// async-signal-safe functions (kill, unlink, _exit, write).
constexpr std::size_t max_groups = 64;
std::array<std::atomic<pid_t>, max_groups> child_groups{};
std::atomic<int> received{0};

constexpr std::size_t path_capacity = 4096;
std::array<char, path_capacity> pending_path{};
std::atomic<bool> pending_set{false};

static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void signal_groups(int sig) noexcept {
  for (auto& slot : child_groups) {
    const pid_t pgid = slot.load();
    if (pgid > 0) {
      ::kill(-pgid, sig);
    }
  }
}

extern "C" void on_interrupt(int sig) {
  const int saved_errno = errno;
  int expected = 0;
  if (received.compare_exchange_strong(expected, sig)) {
    // First: stop the children; the main flow sees interrupt_signal() and finishes its report.
    signal_groups(SIGTERM);
    errno = saved_errno;
    return;
  }
  // Second: out at once. The report path is only ever replaced by rename, so it holds the old report or
  // the new one; the temporary file of a write in progress is removed.
  signal_groups(SIGKILL);
  if (pending_set.load()) {
    ::unlink(pending_path.data());
  }
  constexpr char message[] = "\ninterrupted again: exiting at once\n";
  [[maybe_unused]] const ssize_t w = ::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(interrupt_exit_code(received.load()));
}

} // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking poll or wait returns EINTR, and the loop around it looks at the flag.
  action.sa_flags = 0;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

void ignore_file_size_signal() { std::signal(SIGXFSZ, SIG_IGN); }

int interrupt_signal() noexcept { return received.load(); }

int interrupt_exit_code(int signal) noexcept { return 128 + signal; }

interrupted_error::interrupted_error(int signal)
    : error(fmt::format("interrupted by {}", signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : strsignal(signal)),
            static_cast<exit_code>(interrupt_exit_code(signal))) {}

void throw_if_interrupted() {
  if (const int sig = interrupt_signal(); sig != 0) {
    throw interrupted_error(sig);
  }
}

void register_child_group(pid_t pgid) noexcept {
  for (auto& slot : child_groups) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pgid)) {
      return;
    }
  }
}

void unregister_child_group(pid_t pgid) noexcept {
  for (auto& slot : child_groups) {
    pid_t expected = pgid;
    if (slot.compare_exchange_strong(expected, 0)) {
      return;
    }
  }
}

void set_pending_temp_file(const std::string& path) noexcept {
  pending_set.store(false);
  if (path.empty() || path.size() >= path_capacity) {
    return;
  }
  std::memcpy(pending_path.data(), path.c_str(), path.size() + 1);
  pending_set.store(true);
}

bool die_with_parent() noexcept {
  const pid_t parent = ::getppid();
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    return true; // not available: nothing more to do
  }
  // The parent may have died between our start and the prctl.
  return ::getppid() == parent;
}

} // namespace gbench::util

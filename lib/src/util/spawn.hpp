#pragma once

// Shared by util/subprocess.cpp and util/child_process.cpp: pipes, posix_spawn attributes, stopping a process
// group, forwarding stderr. Internal to lib/src/util.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/subprocess.hpp"

namespace gbench::util::detail {

inline constexpr std::size_t tail_bytes = 4096;

class pipe_pair {
public:
  pipe_pair() {
    if (::pipe2(fds_.data(), O_CLOEXEC) != 0) {
      throw error(fmt::format("cannot create a pipe ({})", std::strerror(errno)));
    }
  }
  ~pipe_pair() {
    close_read();
    close_write();
  }
  pipe_pair(const pipe_pair&) = delete;
  pipe_pair& operator=(const pipe_pair&) = delete;
  [[nodiscard]] int read_end() const { return fds_[0]; }
  [[nodiscard]] int write_end() const { return fds_[1]; }
  void close_read() { close_one(0); }
  void close_write() { close_one(1); }
  /// Hands one end over: the caller closes it.
  int release_read() { return std::exchange(fds_[0], -1); }
  int release_write() { return std::exchange(fds_[1], -1); }

private:
  void close_one(int i) {
    if (fds_[i] >= 0) {
      ::close(fds_[i]);
      fds_[i] = -1;
    }
  }
  std::array<int, 2> fds_{-1, -1};
};

inline std::vector<char*> c_strings(const std::vector<std::string>& items) {
  std::vector<char*> out;
  out.reserve(items.size() + 1);
  for (const auto& s : items) {
    out.push_back(const_cast<char*>(s.c_str())); // NOLINT: posix_spawn takes char* const*
  }
  out.push_back(nullptr);
  return out;
}

// Writes the complete lines of `pending` to our stderr, except quiet ones; with `flush`, the rest too.
inline void forward_lines(std::string& pending, const std::vector<std::string>& quiet, bool flush) {
  std::size_t begin = 0;
  for (std::size_t end = pending.find('\n'); end != std::string::npos; end = pending.find('\n', begin)) {
    const std::string_view line(pending.data() + begin, end + 1 - begin);
    if (!starts_with_any(line, quiet)) {
      [[maybe_unused]] const ssize_t w = ::write(STDERR_FILENO, line.data(), line.size());
    }
    begin = end + 1;
  }
  pending.erase(0, begin);
  if (flush && !pending.empty()) {
    if (!starts_with_any(pending, quiet)) {
      [[maybe_unused]] const ssize_t w = ::write(STDERR_FILENO, pending.data(), pending.size());
    }
    pending.clear();
  }
}


using steady = std::chrono::steady_clock;

class spawn_attributes {
public:
  spawn_attributes() {
    posix_spawnattr_init(&attr_);
    // A process group of its own: the whole tree the child starts can be signalled at once.
    posix_spawnattr_setpgroup(&attr_, 0);
    // Signals this process ignores or blocks (SIGXFSZ, during an interrupt the handlers) start at their
    // defaults in the child.
    sigset_t defaults;
    sigemptyset(&defaults);
    for (const int sig : {SIGINT, SIGTERM, SIGXFSZ, SIGPIPE}) {
      sigaddset(&defaults, sig);
    }
    posix_spawnattr_setsigdefault(&attr_, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  }
  ~spawn_attributes() { posix_spawnattr_destroy(&attr_); }
  spawn_attributes(const spawn_attributes&) = delete;
  spawn_attributes& operator=(const spawn_attributes&) = delete;
  [[nodiscard]] const posix_spawnattr_t* get() const { return &attr_; }

private:
  posix_spawnattr_t attr_{};
};

// Stops the child's group in two steps: SIGTERM (a worker's default action: it dies), then SIGKILL for whatever
// is still there after the grace period.
class group_stopper {
public:
  group_stopper(pid_t pgid, std::chrono::duration<double> grace) : pgid_(pgid), grace_(grace) {}
  void terminate() {
    if (!terminating_) {
      terminating_ = true;
      ::kill(-pgid_, SIGTERM);
      kill_at_ = steady::now() + std::chrono::duration_cast<steady::duration>(grace_);
    }
  }
  // Called on every wake-up; true once SIGKILL went out and a little more time has passed, after which the
  // pipes are no longer waited for (something outside the group may hold them).
  bool given_up() {
    if (!terminating_) {
      return false;
    }
    const auto now = steady::now();
    if (!killed_ && now >= kill_at_) {
      ::kill(-pgid_, SIGKILL);
      killed_ = true;
      kill_at_ = now + std::chrono::seconds(1);
      return false;
    }
    return killed_ && now >= kill_at_;
  }
  [[nodiscard]] bool terminating() const { return terminating_; }
  [[nodiscard]] std::optional<steady::time_point> next_deadline() const {
    return terminating_ ? std::optional(kill_at_) : std::nullopt;
  }

private:
  pid_t pgid_;
  std::chrono::duration<double> grace_;
  bool terminating_ = false;
  bool killed_ = false;
  steady::time_point kill_at_{};
};

inline int poll_timeout_ms(std::optional<steady::time_point> a, std::optional<steady::time_point> b) {
  std::optional<steady::time_point> first = a;
  if (b && (!first || *b < *first)) {
    first = b;
  }
  if (!first) {
    return -1;
  }
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*first - steady::now()).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
}

// Reads what is available from `fd`; false at end of file or on an error.
inline bool drain(int fd, std::string& into, std::array<char, 4096>& buf, bool forward, bool keep_tail) {
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  if (n < 0 && errno == EINTR) {
    return true;
  }
  if (n <= 0) {
    return false;
  }
  if (forward) {
    [[maybe_unused]] const ssize_t w = ::write(STDERR_FILENO, buf.data(), static_cast<std::size_t>(n));
  }
  into.append(buf.data(), static_cast<std::size_t>(n));
  if (keep_tail && into.size() > 2 * tail_bytes) {
    into.erase(0, into.size() - tail_bytes);
  }
  return true;
}


} // namespace gbench::util::detail

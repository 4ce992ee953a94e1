#include "gbench/util/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/interrupt.hpp"

extern char** environ; // NOLINT: POSIX

namespace gbench::util {

namespace {

constexpr std::size_t tail_bytes = 4096;

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

private:
  void close_one(int i) {
    if (fds_[i] >= 0) {
      ::close(fds_[i]);
      fds_[i] = -1;
    }
  }
  std::array<int, 2> fds_{-1, -1};
};

std::vector<char*> c_strings(const std::vector<std::string>& items) {
  std::vector<char*> out;
  out.reserve(items.size() + 1);
  for (const auto& s : items) {
    out.push_back(const_cast<char*>(s.c_str())); // NOLINT: posix_spawn takes char* const*
  }
  out.push_back(nullptr);
  return out;
}

// Writes the complete lines of `pending` to our stderr, except quiet ones; with `flush`, the rest too.
void forward_lines(std::string& pending, const std::vector<std::string>& quiet, bool flush) {
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

} // namespace

bool starts_with_any(std::string_view line, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    if (line.starts_with(p)) {
      return true;
    }
  }
  return false;
}

std::string child_status::describe() const {
  if (timed_out) {
    return fmt::format("timed out after {:.0f} s", timeout.count());
  }
  if (interrupted_by != 0) {
    return fmt::format("was stopped: graviton-bench was interrupted by {}", strsignal(interrupted_by));
  }
  if (signal != 0) {
    return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  }
  return fmt::format("exited with code {}", exit_code);
}

namespace {

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

int poll_timeout_ms(std::optional<steady::time_point> a, std::optional<steady::time_point> b) {
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
bool drain(int fd, std::string& into, std::array<char, 4096>& buf, bool forward, bool keep_tail) {
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

} // namespace

child_status run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const process_options& options, const std::vector<std::string>& quiet_prefixes) {
  pipe_pair err;
  std::optional<pipe_pair> out;
  if (options.capture_stdout) {
    out.emplace();
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
  if (out) {
    posix_spawn_file_actions_adddup2(&actions, out->write_end(), STDOUT_FILENO);
  }
  const spawn_attributes attributes;
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv.at(0).c_str(), &actions, attributes.get(), args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw error(fmt::format("cannot start {} ({})", argv.at(0), std::strerror(rc)));
  }
  register_child_group(pid);
  err.close_write();
  if (out) {
    out->close_write();
  }

  child_status status;
  std::string pending; // stderr not yet forwarded: a line without its end
  group_stopper stopper(pid, options.grace);
  std::optional<steady::time_point> deadline;
  if (options.timeout.count() > 0) {
    deadline = steady::now() + std::chrono::duration_cast<steady::duration>(options.timeout);
  }
  if (interrupt_signal() != 0) {
    stopper.terminate(); // the interrupt came while it was being started
  }
  std::array<char, 4096> buf{};
  bool err_open = true;
  bool out_open = out.has_value();
  while ((err_open || out_open) && !stopper.given_up()) {
    if (!stopper.terminating()) {
      if (const int sig = interrupt_signal(); sig != 0) {
        status.interrupted_by = sig;
        stopper.terminate();
      } else if (deadline && steady::now() >= *deadline) {
        status.timed_out = true;
        status.timeout = options.timeout;
        stopper.terminate();
      }
    }
    std::array<pollfd, 2> fds{{{err_open ? err.read_end() : -1, POLLIN, 0}, {out_open ? out->read_end() : -1, POLLIN, 0}}};
    const int ready = ::poll(fds.data(), fds.size(), poll_timeout_ms(stopper.terminating() ? std::nullopt : deadline,
                                                                     stopper.next_deadline()));
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (err_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t n = ::read(err.read_end(), buf.data(), buf.size());
      if (n <= 0 && !(n < 0 && errno == EINTR)) {
        err_open = false;
        forward_lines(pending, quiet_prefixes, true);
      } else if (n > 0) {
        if (options.forward_stderr && quiet_prefixes.empty()) {
          [[maybe_unused]] const ssize_t w = ::write(STDERR_FILENO, buf.data(), static_cast<std::size_t>(n));
        } else if (options.forward_stderr) {
          // Whole lines only, so that a quiet prefix is recognised however the child's writes were split.
          pending.append(buf.data(), static_cast<std::size_t>(n));
          forward_lines(pending, quiet_prefixes, false);
        }
        status.stderr_tail.append(buf.data(), static_cast<std::size_t>(n));
        if (status.stderr_tail.size() > 2 * tail_bytes) {
          status.stderr_tail.erase(0, status.stderr_tail.size() - tail_bytes);
        }
      }
    }
    if (out_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      out_open = drain(out->read_end(), status.stdout_text, buf, false, false);
    }
  }
  if (status.stderr_tail.size() > tail_bytes) {
    status.stderr_tail.erase(0, status.stderr_tail.size() - tail_bytes);
  }
  // The pipes are closed, so the child has exited or is about to. Wait for it without reaping it, so that its
  // pid, the group's id, cannot be reused; then kill whatever it left running in its group; then reap it.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
    if (interrupt_signal() != 0 && !stopper.terminating()) {
      status.interrupted_by = interrupt_signal();
      stopper.terminate();
    }
  }
  ::kill(-pid, SIGKILL);
  unregister_child_group(pid);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      throw error(fmt::format("waiting for {} failed ({})", argv.at(0), std::strerror(errno)));
    }
  }
  if (WIFEXITED(wstatus)) {
    status.exit_code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    status.signal = WTERMSIG(wstatus);
  }
  return status;
}

std::vector<std::string> wrapped_command(std::vector<std::string> argv) {
  const char* wrapper = std::getenv("GBENCH_WORKER_WRAPPER");
  if (wrapper == nullptr) {
    return argv;
  }
  std::vector<std::string> out;
  std::istringstream in(wrapper);
  for (std::string word; in >> word;) {
    out.push_back(word);
  }
  out.insert(out.end(), std::make_move_iterator(argv.begin()), std::make_move_iterator(argv.end()));
  return out;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    out.emplace_back(*e);
  }
  return out;
}

std::string self_executable() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    throw error(fmt::format("cannot find the running executable through /proc/self/exe ({})", ec.message()));
  }
  return p.string();
}

} // namespace gbench::util

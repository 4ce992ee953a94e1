#include "gbench/util/child_process.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>

#include "gbench/util/interrupt.hpp"
#include "spawn.hpp"

namespace gbench::util {

using namespace detail;

namespace {

// The descriptor the child's replies come on: its stdin, stdout and stderr keep their usual numbers.
constexpr int reply_descriptor = 3;

} // namespace

child_process::child_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                             const child_options& options)
    : options_(options) {
  pipe_pair err;
  std::optional<pipe_pair> out;
  std::optional<pipe_pair> in;
  std::optional<pipe_pair> reply;
  if (options.capture_stdout) {
    out.emplace();
  }
  if (options.conversation) {
    in.emplace();
    reply.emplace();
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
  if (out) {
    posix_spawn_file_actions_adddup2(&actions, out->write_end(), STDOUT_FILENO);
  }
  if (in) {
    posix_spawn_file_actions_adddup2(&actions, in->read_end(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, reply->write_end(), reply_descriptor);
  }
  const spawn_attributes attributes;
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  const int rc = ::posix_spawnp(&pid_, argv.at(0).c_str(), &actions, attributes.get(), args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    throw error(fmt::format("cannot start {} ({})", argv.at(0), std::strerror(rc)));
  }
  register_child_group(pid_);
  stderr_fd_ = err.release_read();
  if (out) {
    stdout_fd_ = out->release_read();
  }
  if (in) {
    stdin_fd_ = in->release_write();
    reply_fd_ = reply->release_read();
  }
  // The write ends the child holds close with the pair objects: only the child keeps them open.
}

child_process::child_process(child_process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), options_(std::move(other.options_)),
      stdin_fd_(std::exchange(other.stdin_fd_, -1)), reply_fd_(std::exchange(other.reply_fd_, -1)),
      stderr_fd_(std::exchange(other.stderr_fd_, -1)), stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      replies_(std::move(other.replies_)), pending_(std::move(other.pending_)), status_(std::move(other.status_)) {}

child_process::~child_process() {
  if (pid_ > 0) {
    try {
      stop();
    } catch (...) { // NOLINT(bugprone-empty-catch): a destructor reaps what it can and throws nothing
    }
  }
  for (int* fd : {&stdin_fd_, &reply_fd_, &stderr_fd_, &stdout_fd_}) {
    close_fd(*fd);
  }
}

void child_process::close_fd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

bool child_process::send(std::string_view line) {
  if (stdin_fd_ < 0) {
    return false;
  }
  std::string text(line);
  text += '\n';
  // A write to a child that has exited raises SIGPIPE, which would end this process: it is blocked around the
  // write and consumed, so that EPIPE alone says what happened.
  sigset_t broken_pipe;
  sigset_t old;
  sigemptyset(&broken_pipe);
  sigaddset(&broken_pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &broken_pipe, &old);
  std::size_t done = 0;
  bool ok = true;
  while (done < text.size()) {
    const ssize_t n = ::write(stdin_fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      const timespec now{};
      while (sigtimedwait(&broken_pipe, nullptr, &now) < 0 && errno == EINTR) {
      }
      close_fd(stdin_fd_);
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return ok;
}

// Reads what `ready_fd` has when it is stderr or stdout; false when it was neither.
bool child_process::pump_stderr(int ready_fd) {
  std::array<char, 4096> buf{};
  if (ready_fd == stdout_fd_) {
    if (!drain(stdout_fd_, status_.stdout_text, buf, false, false)) {
      close_fd(stdout_fd_);
    }
    return true;
  }
  if (ready_fd != stderr_fd_) {
    return false;
  }
  const ssize_t n = ::read(stderr_fd_, buf.data(), buf.size());
  if (n <= 0 && !(n < 0 && errno == EINTR)) {
    close_fd(stderr_fd_);
    if (options_.forward_stderr) {
      forward_lines(pending_, options_.quiet_prefixes, true);
    }
    return true;
  }
  if (n > 0) {
    if (options_.forward_stderr) {
      // Whole lines only, so that a quiet prefix is recognised however the child's writes were split.
      pending_.append(buf.data(), static_cast<std::size_t>(n));
      forward_lines(pending_, options_.quiet_prefixes, false);
    }
    status_.stderr_tail.append(buf.data(), static_cast<std::size_t>(n));
    if (status_.stderr_tail.size() > 2 * tail_bytes) {
      status_.stderr_tail.erase(0, status_.stderr_tail.size() - tail_bytes);
    }
  }
  return true;
}

child_process::received child_process::receive(std::string& line, std::optional<clock::time_point> deadline) {
  for (;;) {
    if (const auto end = replies_.find('\n'); end != std::string::npos) {
      line = replies_.substr(0, end);
      replies_.erase(0, end + 1);
      return received::line;
    }
    if (reply_fd_ < 0) {
      return received::closed;
    }
    if (interrupt_signal() != 0) {
      return received::interrupted;
    }
    if (deadline && clock::now() >= *deadline) {
      return received::timed_out;
    }
    if (poll_replies(poll_timeout_ms(deadline, std::nullopt)) < 0) {
      return received::closed;
    }
  }
}

// One poll of the reply pipe and the child's output for up to timeout_ms: output is passed on, replies are kept
// in replies_. Returns poll's count of ready descriptors, 0 when interrupted, -1 when poll failed.
int child_process::poll_replies(int timeout_ms) {
  std::array<pollfd, 3> fds{{{reply_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}, {stdout_fd_, POLLIN, 0}}};
  const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
  if (ready < 0) {
    return errno == EINTR ? 0 : -1;
  }
  for (std::size_t i = 1; i < fds.size(); ++i) {
    if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      pump_stderr(fds[i].fd);
    }
  }
  if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
    std::array<char, 4096> buf{};
    const ssize_t n = ::read(reply_fd_, buf.data(), buf.size());
    if (n > 0) {
      replies_.append(buf.data(), static_cast<std::size_t>(n));
    } else if (!(n < 0 && errno == EINTR)) {
      close_fd(reply_fd_);
    }
  }
  return ready;
}

child_process::received child_process::take(std::string& line) {
  for (bool read = false;; read = true) {
    if (const auto end = replies_.find('\n'); end != std::string::npos) {
      line = replies_.substr(0, end);
      replies_.erase(0, end + 1);
      return received::line;
    }
    if (reply_fd_ < 0) {
      return received::closed;
    }
    if (read) {
      return received::timed_out;
    }
    if (poll_replies(0) <= 0) {
      return received::timed_out;
    }
  }
}

child_status child_process::finish(std::optional<clock::time_point> deadline, std::chrono::duration<double> timeout) {
  close_fd(stdin_fd_); // a conversation ends: the child reads the end of its input
  group_stopper stopper(pid_, options_.grace);
  if (interrupt_signal() != 0) {
    status_.interrupted_by = interrupt_signal(); // the interrupt came while it was being started
    stopper.terminate();
  }
  while ((stderr_fd_ >= 0 || stdout_fd_ >= 0 || reply_fd_ >= 0) && !stopper.given_up()) {
    if (!stopper.terminating()) {
      if (const int sig = interrupt_signal(); sig != 0) {
        status_.interrupted_by = sig;
        stopper.terminate();
      } else if (deadline && clock::now() >= *deadline) {
        status_.timed_out = true;
        status_.timeout = timeout;
        stopper.terminate();
      }
    }
    std::array<pollfd, 3> fds{{{stderr_fd_, POLLIN, 0}, {stdout_fd_, POLLIN, 0}, {reply_fd_, POLLIN, 0}}};
    const int ready = ::poll(fds.data(), fds.size(),
                             poll_timeout_ms(stopper.terminating() ? std::nullopt : deadline, stopper.next_deadline()));
    if (ready < 0 && errno != EINTR) {
      break;
    }
    for (std::size_t i = 0; i < 2; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        pump_stderr(fds[i].fd);
      }
    }
    if ((fds[2].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      std::array<char, 4096> buf{};
      if (!drain(reply_fd_, replies_, buf, false, true)) {
        close_fd(reply_fd_);
      }
    }
  }
  return reap(std::move(status_));
}

child_status child_process::stop() {
  if (pid_ <= 0) {
    return std::move(status_);
  }
  const auto deadline = clock::now() + std::chrono::duration_cast<clock::duration>(options_.grace);
  group_stopper stopper(pid_, options_.grace);
  stopper.terminate();
  while ((stderr_fd_ >= 0 || stdout_fd_ >= 0) && !stopper.given_up()) {
    std::array<pollfd, 2> fds{{{stderr_fd_, POLLIN, 0}, {stdout_fd_, POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), poll_timeout_ms(deadline, stopper.next_deadline())) < 0 && errno != EINTR) {
      break;
    }
    for (const auto& f : fds) {
      if ((f.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        pump_stderr(f.fd);
      }
    }
  }
  return reap(std::move(status_));
}

child_status child_process::reap(child_status status) {
  if (pid_ <= 0) {
    return status;
  }
  if (status.stderr_tail.size() > tail_bytes) {
    status.stderr_tail.erase(0, status.stderr_tail.size() - tail_bytes);
  }
  // The pipes are closed, so the child has exited or is about to. Wait for it without reaping it, so that its
  // pid, the group's id, cannot be reused; then kill whatever it left running in its group; then reap it.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  ::kill(-pid_, SIGKILL);
  unregister_child_group(pid_);
  int wstatus = 0;
  while (::waitpid(pid_, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      pid_ = -1;
      throw error(fmt::format("waiting for a child process failed ({})", std::strerror(errno)));
    }
  }
  pid_ = -1;
  if (WIFEXITED(wstatus)) {
    status.exit_code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    status.signal = WTERMSIG(wstatus);
  }
  for (int* fd : {&stdin_fd_, &reply_fd_, &stderr_fd_, &stdout_fd_}) {
    close_fd(*fd);
  }
  return status;
}

} // namespace gbench::util

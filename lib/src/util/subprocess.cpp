#include "gbench/util/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
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

} // namespace

std::string child_status::describe() const {
  if (signal != 0) {
    return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  }
  return fmt::format("exited with code {}", exit_code);
}

child_status run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const process_options& options) {
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
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv.at(0).c_str(), &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw error(fmt::format("cannot start {} ({})", argv.at(0), std::strerror(rc)));
  }
  err.close_write();
  if (out) {
    out->close_write();
  }

  child_status status;
  std::array<char, 4096> buf{};
  bool err_open = true;
  bool out_open = out.has_value();
  while (err_open || out_open) {
    std::array<pollfd, 2> fds{{{err_open ? err.read_end() : -1, POLLIN, 0}, {out_open ? out->read_end() : -1, POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (err_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t n = ::read(err.read_end(), buf.data(), buf.size());
      if (n <= 0 && !(n < 0 && errno == EINTR)) {
        err_open = false;
      } else if (n > 0) {
        if (options.forward_stderr) {
          [[maybe_unused]] const ssize_t w = ::write(STDERR_FILENO, buf.data(), static_cast<std::size_t>(n));
        }
        status.stderr_tail.append(buf.data(), static_cast<std::size_t>(n));
        if (status.stderr_tail.size() > 2 * tail_bytes) {
          status.stderr_tail.erase(0, status.stderr_tail.size() - tail_bytes);
        }
      }
    }
    if (out_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t n = ::read(out->read_end(), buf.data(), buf.size());
      if (n <= 0 && !(n < 0 && errno == EINTR)) {
        out_open = false;
      } else if (n > 0) {
        status.stdout_text.append(buf.data(), static_cast<std::size_t>(n));
      }
    }
  }
  if (status.stderr_tail.size() > tail_bytes) {
    status.stderr_tail.erase(0, status.stderr_tail.size() - tail_bytes);
  }
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

#include "gbench/util/subprocess.hpp"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/child_process.hpp"
#include "gbench/util/interrupt.hpp"

extern char** environ; // NOLINT: POSIX

namespace gbench::util {

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

child_status run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const process_options& options, const std::vector<std::string>& quiet_prefixes) {
  child_process child(argv, env,
                      {.forward_stderr = options.forward_stderr,
                       .capture_stdout = options.capture_stdout,
                       .conversation = false,
                       .quiet_prefixes = quiet_prefixes,
                       .grace = options.grace});
  std::optional<child_process::clock::time_point> deadline;
  if (options.timeout.count() > 0) {
    deadline = child_process::clock::now() + std::chrono::duration_cast<child_process::clock::duration>(options.timeout);
  }
  return child.finish(deadline, options.timeout);
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

#include "gbench/util/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/interrupt.hpp"

namespace gbench::util {

namespace {

class fd_guard {
public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

private:
  int fd_;
};

std::filesystem::path directory_of(const std::filesystem::path& path) {
  const auto parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

std::string unchanged(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec) ? "the file that was there is unchanged" : "nothing was written there";
}

// Something that exists and is neither a regular file nor a directory, symbolic links followed: a device
// (/dev/null, /dev/full), a pipe, /dev/stdout. A file renamed over it would replace the device node or the link
// (as root, /dev/full itself) instead of writing to it, so it is written in place.
bool is_special(const std::filesystem::path& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  return !ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st) &&
         !std::filesystem::is_directory(st);
}

// The file a write to `path` replaces: a symbolic link is followed (as a shell's `>` does), so that the link
// stays and the file it names gets the new content. Anything else is `path` itself.
std::filesystem::path replaced_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(path, ec)) {
    return path;
  }
  auto target = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : target;
}

// How `path` is named in messages: as given, with the file it leads to when that differs.
std::string shown(const std::filesystem::path& path, const std::filesystem::path& target) {
  return target == path ? path.string() : fmt::format("{} ({})", path.string(), target.string());
}

// Writes all of `content`; on failure returns errno and leaves in `written` what went through.
int write_all(int fd, const std::string& content, std::size_t& written) {
  written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

// `name`: the path as messages show it.
void write_in_place(const std::filesystem::path& path, const std::string& name, const std::string& content) {
  fd_guard fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    throw output_error(
        fmt::format("{}: cannot be opened for writing ({}); nothing was written there", name, std::strerror(errno)));
  }
  std::size_t written = 0;
  if (const int err = write_all(fd.get(), content, written); err != 0) {
    throw output_error(fmt::format("{}: write failed after {} of {} bytes ({}); it is not a regular file, so what "
                                   "reached it is not a whole report",
                                   name, written, content.size(), std::strerror(err)));
  }
  if (::close(fd.release()) != 0) {
    throw output_error(
        fmt::format("{}: write failed ({}); it is not a regular file, so what reached it is not a whole report", name,
                    std::strerror(errno)));
  }
}

} // namespace

void write_file_atomically(const std::filesystem::path& given, const std::string& content) {
  if (is_special(given)) {
    write_in_place(given, shown(given, replaced_file(given)), content);
    return;
  }
  const auto path = replaced_file(given);
  std::string pattern = (directory_of(path) / fmt::format(".{}.tmp-XXXXXX", path.filename().string())).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  fd_guard fd(::mkstemp(name.data()));
  if (fd.get() < 0) {
    throw output_error(fmt::format("{}: cannot create a file beside it ({}); choose a writable directory",
                                   shown(given, path), std::strerror(errno)));
  }
  const std::string tmp(name.data());
  // A second interrupt exits at once; it removes this file on the way out.
  set_pending_temp_file(tmp);
  std::size_t written = 0;
  if (const int err = write_all(fd.get(), content, written); err != 0) {
    ::unlink(tmp.c_str());
    set_pending_temp_file({});
    throw output_error(fmt::format("{}: write failed after {} of {} bytes ({}); {}", shown(given, path), written,
                                   content.size(), std::strerror(err), unchanged(path)));
  }
  // mkstemp creates 0600; a report is an ordinary file.
  ::fchmod(fd.get(), 0644);
  if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    set_pending_temp_file({});
    throw output_error(
        fmt::format("{}: cannot be written ({}); {}", shown(given, path), std::strerror(err), unchanged(path)));
  }
  set_pending_temp_file({});
}

void check_writable(const std::filesystem::path& given, const std::string& option) {
  std::error_code ec;
  if (is_special(given)) {
    // Written in place (write_file_atomically): being allowed to open it is what counts.
    if (::access(given.c_str(), W_OK) != 0) {
      throw output_error(
          fmt::format("{} {}: not writable ({}); choose another path", option, given.string(), std::strerror(errno)));
    }
    return;
  }
  const auto path = replaced_file(given);
  const auto dir = directory_of(path);
  if (!std::filesystem::is_directory(dir, ec)) {
    throw output_error(fmt::format("{} {}: the directory '{}' does not exist; create it or choose another path", option,
                                   shown(given, path), dir.string()));
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw output_error(fmt::format("{} {}: is a directory; give a file name", option, shown(given, path)));
  }
  if (std::filesystem::exists(path, ec) && ::access(path.c_str(), W_OK) != 0) {
    throw output_error(fmt::format("{} {}: the file is not writable ({}); choose another path", option,
                                   shown(given, path), std::strerror(errno)));
  }
  // Write permission on the directory is what the atomic rename needs; try it for real.
  std::string pattern = (dir / ".graviton-bench-probe-XXXXXX").string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw output_error(fmt::format("{} {}: cannot create files in '{}' ({}); choose a writable directory", option,
                                   shown(given, path), dir.string(), std::strerror(errno)));
  }
  ::close(fd);
  ::unlink(name.data());
}

temp_dir::temp_dir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = (std::filesystem::path(base != nullptr && *base != '\0' ? base : "/tmp") / (prefix + "-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) {
    throw error(fmt::format("cannot create a temporary directory from {} ({}); set TMPDIR to a writable directory",
                            pattern, std::strerror(errno)),
                exit_code::output);
  }
  path_ = name.data();
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw input_error(fmt::format("{}: cannot be read; check that the file exists and is readable", path.string()));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace gbench::util

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

} // namespace

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  std::string pattern = (directory_of(path) / fmt::format(".{}.tmp-XXXXXX", path.filename().string())).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  fd_guard fd(::mkstemp(name.data()));
  if (fd.get() < 0) {
    throw output_error(fmt::format("{}: cannot create a file beside it ({}); choose a writable directory", path.string(),
                                   std::strerror(errno)));
  }
  const std::string tmp(name.data());
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int err = errno;
      ::unlink(tmp.c_str());
      throw output_error(fmt::format("{}: write failed ({})", path.string(), std::strerror(err)));
    }
    written += static_cast<std::size_t>(n);
  }
  // mkstemp creates 0600; a report is an ordinary file.
  ::fchmod(fd.get(), 0644);
  if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw output_error(fmt::format("{}: cannot be written ({})", path.string(), std::strerror(err)));
  }
}

void check_writable(const std::filesystem::path& path, const std::string& option) {
  std::error_code ec;
  const auto dir = directory_of(path);
  if (!std::filesystem::is_directory(dir, ec)) {
    throw output_error(fmt::format("{} {}: the directory '{}' does not exist; create it or choose another path", option,
                                   path.string(), dir.string()));
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw output_error(fmt::format("{} {}: is a directory; give a file name", option, path.string()));
  }
  if (std::filesystem::exists(path, ec) && ::access(path.c_str(), W_OK) != 0) {
    throw output_error(fmt::format("{} {}: the file is not writable ({}); choose another path", option, path.string(),
                                   std::strerror(errno)));
  }
  // Write permission on the directory is what the atomic rename needs; try it for real.
  std::string pattern = (dir / ".graviton-bench-probe-XXXXXX").string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw output_error(fmt::format("{} {}: cannot create files in '{}' ({}); choose a writable directory", option,
                                   path.string(), dir.string(), std::strerror(errno)));
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

#include "gbench/util/stdout_check.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

namespace gbench::util {

std::string stdout_fault() {
  errno = 0;
  std::cout.flush();
  const bool flush_failed = std::fflush(stdout) != 0;
  const int err = errno; // only a failure at this flush still has its errno
  if (!flush_failed && !std::cout.fail() && std::ferror(stdout) == 0) {
    return {};
  }
  std::error_code ec;
  const auto target = std::filesystem::read_symlink("/proc/self/fd/1", ec);
  return fmt::format("standard output{}: write failed{}; what it shows is incomplete",
                     ec ? std::string{} : fmt::format(" ({})", target.string()),
                     err != 0 ? fmt::format(" ({})", std::strerror(err)) : std::string{});
}

} // namespace gbench::util

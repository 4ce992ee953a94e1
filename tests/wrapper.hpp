// Runs of graviton-bench from the tests, under emulation too.
#pragma once

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace gbench_test {

// Under qemu-user (scripts/test-aarch64) an emulated test cannot start an aarch64 binary by itself: the kernel
// has no binfmt_misc handler for it. GBENCH_WORKER_WRAPPER, the command that graviton-bench puts before its
// own workers ("qemu-aarch64-static -cpu ..."), goes before the tests' runs of graviton-bench as well.
inline std::vector<std::string> wrapped(std::vector<std::string> argv) {
  const char* w = std::getenv("GBENCH_WORKER_WRAPPER");
  if (w == nullptr) {
    return argv;
  }
  std::vector<std::string> out;
  std::istringstream in(w);
  for (std::string word; in >> word;) {
    out.push_back(word);
  }
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

} // namespace gbench_test

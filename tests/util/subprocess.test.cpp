// util/subprocess: how commands are started: GBENCH_WORKER_WRAPPER before each.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "gbench/util/subprocess.hpp"

using gbench::util::wrapped_command;

namespace {

// Sets an environment variable for one scope and puts back what was there (the emulated run of the suite
// sets GBENCH_WORKER_WRAPPER itself).
class scoped_env {
public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name); old != nullptr) {
      old_ = old;
    }
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~scoped_env() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

private:
  std::string name_;
  std::optional<std::string> old_;
};

} // namespace

TEST_CASE("GBENCH_WORKER_WRAPPER's words go before a command, and nothing without it", "[util]") {
  const std::vector<std::string> argv{"/opt/bin/graviton-bench", "__worker", "--job", "a b.json"};
  {
    const scoped_env unset("GBENCH_WORKER_WRAPPER", nullptr);
    CHECK(wrapped_command(argv) == argv);
  }
  {
    const scoped_env empty("GBENCH_WORKER_WRAPPER", "");
    CHECK(wrapped_command(argv) == argv);
  }
  const scoped_env qemu("GBENCH_WORKER_WRAPPER", "  qemu-aarch64-static -cpu max,sve256=on\t-L /root ");
  CHECK(wrapped_command(argv) == std::vector<std::string>{"qemu-aarch64-static", "-cpu", "max,sve256=on", "-L", "/root",
                                                          "/opt/bin/graviton-bench", "__worker", "--job", "a b.json"});
}

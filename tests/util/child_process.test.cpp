// util/child_process: a child beside this process, in conversation: lines both ways, a deadline, its end, and
// the stop of one that does not answer.
#include <catch2/catch.hpp>

#include <chrono>

#include "gbench/util/child_process.hpp"
#include "gbench/util/subprocess.hpp"

using namespace std::chrono_literals;

namespace {

// A shell that answers each line on descriptor 3 until its stdin closes; "hang" makes it sleep without answering.
gbench::util::child_process echo_child() {
  return gbench::util::child_process(
      {"/bin/sh", "-c",
       "while read -r l; do if [ \"$l\" = hang ]; then sleep 60; fi; echo \"got $l\" >&3; done; "
       "echo bye >&2; exit 4"},
      gbench::util::current_environment(), [] {
        gbench::util::child_options o;
        o.forward_stderr = false;
        o.conversation = true;
        o.grace = std::chrono::duration<double>(1.0);
        return o;
      }());
}

} // namespace

TEST_CASE("child process: a conversation of lines, then its exit status and stderr", "[util][child_process]") {
  auto child = echo_child();
  CHECK(child.pid() > 0);
  REQUIRE(child.send("one"));
  std::string line;
  REQUIRE(child.receive(line, gbench::util::child_process::clock::now() + 10s) ==
          gbench::util::child_process::received::line);
  CHECK(line == "got one");
  REQUIRE(child.send("two"));
  REQUIRE(child.receive(line, gbench::util::child_process::clock::now() + 10s) ==
          gbench::util::child_process::received::line);
  CHECK(line == "got two");
  const auto status = child.finish(gbench::util::child_process::clock::now() + 10s);
  CHECK(status.exit_code == 4);
  CHECK_FALSE(status.ok());
  CHECK(status.stderr_tail.find("bye") != std::string::npos);
}

TEST_CASE("child process: a deadline passes, and one that does not answer is stopped", "[util][child_process]") {
  auto child = echo_child();
  REQUIRE(child.send("hang"));
  std::string line;
  const auto started = gbench::util::child_process::clock::now();
  CHECK(child.receive(line, started + 300ms) == gbench::util::child_process::received::timed_out);
  CHECK(gbench::util::child_process::clock::now() - started < 5s);
  const auto status = child.stop();
  CHECK(status.signal != 0);
  CHECK_FALSE(status.ok());
}

TEST_CASE("child process: its pipe closes when it exits", "[util][child_process]") {
  gbench::util::child_process child({"/bin/sh", "-c", "exit 0"}, gbench::util::current_environment(),
                                    {.forward_stderr = false, .conversation = true, .quiet_prefixes = {}});
  std::string line;
  CHECK(child.receive(line, gbench::util::child_process::clock::now() + 10s) ==
        gbench::util::child_process::received::closed);
  CHECK(child.finish(gbench::util::child_process::clock::now() + 10s).ok());
}

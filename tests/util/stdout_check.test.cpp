// util/stdout_check: a write to stdout that failed is seen, with where stdout goes; a healthy stdout is silent.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "gbench/util/stdout_check.hpp"

using Catch::Matchers::Contains;

TEST_CASE("stdout check: silent when every write arrived, the message when one failed", "[util][stdout]") {
  std::cout << std::flush;
  CHECK(gbench::util::stdout_fault().empty());
  // stdout on /dev/full for a moment: the write fails at the flush.
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  REQUIRE(saved >= 0);
  const int full = ::open("/dev/full", O_WRONLY);
  REQUIRE(full >= 0);
  ::dup2(full, STDOUT_FILENO);
  std::cout << "lost\n";
  const auto fault = gbench::util::stdout_fault();
  ::dup2(saved, STDOUT_FILENO);
  ::close(full);
  ::close(saved);
  std::clearerr(stdout);
  std::cout.clear();
  CHECK_THAT(fault, Contains("standard output (/dev/full): write failed") && Contains("incomplete"));
  CHECK(gbench::util::stdout_fault().empty());
}

// host/allocator: which malloc a benchmark process runs with, where its library is, and LD_PRELOAD.
#include <catch2/catch.hpp>

#include <fstream>

#include "gbench/host/allocator.hpp"
#include "gbench/util/files.hpp"

using Catch::Matchers::Contains;

TEST_CASE("allocator: read from the memory map, located in library folders", "[host][allocator]") {
  const std::string maps = "55d0-55d1 r--p 00000000 08:01 1 /usr/bin/graviton-bench\n"
                           "7f00-7f01 r-xp 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n"
                           "7f02-7f03 r-xp 00000000 08:01 3 /usr/lib/x86_64-linux-gnu/libc.so.6\n";
  const auto a = gbench::host::allocator_in_maps(maps);
  CHECK(a.name == "jemalloc");
  CHECK(a.library == "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
  CHECK(gbench::host::allocator_in_maps("7f00-7f01 r-xp 0 0 0 /opt/libtcmalloc_minimal.so.4.5.10\n").name == "tcmalloc");
  CHECK(gbench::host::allocator_in_maps("7f02-7f03 r-xp 0 0 0 /usr/lib/libc.so.6\n").name == "glibc");
  // This test process runs with glibc's malloc.
  CHECK(gbench::host::allocator_of_this_process().name == "glibc");

  gbench::util::temp_dir dir;
  const auto* jemalloc = gbench::host::find_allocator("jemalloc");
  REQUIRE(jemalloc != nullptr);
  CHECK_FALSE(gbench::host::locate_allocator(*jemalloc, {dir.path()}).has_value());
  std::ofstream(dir.path() / "libjemalloc.so.2") << "";
  CHECK(gbench::host::locate_allocator(*jemalloc, {dir.path()}) == dir.path() / "libjemalloc.so.2");
  CHECK(gbench::host::preload_value(*jemalloc, "") == "libjemalloc.so.2");
  CHECK(gbench::host::preload_value(*jemalloc, "libfoo.so") == "libjemalloc.so.2:libfoo.so");
  CHECK(gbench::host::preload_value(*gbench::host::find_allocator("glibc"), "libfoo.so") == "libfoo.so");
  if (gbench::host::locate_allocator(*jemalloc)) {
    CHECK_NOTHROW(gbench::host::require_allocator("jemalloc"));
  } else {
    WARN("libjemalloc2 is not installed here: checking the error path only");
    CHECK_THROWS_WITH(gbench::host::require_allocator("jemalloc"), Contains("install the Debian package libjemalloc2"));
  }
}

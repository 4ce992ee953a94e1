// util/files: reports replaced atomically, and destinations that cannot be written named with the fix.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <iterator>

#include "gbench/error.hpp"
#include "gbench/util/files.hpp"

using namespace gbench;

TEST_CASE("reports are replaced atomically", "[report][files]") {
  util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  util::write_file_atomically(path, "first");
  util::write_file_atomically(path, "second");
  CHECK(util::read_text_file(path) == "second");
  // Nothing but the report is left behind.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("unwritable destinations are named with the fix", "[report][files]") {
  util::temp_dir dir;
  CHECK_THROWS_WITH(util::check_writable(dir.path() / "none" / "r.json", "--json"),
                    Catch::Matchers::Contains("does not exist"));
  CHECK_THROWS_WITH(util::check_writable(dir.path(), "--json"), Catch::Matchers::Contains("is a directory"));
  CHECK_NOTHROW(util::check_writable(dir.path() / "r.json", "--json"));
  CHECK_THROWS_AS(util::write_file_atomically(dir.path() / "none" / "r.json", "x"), output_error);
}

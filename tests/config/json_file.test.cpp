// config/json_file: a config file's syntax errors name the file, the line and the column.
#include <catch2/catch.hpp>

#include "gbench/config/preset.hpp"
#include "gbench/util/files.hpp"
#include "input_files.hpp"

using namespace gbench::config;
using Catch::Matchers::Contains;
using gbench_test::error_of;
using gbench_test::write_temp;

TEST_CASE("malformed JSON names the file, line and column", "[config][presets]") {
  gbench::util::temp_dir dir;
  const auto path = write_temp(dir, "p.json", "{\n  \"presets\": [\n    {\"name\": \"a\",}\n  ]\n}\n");
  const auto msg = error_of([&] { (void)load_presets(path); });
  CHECK_THAT(msg, Contains("p.json:3:") && Contains("malformed JSON"));
}

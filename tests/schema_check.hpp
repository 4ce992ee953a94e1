// Every report and comparison the tests produce is checked against the published schema (schemas/), so
// that the schema, docs/schema.md and the code cannot drift apart.
#pragma once

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"

namespace gbench_test {

/// `schema` is "report" or "comparison". Fails the test, with each error, when `document` does not match;
/// fails too when Debian's python3-jsonschema is missing (scripts/setup installs it).
inline void check_schema(const nlohmann::json& document, const std::string& schema) {
  const std::filesystem::path source = std::filesystem::path(GBENCH_CONFIGS).parent_path();
  gbench::util::temp_dir dir;
  const auto file = dir.path() / "document.json";
  gbench::util::write_file_atomically(file, document.dump());
  const auto result = gbench::util::run_process(
      {"/usr/bin/python3", (source / "tests" / "check_schema.py").string(),
       (source / "schemas" / (schema + ".schema.json")).string(), file.string()},
      gbench::util::current_environment(), {.forward_stderr = false, .capture_stdout = true});
  INFO("schemas/" << schema << ".schema.json: " << result.stdout_text << result.stderr_tail);
  CHECK(result.exit_code == 0);
}

} // namespace gbench_test

// Hostile input end to end: hand-edited or malicious reports and config files, absurd command-line values, and
// what the fuzz targets found. Each is refused with a message naming the input and a documented exit code,
// before anything large is allocated.
#include <catch2/catch.hpp>

#include <sched.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "gbench/compare/stored_report.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/peak/peak.hpp"
#include "gbench/util/files.hpp"
#include "input_files.hpp"
#include "run_binary.hpp"

using Catch::Matchers::Contains;
using namespace gbench;
namespace fs = std::filesystem;
using gbench_test::input_error_of;
using gbench_test::run_cli;
using gbench_test::write;

TEST_CASE("compare and export refuse 100,000 nested brackets with exit 11", "[hostile][input][cli]") {
  util::temp_dir dir;
  const auto deep = write(dir.path() / "deep.json", std::string(100000, '['));
  const auto compared = run_cli({"compare", deep, deep});
  CHECK(compared.exit_code == 11);
  CHECK_THAT(compared.stderr_tail, Contains("deep.json:1: arrays and objects nested deeper than 64 levels"));
  const auto exported = run_cli({"export", "--format", "gbench", deep});
  CHECK(exported.exit_code == 11);
  CHECK_THAT(exported.stderr_tail, Contains("nested deeper than 64 levels"));
  // The same nesting inside a presets file or a model file: exit 3.
  const auto presets = run_cli({"presets", "--presets", deep});
  CHECK(presets.exit_code == 3);
  CHECK_THAT(presets.stderr_tail, Contains("nested deeper than 32 levels"));
}

TEST_CASE("a report too large to be one graviton-bench wrote is refused before it is read", "[hostile][input][cli]") {
  util::temp_dir dir;
  const auto huge = dir.path() / "huge.json";
  {
    std::ofstream out(huge);
    out << "[0,";
  }
  // 2 GiB, sparse: the size a billion-element array would take, without the disk.
  fs::resize_file(huge, std::uintmax_t{2} << 30U);
  const auto r = run_cli({"compare", huge.string(), huge.string()});
  CHECK(r.exit_code == 11);
  CHECK_THAT(r.stderr_tail, Contains("2048.0 MiB is over the limit of 1024 MiB") && Contains("refused before reading"));
}

TEST_CASE("a file that never ends is refused, not read forever", "[hostile][input][cli]") {
  const auto presets = run_cli({"presets", "--presets", "/dev/zero"});
  CHECK(presets.exit_code == 3);
  CHECK_THAT(presets.stderr_tail, Contains("/dev/zero:1:1: malformed JSON"));
  const auto compared = run_cli({"compare", "/dev/zero", "/dev/zero"});
  CHECK(compared.exit_code == 11);
  CHECK_THAT(compared.stderr_tail, Contains("/dev/zero:1:1: malformed JSON"));
  // A --peak file is read within a report's limits too (it may be a whole report).
  CHECK_THAT(input_error_of([] { (void)peak::read_file("/dev/zero"); }),
             Contains("--peak /dev/zero:1:1: malformed JSON"));
}

TEST_CASE("threads far beyond the cores, a negative seed and huge batches get a clear answer", "[hostile][input][cli]") {
  const auto threads = run_cli({"--model", "tiny-mlp", "--batch", "1", "--threads", "100000"});
  CHECK(threads.exit_code == 2); // beyond CLI11's range check
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(::sched_getaffinity(0, sizeof set, &set) == 0);
  const int too_many = 4 * CPU_COUNT(&set) + 1; // 1000 on a 2-core machine is the same case
  const auto many = run_cli({"--model", "tiny-mlp", "--batch", "1", "--threads", std::to_string(too_many)});
  CHECK(many.exit_code == 3);
  CHECK_THAT(many.stderr_tail, Contains(fmt::format("--threads {}: this process may use", too_many)) &&
                                   Contains("(4 per core)"));
  const auto seed = run_cli({"--model", "tiny-mlp", "--batch", "1", "--seed", "-1"});
  CHECK(seed.exit_code == 2);
  CHECK_THAT(seed.stderr_tail, Contains("'-1' is not a seed"));
  const auto batch = run_cli({"--model", "tiny-mlp", "--batch", "9223372036854775807"});
  CHECK(batch.exit_code == 3);
  CHECK_THAT(batch.stderr_tail, Contains("batch sizes are whole numbers from 1 to 4294967296"));
}

TEST_CASE("what the fuzz targets found is refused with the file, the field and a documented exit code",
          "[hostile][input][fuzz]") {
  // tests/fuzz/regressions/ holds the inputs themselves; here each is named with the answer it must get.
  util::temp_dir dir;
  const auto path = [&](const char* name, const std::string& text) { return write(dir.path() / name, text); };
  // A number beyond a double's range is the parser's one error that is not a syntax error.
  CHECK_THAT(input_error_of([&] { (void)config::load_presets(path("p.json", R"({"schema_version": 1e999})")); }),
             Contains("p.json:1: malformed JSON: the number 1e999 is beyond the range of a double"));
  try {
    (void)compare::load_stored_report(path("r.json", "{\n \"schema\": 41e308}"));
    FAIL("no report_error");
  } catch (const report_error& e) {
    CHECK_THAT(e.what(), Contains("r.json:2: malformed JSON: the number 41e308"));
  }
  // A description that is not a string, in a model file and in a knob.
  CHECK_THAT(input_error_of([&] {
               (void)config::load_model(path("m.json", R"({"name": "m", "input_shape": [1], "outputs": 1, "description": 5})"),
                                        dir.path());
             }),
             Contains("'description' must be a string"));
  CHECK_THAT(input_error_of([&] {
               (void)config::load_presets(path("k.json", R"({"knobs": {"K": {"description": 5}}, "presets": []})"));
             }),
             Contains("'description' of knob 'K' must be a string"));
  // A sample whose element count overflows, from a sidecar and from --input; a range beyond its type.
  config::model_spec spec;
  CHECK_THAT(input_error_of([&] {
               config::read_sidecar(path("s.json", R"({"inputs": [{"shape": [16777216, 16777216, 16777216, 16777216]}]})"),
                                    spec);
             }),
             Contains("more than 2147483648 elements in one sample"));
  CHECK_THAT(input_error_of([&] { (void)config::parse_input("1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1x1", 0); }),
             Contains("17 dimensions; at most 16"));
  CHECK_THAT(input_error_of([&] { (void)config::parse_input("4:int32:0..4294967296", 0); }),
             Contains("does not fit int32 values"));
  CHECK_THAT(input_error_of([&] { (void)config::parse_input("4:int64:0..9223372036854775807", 0); }),
             Contains("does not fit int64 values"));
  // --alpha that is not a number: a command-line error, not an abort.
  const auto alpha = run_cli({"compare", "a.json", "b.json", "--alpha", "x"});
  CHECK(alpha.exit_code == 2);
  CHECK_THAT(alpha.stderr_tail, Contains("'x' is not a level in (0, 1)"));
  // A --peak file whose schema is not a string.
  CHECK_THAT(input_error_of([&] { (void)peak::read_file(path("peak.json", R"({"schema": 5, "context": {}})")); }),
             Contains("--peak"));
}

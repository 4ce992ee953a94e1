// End-to-end tests of the graviton-bench binary when its output cannot be written: stdout on a full device,
// --json on a device, and a preset named twice (two rows of one key).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "run_binary.hpp"

using Catch::Matchers::Contains;
using gbench::util::child_status;
using gbench_test::run_cli;

namespace {

std::vector<std::string> tiny(std::vector<std::string> more) {
  std::vector<std::string> args{"--model", "tiny-mlp", "--batch",   "2", "--warmup",    "1",
                                "--iters", "2",        "--threads", "1", "--no-profile"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// graviton-bench with its stdout sent to `target` by a shell (run_cli would give it a pipe).
child_status run_cli_to(const std::string& target, std::vector<std::string> args) {
  args.insert(args.begin(), GBENCH_BINARY);
  auto argv = gbench::util::wrapped_command(std::move(args));
  argv.insert(argv.begin(), {"/bin/sh", "-c", "exec \"$@\" >\"$0\"", target});
  return gbench_test::run_program(argv);
}

bool is_char_device(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

} // namespace

TEST_CASE("results that cannot reach stdout exit 5 and name it", "[cli][e2e]") {
  REQUIRE(is_char_device("/dev/full"));
  for (const std::string format : {"table", "csv", "json"}) {
    INFO("--format " << format << " >/dev/full");
    const auto r = run_cli_to("/dev/full", tiny({"--format", format}));
    CHECK(r.exit_code == 5);
    // The cause is known when the last flush fails; a command that flushed by itself leaves only the flag.
    CHECK_THAT(r.stderr_tail, Contains("error: standard output (/dev/full): write failed"));
  }
  // Commands that print without running a benchmark go through the same check.
  for (const std::vector<std::string>& args : {std::vector<std::string>{"presets"}, {"--help"}}) {
    INFO(args.front() << " >/dev/full");
    const auto r = run_cli_to("/dev/full", args);
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.stderr_tail, Contains("error: standard output (/dev/full): write failed"));
  }
}

TEST_CASE("a report on a device is written in place and a failed write there exits 5", "[cli][e2e]") {
  gbench::util::temp_dir dir;
  // Links, so that the old way (a temporary file renamed over the path) would replace a link in this folder,
  // never a device node of /dev.
  const auto full = dir.path() / "full.json";
  const auto null = dir.path() / "null.json";
  std::filesystem::create_symlink("/dev/full", full);
  std::filesystem::create_symlink("/dev/null", null);

  const auto failed = run_cli(tiny({"--json", full.string()}));
  CHECK(failed.exit_code == 5);
  CHECK_THAT(failed.stderr_tail,
             Contains(fmt::format("error: {} (/dev/full): write failed after 0 of ", full.string())) &&
                 Contains("(No space left on device)"));
  CHECK_THAT(failed.stderr_tail, !Contains("report written to"));
  CHECK(std::filesystem::is_symlink(full));

  // Written to, not replaced: stdout on a device as well, which must not count as a failure.
  const auto ok = run_cli_to("/dev/null", tiny({"--json", null.string()}));
  CHECK(ok.exit_code == 0);
  CHECK(std::filesystem::is_symlink(null));
  CHECK(is_char_device(null));
}

TEST_CASE("a report through a link replaces the file it names and keeps the link", "[cli][e2e]") {
  gbench::util::temp_dir dir;
  const auto real = dir.path() / "real.json";
  const auto link = dir.path() / "link.json";
  gbench::util::write_file_atomically(real, "old");
  std::filesystem::create_symlink(real, link);
  const auto r = run_cli(tiny({"--json", link.string()}));
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::is_symlink(link));
  const auto report = nlohmann::json::parse(gbench::util::read_text_file(real));
  CHECK(report.at("runs").size() == 1);
}

TEST_CASE("a preset named twice is refused with exit 3", "[cli]") {
  for (const std::string presets : {"default,default", "all,bf16"}) {
    INFO("--preset " << presets);
    const auto r = run_cli(tiny({"--preset", presets}));
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.stderr_tail, Contains("error: --preset: '") && Contains("' is given twice"));
    CHECK(r.stdout_text.empty());
  }
}

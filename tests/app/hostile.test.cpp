// Hostile conditions: hung workers, interrupts, output faults. Each test starts graviton-bench as a user or a CI
// runner would and looks at what is left behind: exit code, report, stream, processes (/proc), temporary folders.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using namespace gbench;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string unique_token() {
  std::random_device rd;
  return fmt::format("{:x}{:x}", rd(), rd());
}

// Processes whose environment holds GBENCH_TEST_MARK=token: everything a test's run started, however deep.
std::vector<int> marked_processes(const std::string& token) {
  const std::string needle = "GBENCH_TEST_MARK=" + token;
  std::vector<int> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream in(entry.path() / "environ", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string env = text.str();
    std::size_t at = 0;
    for (std::size_t end; (end = env.find('\0', at)) != std::string::npos; at = end + 1) {
      if (env.compare(at, end - at, needle) == 0) {
        pids.push_back(std::stoi(name));
        break;
      }
    }
  }
  return pids;
}

// The killed processes' parent may still be reaping them: give the kernel a moment.
bool no_marked_processes_within(const std::string& token, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!marked_processes(token).empty()) {
    if (std::chrono::steady_clock::now() > until) {
      return false;
    }
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

struct hang_setup {
  util::temp_dir dir;
  std::string token = unique_token();
  fs::path presets = dir.path() / "hang.json";
  fs::path ready = dir.path() / "hanging";
  fs::path tmp = dir.path() / "tmp";
  std::vector<std::string> env;

  hang_setup() {
    std::ofstream(presets) << R"({
      "knobs": {"GBENCH_TEST_HANG": {"description": "test only: the worker wrapper hangs", "values": ["1"]}},
      "presets": [{"name": "hang", "description": "never finishes", "env": {"GBENCH_TEST_HANG": "1"}}]
    })";
    fs::create_directories(tmp);
    env = util::current_environment();
    const char* inner = std::getenv("GBENCH_WORKER_WRAPPER");
    std::erase_if(env, [](const std::string& e) {
      return e.starts_with("GBENCH_WORKER_WRAPPER=") || e.starts_with("TMPDIR=");
    });
    env.push_back(fmt::format("GBENCH_WORKER_WRAPPER=/bin/sh {}/hang-worker.sh {}", GBENCH_TEST_DATA,
                              inner != nullptr ? inner : ""));
    env.push_back("GBENCH_TEST_MARK=" + token);
    env.push_back("GBENCH_TEST_HANG_READY=" + ready.string());
    env.push_back("TMPDIR=" + tmp.string());
  }
  [[nodiscard]] bool temp_folders_left() const { return !fs::is_empty(tmp); }
};

std::vector<std::string> tiny(std::vector<std::string> more) {
  std::vector<std::string> args{GBENCH_BINARY, "--model", "tiny-mlp", "--warmup", "1", "--iters", "4",
                                "--threads", "1", "--no-profile", "--batch", "2"};
  args.insert(args.end(), more.begin(), more.end());
  return gbench::util::wrapped_command(args);
}

// graviton-bench in the background, its stdout and stderr into files, so that the test can signal it.
class background_run {
public:
  background_run(const std::vector<std::string>& argv, const std::vector<std::string>& env, const fs::path& out,
                 const fs::path& err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    std::vector<char*> envp;
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str())); // NOLINT: posix_spawn takes char* const*
    }
    for (const auto& e : env) {
      envp.push_back(const_cast<char*>(e.c_str())); // NOLINT
    }
    args.push_back(nullptr);
    envp.push_back(nullptr);
    REQUIRE(::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), envp.data()) == 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~background_run() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  background_run(const background_run&) = delete;
  background_run& operator=(const background_run&) = delete;
  void signal(int sig) const { ::kill(pid_, sig); }
  // The exit code, or 128 + the signal that killed it; -1 if it is still running after `limit`.
  int wait(std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }

private:
  pid_t pid_ = -1;
};

bool wait_for_file(const fs::path& path, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!fs::exists(path)) {
    if (std::chrono::steady_clock::now() > until) {
      return false;
    }
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

} // namespace

TEST_CASE("a hung worker is stopped at its timeout with everything it started, the others still run",
          "[hostile][timeout][e2e]") {
  hang_setup s;
  const auto report = s.dir.path() / "r.json";
  // The limit leaves a tiny worker time to start on a loaded machine; the hung one never finishes.
  const auto r = util::run_process(tiny({"--schedule", "rounds", "--preset", "hang,default", "--presets", s.presets.string(), "--timeout",
                                         "30", "--json", report.string()}),
                                   s.env, {.forward_stderr = false, .capture_stdout = true, .timeout = 300s});
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.stderr_tail, Contains("preset 'hang' did not complete") && Contains("timed out after 30 s"));
  const auto j = nlohmann::json::parse(util::read_text_file(report));
  REQUIRE(j["runs"].size() == 2);
  CHECK(j["runs"][0]["status"] == "failed");
  CHECK_THAT(j["runs"][0]["error"].get<std::string>(), Contains("timed out after 30 s"));
  CHECK(j["runs"][1]["status"] == "ok"); // the preset after the hung one still ran
  CHECK(j["settings"]["timeout_s"] == 30.0);
  // The wrapper ignores SIGTERM and leaves a helper behind: both must be gone (SIGKILL to the process group).
  CHECK(no_marked_processes_within(s.token, 5s));
  CHECK_FALSE(s.temp_folders_left());
}

TEST_CASE("the default timeout follows the planned work and is stated in --help", "[hostile][timeout][cli]") {
  const auto help = util::run_process(gbench::util::wrapped_command({GBENCH_BINARY, "--help"}), util::current_environment(),
                                      {.forward_stderr = false, .capture_stdout = true});
  CHECK_THAT(help.stdout_text, Contains("--timeout") && Contains("120 + the planned forwards at 1 GFLOP/s"));
}

namespace {

void check_interrupted(int sig) {
  hang_setup s;
  const auto report = s.dir.path() / "r.json";
  const auto out = s.dir.path() / "out.jsonl";
  const auto err = s.dir.path() / "err.txt";
  background_run run(tiny({"--schedule", "rounds", "--preset", "default,hang,bf16", "--presets", s.presets.string(), "--format", "jsonl",
                           "--json", report.string()}),
                     s.env, out, err);
  // The hung worker is running once the first preset has finished.
  REQUIRE(wait_for_file(s.ready, 240s));
  run.signal(sig);
  const int rc = run.wait(60s);
  INFO(util::read_text_file(err));
  CHECK(rc == 128 + sig);
  CHECK(no_marked_processes_within(s.token, 5s));
  CHECK_FALSE(s.temp_folders_left());
  const auto j = nlohmann::json::parse(util::read_text_file(report));
  CHECK(j["status"] == "interrupted");
  REQUIRE(j["runs"].size() == 2); // default finished; hang was stopped; bf16 never started
  CHECK(j["runs"][0]["status"] == "ok");
  CHECK(j["runs"][0]["results"][0]["samples_ns"].size() == 4);
  CHECK(j["runs"][1]["status"] == "failed");
  CHECK_THAT(j["runs"][1]["error"].get<std::string>(), Contains("interrupted"));
  // The stream: whole lines only, default's results and the hung preset's failure, then the comparison.
  std::istringstream lines(util::read_text_file(out));
  std::vector<std::string> types;
  for (std::string line; std::getline(lines, line);) {
    types.push_back(nlohmann::json::parse(line)["type"].get<std::string>());
  }
  CHECK(std::count(types.begin(), types.end(), "result") == 2); // default's batch, hang's unmeasured one
  CHECK(std::count(types.begin(), types.end(), "failure") == 1);
  CHECK(std::count(types.begin(), types.end(), "comparison") == 2);
  CHECK(types.back() == "status");
}

} // namespace

TEST_CASE("SIGTERM stops every worker, removes temporary folders and writes what finished",
          "[hostile][signal][e2e][sanitizers]") {
  check_interrupted(SIGTERM);
}

TEST_CASE("SIGINT does the same and exits 130", "[hostile][signal][e2e]") { check_interrupted(SIGINT); }

TEST_CASE("lockstep: SIGTERM stops every worker and writes the batches that finished, exit 143",
          "[hostile][signal][e2e][lockstep]") {
  hang_setup s;
  const auto presets = s.dir.path() / "hang-after.json";
  // The last worker writes its first batch after the others wrote theirs (the batch ends worker by worker), then
  // stops answering: the run is waiting on it when the signal comes.
  std::ofstream(presets) << R"({
    "knobs": {"GBENCH_TEST_HANG_AFTER_BATCHES": {"description": "test only: hang after N batches", "integer": true}},
    "presets": [{"name": "stuck", "description": "hangs after its first batch",
                 "env": {"GBENCH_TEST_HANG_AFTER_BATCHES": "1"}}]
  })";
  const auto report = s.dir.path() / "r.json";
  const auto err = s.dir.path() / "err.txt";
  background_run run(gbench::util::wrapped_command({GBENCH_BINARY, "--model", "tiny-mlp", "--warmup", "1", "--threads", "1",
                                                    "--no-profile", "--batch", "4,2", "--schedule", "lockstep",
                                                    "--turn-ms", "5", "--cycles", "3", "--preset", "default,bf16,stuck",
                                                    "--presets", presets.string(), "--json", report.string()}),
                     s.env, s.dir.path() / "out.txt", err);
  REQUIRE(wait_for_file(s.ready, 240s));
  run.signal(SIGTERM);
  const int rc = run.wait(60s);
  INFO(util::read_text_file(err));
  CHECK(rc == 143);
  CHECK(no_marked_processes_within(s.token, 5s));
  CHECK_FALSE(s.temp_folders_left());
  const auto j = nlohmann::json::parse(util::read_text_file(report));
  gbench_test::check_schema(j, "report");
  CHECK(j["status"] == "interrupted");
  REQUIRE(j["runs"].size() == 3); // every worker of the set, with what it finished
  for (const auto& r : j["runs"]) {
    CHECK(r["design"] == "lockstep");
    REQUIRE_FALSE(r["results"].empty());
    CHECK(r["results"][0]["batch"] == 4);
    CHECK(r["results"][0]["status"] == "ok"); // batch 4 finished everywhere before the stuck worker stopped
    CHECK(r["results"][0]["settings"]["turns"]["cycles"] == 3);
  }
}

TEST_CASE("tune: SIGINT stops the search, writes it as interrupted, writes no presets and exits 130",
          "[hostile][signal][e2e][tune-e2e]") {
  hang_setup s;
  const auto space = s.dir.path() / "space.json";
  // Its screening process is the first the search starts (candidates in name order) and never finishes.
  std::ofstream(space) << R"({"knobs": {"GBENCH_TEST_HANG": {"description": "test only: the worker wrapper hangs",
                                                            "values": ["1"], "candidates": ["1"]}},
                              "presets": []})";
  const auto report = s.dir.path() / "tune.json";
  const auto presets = s.dir.path() / "tuned.json";
  background_run run(gbench::util::wrapped_command({GBENCH_BINARY, "tune", "--model", "tiny-mlp", "--batch", "2",
                                                    "--warmup", "1", "--iters", "4", "--presets", space.string(),
                                                    "--knobs", "GBENCH_TEST_HANG", "--json", report.string(),
                                                    "--write-presets", presets.string(), "-q"}),
                     s.env, s.dir.path() / "out.txt", s.dir.path() / "err.txt");
  REQUIRE(wait_for_file(s.ready, 240s));
  run.signal(SIGINT);
  const int rc = run.wait(60s);
  INFO(util::read_text_file(s.dir.path() / "err.txt"));
  CHECK(rc == 130);
  CHECK(no_marked_processes_within(s.token, 5s));
  CHECK_FALSE(s.temp_folders_left());
  CHECK_FALSE(fs::exists(presets));
  CHECK_THAT(util::read_text_file(s.dir.path() / "err.txt"), Contains("interrupted") && Contains("no presets written"));
  const auto j = nlohmann::json::parse(util::read_text_file(report));
  gbench_test::check_schema(j, "tune");
  CHECK(j["search"]["interrupted"] == true);
  // The stopped candidate was not screened, so not held to have failed; nothing was recommended.
  REQUIRE(j["search"]["outcomes"].size() == 1);
  CHECK(j["search"]["outcomes"][0]["eliminated"].empty());
  CHECK(j["search"]["outcomes"][0]["winner"] == "default");
}

TEST_CASE("a second SIGINT exits at once and leaves the report path whole", "[hostile][signal][e2e]") {
  hang_setup s;
  const auto report = s.dir.path() / "r.json";
  const std::string old = R"({"old": "report"})";
  std::ofstream(report) << old;
  background_run run(tiny({"--schedule", "rounds", "--preset", "default,hang", "--presets", s.presets.string(), "--json",
                           report.string()}),
                     s.env, s.dir.path() / "out.txt", s.dir.path() / "err.txt");
  REQUIRE(wait_for_file(s.ready, 240s));
  run.signal(SIGINT);
  run.signal(SIGINT);
  CHECK(run.wait(10s) == 130);
  CHECK(no_marked_processes_within(s.token, 5s));
  // The old report, or the whole new one; never a mix, and no temporary file beside it.
  const std::string now = util::read_text_file(report);
  if (now != old) {
    CHECK(nlohmann::json::parse(now)["status"] == "interrupted");
  }
  for (const auto& entry : fs::directory_iterator(s.dir.path())) {
    CHECK_FALSE(entry.path().filename().string().starts_with(".r.json.tmp"));
  }
}

TEST_CASE("a file-size limit while writing the report: exit 5, the older report intact", "[hostile][output][e2e]") {
  util::temp_dir dir;
  const auto report = dir.path() / "r.json";
  const std::string old(200000, ' ');
  std::ofstream(report) << old;
  // Bash's ulimit -f counts KiB. The workers' results (a few samples) fit; the report (context, comparison) does not.
  auto argv = tiny({"--json", report.string()});
  std::string command = "ulimit -f 4 && exec";
  for (const auto& a : argv) {
    command += " '" + a + "'";
  }
  const auto r = util::run_process({"/bin/bash", "-c", command}, util::current_environment(),
                                   {.forward_stderr = false, .capture_stdout = true});
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.stderr_tail, Contains(report.string()) && Contains("File too large") && Contains("unchanged"));
  CHECK(util::read_text_file(report) == old);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) {
    ++files;
  }
  CHECK(files == 1); // no temporary file left beside it
}

TEST_CASE("a full disk while writing: exit 5 and the old file intact", "[hostile][output]") {
  util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  std::ofstream(path) << "old";
  // In a child: the limit and the ignored SIGXFSZ stay out of the test process.
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::signal(SIGXFSZ, SIG_IGN);
    try {
      util::write_file_atomically(path, std::string(1 << 20, 'x'));
    } catch (const output_error&) {
      ::_exit(5);
    }
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 5);
  CHECK(util::read_text_file(path) == "old");
}

TEST_CASE("two writers of one path leave one whole file, never a mix", "[hostile][output]") {
  util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  const std::string a(1 << 20, 'a');
  const std::string b(1 << 20, 'b');
  util::write_file_atomically(path, a);
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop) {
      const std::string now = util::read_text_file(path);
      if (!now.empty() && now != a && now != b) {
        ++torn;
      }
    }
  });
  std::thread wa([&] {
    for (int i = 0; i < 30; ++i) {
      util::write_file_atomically(path, a);
    }
  });
  std::thread wb([&] {
    for (int i = 0; i < 30; ++i) {
      util::write_file_atomically(path, b);
    }
  });
  wa.join();
  wb.join();
  stop = true;
  reader.join();
  CHECK(torn == 0);
  const std::string last = util::read_text_file(path);
  CHECK((last == a || last == b));
}

TEST_CASE("scripts/ci-regression passes SIGTERM on once and exits 143 with the interrupted report",
          "[hostile][signal][e2e]") {
  hang_setup s;
  const auto out_dir = s.dir.path() / "ci";
  const std::string script = (fs::path(GBENCH_CONFIGS).parent_path() / "scripts" / "ci-regression").string();
  background_run run({script, "--baseline-bin", GBENCH_BINARY, "--candidate-bin", GBENCH_BINARY, "--rounds", "2",
                      "--schedule", "rounds",
                      "--out", out_dir.string(), "--", "--model", "tiny-mlp", "--batch", "2", "--warmup", "1",
                      "--iters", "4", "--threads", "1", "--no-profile", "--schedule", "rounds", "--preset", "default,hang", "--presets",
                      s.presets.string()},
                     s.env, s.dir.path() / "out.txt", s.dir.path() / "err.txt");
  REQUIRE(wait_for_file(s.ready, 240s));
  run.signal(SIGTERM);
  const int rc = run.wait(60s);
  INFO(util::read_text_file(s.dir.path() / "err.txt"));
  CHECK(rc == 143);
  CHECK(no_marked_processes_within(s.token, 5s));
  CHECK_FALSE(s.temp_folders_left());
  const auto j = nlohmann::json::parse(util::read_text_file(out_dir / "baseline-1.json"));
  CHECK(j["status"] == "interrupted");
  CHECK(j["runs"][0]["status"] == "ok");
  CHECK_FALSE(fs::exists(out_dir / "candidate-1.json"));
}

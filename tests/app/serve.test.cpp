// serve end to end: worker processes split over the CPUs, fed by the load generator, as a user runs them.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gbench/util/files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using gbench_test::run_cli;
using json = nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The first two CPUs this process may use, as --cpus; empty when it may use one only.
std::string two_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) {
    return {};
  }
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE && cpus.size() < 2; ++c) {
    if (CPU_ISSET(c, &set)) {
      cpus.push_back(c);
    }
  }
  return cpus.size() == 2 ? fmt::format("{},{}", cpus[0], cpus[1]) : std::string();
}

// Short loads on tiny-mlp: a window of 0.3 s after 0.1 s of the same load.
std::vector<std::string> quick(std::vector<std::string> more) {
  std::vector<std::string> args{
      "serve", "--model",       "tiny-mlp", "--batch",        "1", "--warmup",       "2", "--duration",
      "0.3",   "--load-warmup", "0.1",      "--min-requests", "0", "--search-steps", "2", "-q"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

json report_at(const fs::path& path) {
  return json::parse(gbench::util::read_text_file(path));
}

} // namespace

TEST_CASE("serve: every split of the CPUs, each worker pinned to CPUs of its own, a split recommended",
          "[serve][e2e][serve-e2e][sanitizers]") {
  const auto cpus = two_cpus();
  if (cpus.empty()) {
    WARN("NOT TESTED: serve's splits need two CPUs");
    return;
  }
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "serve.json";
  const auto r = run_cli(
      quick({"--cpus", cpus, "--split", "auto", "--p99", "1000", "--price-per-hour", "0.1", "--json", path.string()}));
  INFO(r.stderr_tail << r.stdout_text);
  REQUIRE(r.exit_code == 0);
  const auto j = report_at(path);
  gbench_test::check_schema(j, "serve");
  CHECK(j["settings"]["splits"] == json::array({"1x2", "2x1"}));
  REQUIRE(j["splits"].size() == 2);
  for (const auto& s : j["splits"]) {
    CHECK(s["status"] == "ok");
    const int threads = s["threads"];
    CHECK(s["env"]["OMP_NUM_THREADS"] == std::to_string(threads));
    CHECK(s["env"]["OMP_PROC_BIND"] == "false");
    std::set<int> seen;
    for (const auto& w : s["workers"]) {
      CHECK(w["status"] == "ok");
      CHECK(w["cpus"].size() == static_cast<std::size_t>(threads));
      CHECK(w["cpus_seen"] == w["cpus"]); // the worker's own view of where it may run
      for (const int c : w["cpus"]) {
        CHECK(seen.insert(c).second); // disjoint
      }
    }
    CHECK(seen.size() == 2);
    REQUIRE(s["points"].size() == 3); // the closed-loop peak, then two steps of the search
    CHECK(s["points"][0]["load"] == "closed");
    CHECK(s["points"][0]["concurrency"] == s["processes"]);
    CHECK(s["points"][1]["load"] == "open");
    CHECK(s["points"][1]["rate"].get<double>() == Approx(s["points"][0]["throughput"]["value"].get<double>() / 2));
    CHECK(s["points"][0]["completed"] > 0);
    for (const auto& p : s["points"]) {
      CHECK(p["samples"]["latency_us"].size() == p["arrived"].get<std::size_t>());
      if (p["completed"] == 0) {
        CHECK_THAT(p["stopped"].get<std::string>(), Contains("p99 above the 1000 ms target")); // a busy machine
        continue;
      }
      double shares = 0;
      for (const auto& w : p["workers"]) {
        shares += w["share"].get<double>();
      }
      CHECK(shares == Approx(1));
    }
  }
  REQUIRE(j["recommendation"].is_object()); // tiny-mlp serves far within a second
  CHECK(j["recommendation"]["p99_ms"]["value"].get<double>() <= 1000);
  CHECK(j["recommendation"]["cost_per_million"].get<double>() > 0);
  CHECK_THAT(j["recommendation"]["line"].get<std::string>(), Contains("OMP_NUM_THREADS=") && Contains("taskset -c"));
  CHECK_THAT(r.stdout_text, Contains("split 1x2: 1 process of 2 threads") &&
                                Contains("split 2x1: 2 processes of 1 thread") && Contains("recommended: ") &&
                                Contains("YOUR_SERVER") && Contains("load average"));
}

TEST_CASE("serve: a latency includes the queue behind a stalled worker", "[serve][e2e][serve-e2e]") {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "serve.json";
  // Worker 0 stalls 300 ms in its 40th request, about 0.2 s into the window; requests keep arriving at 100/s.
  const auto r = run_cli(
      quick({"--split", "1x1", "--rate", "100", "--duration", "1", "--load-warmup", "0.2", "--json", path.string()}),
      {"GBENCH_TEST_SERVE_STALL=0:40:300"});
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  const auto j = report_at(path);
  const auto& s = j["splits"][0]["points"][0]["samples"];
  int queued = 0;
  std::int64_t worst = 0;
  for (std::size_t i = 0; i < s["latency_us"].size(); ++i) {
    const std::int64_t latency = s["latency_us"][i];
    const std::int64_t service = s["service_us"][i];
    worst = std::max(worst, latency);
    queued += latency > 100000 && service >= 0 && service < 50000 ? 1 : 0; // served fast, yet late: it queued
  }
  CHECK(queued >= 10);
  CHECK(worst >= 290000);
}

TEST_CASE("serve: the open loop's arrivals are seeded: the same seed gives the same schedule",
          "[serve][e2e][serve-e2e]") {
  gbench::util::temp_dir dir;
  std::vector<json> arrivals;
  for (const auto* seed : {"3", "3", "4"}) {
    const auto path = dir.path() / fmt::format("serve-{}.json", arrivals.size());
    const auto r = run_cli(quick({"--split", "1x1", "--rate", "200", "--seed", seed, "--json", path.string()}));
    REQUIRE(r.exit_code == 0);
    arrivals.push_back(report_at(path)["splits"][0]["points"][0]["samples"]["arrival_us"]);
  }
  CHECK(arrivals[0].size() > 20);
  CHECK(arrivals[0] == arrivals[1]);
  CHECK(arrivals[0] != arrivals[2]);
}

TEST_CASE("serve: a worker that dies fails its split, the other splits still run and answer, exit 6",
          "[serve][e2e][serve-e2e][sanitizers]") {
  const auto cpus = two_cpus();
  if (cpus.empty()) {
    WARN("NOT TESTED: serve's splits need two CPUs");
    return;
  }
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "serve.json";
  // Worker 1 (only 2x1 has one) dies in its 20th request.
  const auto r = run_cli(quick({"--cpus", cpus, "--split", "1x2,2x1", "--concurrency", "2", "--json", path.string()}),
                         {"GBENCH_TEST_SERVE_ABORT=1:20"});
  INFO(r.stderr_tail);
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.stderr_tail, Contains("split 2x1 did not complete") && Contains("worker 1 failed"));
  const auto j = report_at(path);
  gbench_test::check_schema(j, "serve");
  CHECK(j["splits"][0]["status"] == "ok");
  const auto& dead = j["splits"][1];
  CHECK(dead["status"] == "failed");
  CHECK(dead["workers"][0]["status"] == "ok");
  CHECK(dead["workers"][1]["status"] == "failed");
  CHECK_THAT(dead["workers"][1]["error"].get<std::string>(), Contains("signal 6") && Contains("while serving"));
  REQUIRE(dead["points"].size() == 1);
  CHECK(dead["points"][0]["workers"][0]["completed"] > 0); // the survivor went on serving
  CHECK(j["recommendation"]["processes"] == 1);            // a failed split is never the answer
}

TEST_CASE("serve: P copies of the model must fit, the split that would not is refused with the figures",
          "[serve][e2e][serve-e2e]") {
  const auto cpus = two_cpus();
  if (cpus.empty()) {
    WARN("NOT TESTED: serve's splits need two CPUs");
    return;
  }
  std::ifstream meminfo("/proc/meminfo");
  std::int64_t available_kib = 0;
  for (std::string key; meminfo >> key;) {
    if (key == "MemAvailable:") {
      meminfo >> available_kib;
      break;
    }
  }
  REQUIRE(available_kib > 0);
  // One copy takes 0.6 of the memory available now: two cannot fit. Nothing is allocated: the plan refuses.
  const auto hidden = static_cast<std::int64_t>(0.6 * static_cast<double>(available_kib) * 1024 / (4.0 * (1024 + 10)));
  gbench::util::temp_dir dir;
  const auto model = dir.path() / "huge.json";
  std::ofstream(model) << fmt::format(R"({{"name": "huge", "input_shape": [1024], "hidden": [{}], "outputs": 10}})",
                                      hidden);
  const auto r = run_cli({"serve", "--model", model.string(), "--cpus", cpus, "--split", "2x1", "--concurrency", "1"});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.stderr_tail, Contains("--split 2x1: 2 copies of model 'huge' at batch 1 need about") &&
                                Contains("give at most 1 processes"));
}

TEST_CASE("serve: input it cannot use is refused with the option and the fix", "[serve][cli]") {
  const auto refused = [](std::vector<std::string> args, int code, const std::string& words) {
    const auto r = run_cli(quick(std::move(args)));
    INFO(r.stderr_tail);
    CHECK(r.exit_code == code);
    CHECK_THAT(r.stderr_tail, Contains(words));
  };
  refused({"--split", "64x64"}, 3, "--split 64x64: 64 processes of 64 threads need 4096 CPUs of their own");
  refused({"--split", "2by1"}, 3, "'2by1' is not PROCESSESxTHREADS");
  refused({"--concurrency", "2", "--rate", "5"}, 3, "--concurrency and --rate: give one");
  refused({"--batch", "1,2"}, 3, "--batch 1,2: serve takes one");
  refused({"--format", "xml"}, 3, "serve writes table or json");
  refused({"--duration", "5", "--max-duration", "1"}, 3, "--max-duration 1 is below --duration 5");
  refused({"--p99", "0"}, 2, "--p99");
  gbench::util::temp_dir dir;
  const auto prices = dir.path() / "prices.json";
  std::ofstream(prices) << R"({"c7g.xlarge": 0.145})";
  refused({"--prices", prices.string(), "--instance-type", "m7g.large"}, 3, "no price for instance type 'm7g.large'");
}

namespace {

// graviton-bench in the background, its stdout and stderr into files, so that the test can signal it.
class background {
public:
  background(const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
    auto argv = gbench::util::wrapped_command([&] {
      std::vector<std::string> a{GBENCH_BINARY};
      a.insert(a.end(), args.begin(), args.end());
      return a;
    }());
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> c;
    for (auto& a : argv) {
      c.push_back(a.data());
    }
    c.push_back(nullptr);
    const auto env = gbench::util::current_environment();
    std::vector<char*> e;
    for (const auto& v : env) {
      e.push_back(const_cast<char*>(v.c_str())); // NOLINT: posix_spawn takes char* const*
    }
    e.push_back(nullptr);
    REQUIRE(::posix_spawnp(&pid_, c[0], &actions, nullptr, c.data(), e.data()) == 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~background() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  background(const background&) = delete;
  background& operator=(const background&) = delete;
  void signal(int sig) const { ::kill(pid_, sig); }
  int wait(std::chrono::seconds limit) {
    for (const auto until = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < until;) {
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

} // namespace

TEST_CASE("serve: SIGINT or SIGTERM stops every worker and writes the splits that finished, exit 130 or 143",
          "[serve][e2e][serve-e2e][signal][sanitizers]") {
  const auto [sig, code] = GENERATE(std::pair{SIGINT, 130}, std::pair{SIGTERM, 143});
  const auto cpus = two_cpus();
  if (cpus.empty()) {
    WARN("NOT TESTED: serve's splits need two CPUs");
    return;
  }
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "serve.json";
  const auto out = dir.path() / "out.txt";
  // The signal comes once the first split has printed its table, while the second starts or serves.
  background run(quick({"--cpus", cpus, "--split", "1x2,2x1", "--concurrency", "2", "--duration", "0.3",
                        "--max-duration", "0.3", "--json", path.string()}),
                 out, dir.path() / "err.txt");
  const auto until = std::chrono::steady_clock::now() + 240s;
  while (gbench::util::read_text_file(out).find("split 1x2:") == std::string::npos &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(20ms);
  }
  run.signal(sig);
  const int rc = run.wait(60s);
  INFO(gbench::util::read_text_file(dir.path() / "err.txt"));
  CHECK(rc == code);
  const auto j = report_at(path);
  gbench_test::check_schema(j, "serve");
  CHECK(j["status"] == "interrupted");
  REQUIRE_FALSE(j["splits"].empty());
  CHECK(j["splits"][0]["status"] == "ok");
  CHECK(j["splits"][0]["points"].size() == 1);
  CHECK(j["splits"].size() <= 2);
  if (j["splits"].size() == 2) {
    CHECK(j["splits"][1]["status"] == "interrupted");
  }
  CHECK_THAT(gbench::util::read_text_file(out), Contains("interrupted: the splits and loads above are what finished"));
}

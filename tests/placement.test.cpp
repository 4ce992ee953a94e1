#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gbench/error.hpp"
#include "gbench/host/placement.hpp"

using namespace gbench::host;

TEST_CASE("per-CPU times and load from /proc/stat text", "[placement]") {
  const std::string before = "cpu  100 0 50 1000 10 0 0 5 0 0\n"
                             "cpu0 60 0 30 400 5 0 0 5 0 0\n"
                             "cpu1 40 0 20 600 5 0 0 0 0 0\n"
                             "intr 12345\n";
  const std::string after = "cpu  300 0 50 1100 10 0 0 5 0 0\n"
                            "cpu0 70 0 30 480 5 0 0 15 0 0\n"
                            "cpu1 230 0 20 610 5 0 0 0 0 0\n";
  const auto b = parse_proc_stat(before);
  REQUIRE(b.size() == 2); // the "cpu " total line is not a CPU
  CHECK(b.at(0).busy == 90);
  CHECK(b.at(0).idle == 405);
  CHECK(b.at(0).steal == 5);
  const auto load = load_between(b, parse_proc_stat(after));
  REQUIRE(load.size() == 2);
  CHECK(load[0].cpu == 0);
  CHECK(load[0].busy == Approx(10.0 / 100.0)); // 10 busy, 80 idle, 10 stolen
  CHECK(load[0].steal == Approx(10.0 / 100.0));
  CHECK(load[1].busy == Approx(190.0 / 200.0));
}

TEST_CASE("other work's load leaves out the tool's own processes", "[placement]") {
  // Two CPUs, 100 ticks each of 10 ms: CPU 1 busy 80 ticks (0.8 s), of which our workers used 0.6 s.
  const std::map<int, cpu_times> before{{0, {0, 0, 0}}, {1, {0, 0, 0}}};
  const std::map<int, cpu_times> after{{0, {10, 90, 0}}, {1, {80, 15, 5}}};
  const auto on1 = other_load(before, after, 0.6, {1}, 0.01);
  CHECK(on1.busy == Approx(0.2));  // (0.8 - 0.6) / 1.0
  CHECK(on1.steal == Approx(0.05));
  const auto all = other_load(before, after, 0.6, {}, 0.01);
  CHECK(all.busy == Approx(0.15)); // (0.1 + 0.8 - 0.6) / 2.0
  CHECK(other_load(before, after, 5.0, {1}, 0.01).busy == 0); // never below nothing
  CHECK(other_load(before, before, 0, {}, 0.01).busy == 0);   // no time passed
}

TEST_CASE("CPU lists parse and print as taskset writes them", "[placement]") {
  CHECK(parse_cpu_list("1", "--cpus") == std::vector<int>{1});
  CHECK(parse_cpu_list("0-3,6", "--cpus") == std::vector<int>{0, 1, 2, 3, 6});
  CHECK(parse_cpu_list("3,1,1", "--cpus") == std::vector<int>{1, 3});
  CHECK(format_cpu_list({0, 1, 2, 3, 6, 8, 9}) == "0-3,6,8-9");
  for (const std::string bad : {"", "a", "1-", "3-1", "-1", "1,,x", "1.5"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_cpu_list(bad, "--cpus"), gbench::input_error);
  }
  CHECK_THROWS_WITH(parse_cpu_list("x", "--cpus"), Catch::Contains("--cpus") && Catch::Contains("0-1"));
}

TEST_CASE("auto placement takes the least busy CPUs, then the highest numbers", "[placement]") {
  const std::vector<int> allowed{0, 1, 2, 3};
  const auto quiet = choose_placement("auto", allowed, {});
  CHECK(quiet.mode == "auto");
  CHECK(quiet.cpus_for(1) == std::vector<int>{3});
  CHECK(quiet.cpus_for(2) == std::vector<int>{2, 3});
  CHECK(quiet.cpus_for(0) == allowed);   // LibTorch's own thread count: all of them
  CHECK(quiet.cpus_for(16) == allowed);  // more threads than CPUs: all of them
  const auto busy = choose_placement("auto", allowed, {{0, 0.1, 0}, {1, 0.0, 0}, {2, 0.9, 0}, {3, 0.5, 0.1}});
  CHECK(busy.cpus_for(1) == std::vector<int>{1});
  CHECK(busy.cpus_for(2) == std::vector<int>{0, 1});
  CHECK(busy.cpus_for(3) == std::vector<int>{0, 1, 3});
}

TEST_CASE("none does not pin, and a list must be allowed", "[placement]") {
  const std::vector<int> allowed{0, 1};
  CHECK(choose_placement("none", allowed, {}).cpus_for(1).empty());
  const auto list = choose_placement("1", allowed, {});
  CHECK(list.mode == "list");
  CHECK(list.cpus_for(1) == std::vector<int>{1});
  CHECK_THROWS_WITH(choose_placement("0-2", allowed, {}),
                    Catch::Contains("CPU 2 is not available") && Catch::Contains("allowed: 0-1"));
}

TEST_CASE("this process can be pinned to a CPU it may use", "[placement]") {
  const auto allowed = allowed_cpus();
  REQUIRE_FALSE(allowed.empty());
  // Pin, check, restore: the affinity is observable without timing anything.
  pin_current_process({allowed.back()});
  CHECK(allowed_cpus() == std::vector<int>{allowed.back()});
  pin_current_process(allowed);
  CHECK(allowed_cpus() == allowed);
}

TEST_CASE("a scoped thread affinity is what a child inherits, and it is restored", "[placement]") {
  const auto allowed = allowed_cpus();
  REQUIRE_FALSE(allowed.empty());
  {
    const scoped_thread_affinity scope({allowed.front()});
    CHECK(allowed_cpus() == std::vector<int>{allowed.front()});
  }
  CHECK(allowed_cpus() == allowed);
  {
    const scoped_thread_affinity nothing({});
    CHECK(allowed_cpus() == allowed);
  }
  const auto online = online_cpus();
  for (const int c : allowed) {
    CHECK(std::find(online.begin(), online.end(), c) != online.end());
  }
}

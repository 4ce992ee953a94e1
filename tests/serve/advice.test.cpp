#include <catch2/catch.hpp>

#include <fstream>

#include "gbench/error.hpp"
#include "gbench/serve/advice.hpp"
#include "gbench/util/files.hpp"

using Catch::Matchers::Contains;
namespace serve = gbench::serve;

namespace {

serve::split_result split_with(int processes, int threads, double served, std::string status = "ok") {
  serve::split_result s;
  s.processes = processes;
  s.threads = threads;
  s.status = std::move(status);
  s.env = {{"OMP_NUM_THREADS", std::to_string(threads)}, {"OMP_PROC_BIND", "false"}, {"OMP_PLACES", "cores"}};
  for (int w = 0; w < processes; ++w) {
    serve::worker_info info;
    info.index = w;
    for (int t = 0; t < threads; ++t) {
      info.cpus.push_back(w * threads + t);
    }
    s.workers.push_back(info);
  }
  serve::point p;
  p.load = "open";
  p.throughput.value = served;
  p.samples_per_s = served;
  p.latency_ms.p99.value = 42;
  s.points.push_back(p);
  s.best = 0;
  return s;
}

} // namespace

TEST_CASE("serve: the recommendation is the split that served most, among those whose workers all lived", "[serve]") {
  serve::settings st;
  st.target_ms = 100;
  st.preset.settings.matmul_precision = "medium";
  const std::vector<serve::split_result> splits{split_with(1, 2, 30), split_with(2, 1, 45),
                                                split_with(4, 1, 90, "failed")};
  const auto r = serve::recommend(splits, st);
  REQUIRE(r);
  CHECK(r->processes == 2);
  CHECK(r->threads == 1);
  CHECK(r->throughput == 45);
  CHECK(r->cpus == std::vector<std::vector<int>>{{0}, {1}});
  CHECK_THAT(r->line, Contains("for cpus in 0 1; do OMP_NUM_THREADS=1 OMP_PLACES=cores OMP_PROC_BIND=false taskset -c "
                               "\"$cpus\" YOUR_SERVER & done"));
  CHECK_THAT(r->basis, Contains("within 100 ms"));
  REQUIRE(r->settings.size() == 1);
  CHECK_THAT(r->settings[0], Contains("matmul_precision=medium"));
  // A tie keeps the fewer processes (the first, in auto's order).
  CHECK(serve::recommend({split_with(1, 2, 45), split_with(2, 1, 45)}, st)->processes == 1);
  auto none = split_with(1, 2, 30);
  none.best.reset();
  CHECK_FALSE(serve::recommend({none}, st));
}

TEST_CASE("serve: the launch line pins each process to its CPUs as measured, or not at all", "[serve]") {
  const std::map<std::string, std::string> env{{"OMP_NUM_THREADS", "2"}};
  CHECK(serve::launch_line(1, {{0, 1}}, env) == "OMP_NUM_THREADS=2 taskset -c 0-1 YOUR_SERVER");
  CHECK(serve::launch_line(2, {{0, 1}, {2, 3}}, env) ==
        "for cpus in 0-1 2-3; do OMP_NUM_THREADS=2 taskset -c \"$cpus\" YOUR_SERVER & done");
  CHECK(serve::launch_line(2, {{}, {}}, env) == "for i in $(seq 2); do OMP_NUM_THREADS=2 YOUR_SERVER & done");
}

TEST_CASE("serve: cost per million inferences from the price per hour", "[serve]") {
  CHECK(serve::cost_per_million(0.36, 100) == Approx(1.0)); // 360000 inferences an hour for 0.36
  CHECK(serve::cost_per_million(0.145, 2000) == Approx(0.145 / 7.2));
}

TEST_CASE("serve: the instance type comes from the option, else a DMI product name that reads like one", "[serve]") {
  CHECK(serve::instance_type_of("c7g.xlarge", "m6i.large") ==
        std::pair<std::string, std::string>{"c7g.xlarge", "--instance-type"});
  CHECK(serve::instance_type_of("", "c7g.2xlarge") == std::pair<std::string, std::string>{"c7g.2xlarge", "dmi"});
  CHECK(serve::instance_type_of("", "m7i-flex.large").second == "dmi");
  CHECK(serve::instance_type_of("", "Standard PC (i440FX + PIIX, 1996)") ==
        std::pair<std::string, std::string>{"", "none"});
  CHECK(serve::instance_type_of("", "KVM").second == "none");
  CHECK_FALSE(serve::looks_like_instance_type("c7g"));
}

TEST_CASE("serve: a prices file gives the instance's price, a missing type or a bad price is named", "[serve]") {
  gbench::util::temp_dir dir;
  const auto file = dir.path() / "prices.json";
  std::ofstream(file) << "{\n  \"c7g.xlarge\": 0.145,\n  \"c7i.xlarge\": 0.1785\n}\n";
  CHECK(serve::read_prices(file).at("c7i.xlarge") == 0.1785);
  const auto [price, source] = serve::price_of(std::nullopt, file.string(), "c7g.xlarge");
  CHECK(price == 0.145);
  CHECK(source == file.string());
  CHECK(serve::price_of(0.5, "", "").first == 0.5);
  CHECK(serve::price_of(std::nullopt, "", "c7g.xlarge").second == "none");
  CHECK_THROWS_WITH(serve::price_of(std::nullopt, file.string(), "m7g.large"),
                    Contains("no price for instance type 'm7g.large' (it has c7g.xlarge, c7i.xlarge)"));
  CHECK_THROWS_WITH(serve::price_of(std::nullopt, file.string(), ""), Contains("give --instance-type"));
  std::ofstream(file) << "{\n  \"c7g.xlarge\": \"cheap\"\n}\n";
  CHECK_THROWS_WITH(serve::read_prices(file), Contains("prices.json:2: c7g.xlarge: \"cheap\" is not a price"));
  std::ofstream(file) << "[0.1]";
  CHECK_THROWS_AS(serve::read_prices(file), gbench::input_error);
}

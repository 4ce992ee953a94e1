#include "gbench/report/google_benchmark.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "gbench/stats/summary.hpp"

namespace gbench::report {

namespace {

using json = nlohmann::json;

// One aggregate entry as Google Benchmark writes it after the repetitions of a benchmark.
json aggregate(const std::string& name, const stored_series& s, const char* statistic, bool percentage, double time,
               double items_per_second) {
  return {{"name", fmt::format("{}_{}", name, statistic)},
          {"run_name", name},
          {"run_type", "aggregate"},
          {"repetitions", s.samples_ns.size()},
          {"threads", 1},
          {"aggregate_name", statistic},
          {"aggregate_unit", percentage ? "percentage" : "time"},
          {"iterations", s.samples_ns.size()},
          {"real_time", time},
          {"cpu_time", time},
          {"time_unit", "ns"},
          {"items_per_second", items_per_second}};
}

} // namespace

json to_google_benchmark_json(const stored_report& r) {
  const auto& c = r.report.context;
  const std::string model = r.report.model.name.empty() ? std::string("model") : r.report.model.name;
  std::string libtorch;
  for (const auto& [key, value] : r.facts) {
    if (key == "libtorch.version") {
      libtorch = value;
    }
  }
  json out;
  out["context"] = {{"date", c.date},
                    {"executable", "graviton-bench"},
                    {"num_cpus", c.host.cores},
                    {"graviton_bench",
                     {{"report", r.name},
                      {"version", c.tool.version},
                      {"git_sha", c.tool.git_sha},
                      {"model", model},
                      {"cpu_model", c.host.cpu_model},
                      {"arch", c.host.arch},
                      {"libtorch", libtorch},
                      {"note", "one repetition per timed forward (iterations 1); cpu_time repeats real_time: "
                               "graviton-bench measures wall-clock time only"}}}};
  out["benchmarks"] = json::array();
  auto& benchmarks = out["benchmarks"];

  std::vector<std::string> families;
  std::vector<int> instances;
  for (const auto& s : r.series) {
    const auto family_it = std::find(families.begin(), families.end(), s.preset);
    const auto family = static_cast<int>(family_it - families.begin());
    if (family_it == families.end()) {
      families.push_back(s.preset);
      instances.push_back(0);
    }
    const int instance = instances[static_cast<std::size_t>(family)]++;
    const std::string name = fmt::format("{}/{}/batch:{}", model, s.preset, s.batch);
    const json common{{"name", name},
                      {"family_index", family},
                      {"per_family_instance_index", instance},
                      {"run_name", name},
                      {"run_type", "iteration"},
                      {"threads", 1}};
    if (!s.ok) {
      json e = common;
      e["repetitions"] = 1;
      e["repetition_index"] = 0;
      e["error_occurred"] = true;
      e["error_message"] = s.error;
      e["iterations"] = 0;
      e["real_time"] = 0;
      e["cpu_time"] = 0;
      e["time_unit"] = "ns";
      benchmarks.push_back(std::move(e));
      continue;
    }
    const auto batch = static_cast<double>(s.batch);
    std::vector<double> items;
    for (std::size_t i = 0; i < s.samples_ns.size(); ++i) {
      json e = common;
      e["repetitions"] = s.samples_ns.size();
      e["repetition_index"] = i;
      e["iterations"] = 1;
      e["real_time"] = s.samples_ns[i];
      e["cpu_time"] = s.samples_ns[i];
      e["time_unit"] = "ns";
      items.push_back(batch * 1e9 / s.samples_ns[i]);
      e["items_per_second"] = items.back();
      benchmarks.push_back(std::move(e));
    }
    if (s.samples_ns.size() < 2) {
      continue; // Google Benchmark writes no aggregates for a single repetition
    }
    const auto t = stats::summarize(s.samples_ns);
    const auto ips = stats::summarize(items);
    benchmarks.push_back(aggregate(name, s, "mean", false, t.mean, ips.mean));
    benchmarks.push_back(aggregate(name, s, "median", false, t.median, ips.median));
    benchmarks.push_back(aggregate(name, s, "stddev", false, t.stddev, ips.stddev));
    benchmarks.push_back(aggregate(name, s, "cv", true, t.cv, ips.cv));
    benchmarks.push_back(aggregate(name, s, "p90", false, t.p90, ips.p90));
    benchmarks.push_back(aggregate(name, s, "p99", false, t.p99, ips.p99));
  }
  return out;
}

} // namespace gbench::report

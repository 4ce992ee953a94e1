#include "gbench/report/google_benchmark.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "gbench/compare/preset_comparison.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::report {

namespace {

using json = nlohmann::json;

// One aggregate entry as Google Benchmark writes it after the repetitions of a benchmark.
json aggregate(const std::string& name, std::size_t samples, const char* statistic, bool percentage, double time,
               double items_per_second) {
  return {{"name", fmt::format("{}_{}", name, statistic)},
          {"run_name", name},
          {"run_type", "aggregate"},
          {"repetitions", samples},
          {"threads", 1},
          {"aggregate_name", statistic},
          {"aggregate_unit", percentage ? "percentage" : "time"},
          {"iterations", samples},
          {"real_time", time},
          {"cpu_time", time},
          {"time_unit", "ns"},
          {"items_per_second", items_per_second}};
}

// Every timed forward of a (preset, batch), its processes one after the other.
std::vector<double> samples_at(const record::report& r, const std::string& preset, std::int64_t batch) {
  std::vector<double> out;
  for (const auto& run : r.runs) {
    for (const auto& b : run.batches) {
      if (run.preset.name == preset && b.batch == batch && b.ok) {
        out.insert(out.end(), b.samples_ns.begin(), b.samples_ns.end());
      }
    }
  }
  return out;
}

// The context block: Google Benchmark's fields, and the report's own under "graviton_bench".
json context_of(const compare::stored_report& r, const std::string& model) {
  const auto& c = r.report.context;
  std::string libtorch;
  for (const auto& [key, value] : compare::facts_of(r.report)) {
    if (key == "libtorch.version") {
      libtorch = value;
    }
  }
  return {{"date", c.date},
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
}

// Google Benchmark's numbering: a family per preset in the order they first appear, an instance per batch of it.
class family_numbers {
public:
  // The (family, instance) of the preset's next row.
  std::pair<int, int> next(const std::string& preset) {
    const auto family_it = std::find(families_.begin(), families_.end(), preset);
    const auto family = static_cast<int>(family_it - families_.begin());
    if (family_it == families_.end()) {
      families_.push_back(preset);
      instances_.push_back(0);
    }
    return {family, instances_[static_cast<std::size_t>(family)]++};
  }

private:
  std::vector<std::string> families_;
  std::vector<int> instances_;
};

// A failed (preset, batch): one entry, as Google Benchmark writes a benchmark that called SkipWithError.
json failed_entry(json e, const std::string& error) {
  e["repetitions"] = 1;
  e["repetition_index"] = 0;
  e["error_occurred"] = true;
  e["error_message"] = error;
  e["iterations"] = 0;
  e["real_time"] = 0;
  e["cpu_time"] = 0;
  e["time_unit"] = "ns";
  return e;
}

// One repetition of one iteration per timed forward; returns the items per second of each.
std::vector<double> add_repetitions(json& benchmarks, const json& common, const std::vector<double>& samples,
                                    const record::report& r, std::int64_t batch) {
  std::vector<double> items;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    json e = common;
    e["repetitions"] = samples.size();
    e["repetition_index"] = i;
    e["iterations"] = 1;
    e["real_time"] = samples[i];
    e["cpu_time"] = samples[i];
    e["time_unit"] = "ns";
    items.push_back(
        record::rates_at(samples[i], batch, r.model.flops_per_sample, static_cast<double>(r.model.weight_bytes))
            .throughput);
    e["items_per_second"] = items.back();
    benchmarks.push_back(std::move(e));
  }
  return items;
}

// The aggregates Google Benchmark writes after repetitions, and p90 and p99.
void add_aggregates(json& benchmarks, const std::string& name, std::size_t n, const stats::summary& t,
                    const stats::summary& ips) {
  benchmarks.push_back(aggregate(name, n, "mean", false, t.mean, ips.mean));
  benchmarks.push_back(aggregate(name, n, "median", false, t.median, ips.median));
  benchmarks.push_back(aggregate(name, n, "stddev", false, t.stddev, ips.stddev));
  benchmarks.push_back(aggregate(name, n, "cv", true, t.cv, ips.cv));
  benchmarks.push_back(aggregate(name, n, "p90", false, t.p90, ips.p90));
  benchmarks.push_back(aggregate(name, n, "p99", false, t.p99, ips.p99));
}

} // namespace

json to_google_benchmark_json(const compare::stored_report& r) {
  const std::string model = r.report.model.name.empty() ? std::string("model") : r.report.model.name;
  json out;
  out["context"] = context_of(r, model);
  out["benchmarks"] = json::array();
  auto& benchmarks = out["benchmarks"];
  family_numbers numbers;
  // The rows of the report; one of an older version holds none, and they are computed from its runs.
  const auto rows = r.report.comparison.empty() ? compare::compare_presets(r.report) : r.report.comparison;
  for (const auto& s : rows) {
    const auto [family, instance] = numbers.next(s.preset);
    const std::string name = fmt::format("{}/{}/batch:{}", model, s.preset, s.batch);
    const json common{{"name", name},
                      {"family_index", family},
                      {"per_family_instance_index", instance},
                      {"run_name", name},
                      {"run_type", "iteration"},
                      {"threads", 1}};
    if (!s.ok) {
      benchmarks.push_back(failed_entry(common, s.error));
      continue;
    }
    const auto samples = samples_at(r.report, s.preset, s.batch);
    const auto items = add_repetitions(benchmarks, common, samples, r.report, s.batch);
    if (samples.size() < 2) {
      continue; // Google Benchmark writes no aggregates for a single repetition
    }
    add_aggregates(benchmarks, name, samples.size(), s.summary_ns, stats::summarize(items));
  }
  return out;
}

} // namespace gbench::report

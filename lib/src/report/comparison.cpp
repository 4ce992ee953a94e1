#include "gbench/report/comparison.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gbench/report/report.hpp"
#include "gbench/run/result.hpp"
#include "gbench/stats/compare.hpp"

namespace gbench::report {

namespace {

constexpr double confidence = 0.95;
constexpr int resamples = 2000;
constexpr std::uint64_t bootstrap_seed = 0x67726176; // fixed: the same report gives the same interval

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return stats::quantile_sorted(v, 0.5);
}

} // namespace

std::vector<comparison_row> compare_presets(const run_report& r, const std::string& baseline, double alpha) {
  std::vector<comparison_row> rows;
  auto find_row = [&](const std::string& preset, std::int64_t batch) -> comparison_row* {
    for (auto& row : rows) {
      if (row.preset == preset && row.batch == batch) {
        return &row;
      }
    }
    return nullptr;
  };
  std::vector<std::vector<double>> profiled_totals;
  for (const auto& run : r.runs) {
    for (const auto& b : run.batches) {
      comparison_row* row = find_row(run.preset.name, b.batch);
      if (row == nullptr) {
        comparison_row fresh;
        fresh.preset = run.preset.name;
        fresh.batch = b.batch;
        fresh.ok = true;
        fresh.effects = run.effects;
        rows.push_back(fresh);
        profiled_totals.emplace_back();
        row = &rows.back();
      }
      const auto index = static_cast<std::size_t>(row - rows.data());
      for (const auto& e : run.evidence) {
        if (e.ok && e.batch == b.batch) {
          row->cosine = row->cosine ? std::min(*row->cosine, e.cosine) : e.cosine;
          row->accuracy_flagged = *row->cosine < r.cosine_threshold;
        }
      }
      if (!b.ok) {
        if (row->ok) {
          row->error = b.error;
        }
        row->ok = false;
        continue;
      }
      ++row->repetitions;
      row->samples_ns.insert(row->samples_ns.end(), b.samples_ns.begin(), b.samples_ns.end());
      row->run_medians.push_back(median_of(std::vector<double>(b.samples_ns.begin(), b.samples_ns.end())));
      if (b.profile.is_object() && b.profile.contains("self_cpu_total_us")) {
        profiled_totals[index].push_back(b.profile["self_cpu_total_us"].get<double>() * 1e3);
      }
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    if (row.samples_ns.empty()) {
      row.ok = false;
      continue;
    }
    row.summary_ns = stats::summarize(row.samples_ns);
    const double seconds = row.summary_ns.median * 1e-9;
    row.throughput = static_cast<double>(row.batch) / seconds;
    row.gflops = r.plan.model.flops_per_sample() * static_cast<double>(row.batch) / seconds * 1e-9;
    row.weight_gbps = static_cast<double>(r.plan.model.weight_bytes()) / seconds * 1e-9;
    if (!profiled_totals[i].empty()) {
      row.profiled_total_ns = median_of(profiled_totals[i]);
    }
  }
  for (auto& row : rows) {
    row.is_baseline = row.preset == baseline;
    const comparison_row* base = nullptr;
    for (const auto& other : rows) {
      if (other.preset == baseline && other.batch == row.batch) {
        base = &other;
      }
    }
    if (row.is_baseline || base == nullptr || !row.ok || !base->ok) {
      continue;
    }
    const auto c = compare_samples(base->samples_ns, base->run_medians, row.samples_ns, row.run_medians, alpha,
                                   bootstrap_seed ^ static_cast<std::uint64_t>(row.batch));
    row.speedup = c.speedup;
    row.ci_low = c.ci_low;
    row.ci_high = c.ci_high;
    row.p_value = c.p_value;
    row.p_value_runs = c.p_value_runs;
    row.verdict = c.verdict;
  }
  return rows;
}

sample_comparison compare_samples(const std::vector<double>& baseline, const std::vector<double>& baseline_run_medians,
                                  const std::vector<double>& candidate, const std::vector<double>& candidate_run_medians,
                                  double alpha, std::uint64_t seed) {
  sample_comparison c;
  // Speed-up = baseline time / candidate time, so the bootstrap takes the baseline as numerator.
  const auto interval = stats::bootstrap_median_ratio(baseline, candidate, confidence, resamples, seed);
  c.speedup = interval.ratio;
  c.ci_low = interval.low;
  c.ci_high = interval.high;
  c.p_value = stats::mann_whitney_u(candidate, baseline).p_value;
  // A process's samples share its luck (CPU placement, memory layout, the load of the moment): on a shared
  // VM whole processes run tens of percent apart. With enough repetitions the difference must also be
  // significant between the processes' medians; with fewer, the verdict says it rests on samples alone.
  const bool runs_testable = stats::enough_samples_for(candidate_run_medians.size(), baseline_run_medians.size(), alpha);
  if (runs_testable) {
    c.p_value_runs = stats::mann_whitney_u(candidate_run_medians, baseline_run_medians).p_value;
  }
  if (!stats::enough_samples_for(candidate.size(), baseline.size(), alpha)) {
    c.verdict = "too few samples";
  } else if (c.p_value < alpha && (interval.low > 1.0 || interval.high < 1.0) &&
             (!runs_testable || *c.p_value_runs < alpha)) {
    c.verdict = interval.ratio > 1.0 ? "faster" : "slower";
    if (!runs_testable) {
      c.verdict += " (samples only)"; // README: fewer repetitions than can test across processes
    }
  } else {
    c.verdict = "no significant difference";
  }
  return c;
}

sample_comparison compare_processes(const std::vector<std::vector<double>>& baseline,
                                    const std::vector<std::vector<double>>& candidate, double alpha, std::uint64_t seed) {
  auto flatten = [](const std::vector<std::vector<double>>& groups, std::vector<double>& pooled, std::vector<double>& medians) {
    for (const auto& g : groups) {
      if (g.empty()) {
        continue;
      }
      pooled.insert(pooled.end(), g.begin(), g.end());
      medians.push_back(median_of(g));
    }
  };
  std::vector<double> base, base_medians, cand, cand_medians;
  flatten(baseline, base, base_medians);
  flatten(candidate, cand, cand_medians);
  return compare_samples(base, base_medians, cand, cand_medians, alpha, seed);
}

std::string recipe_line(const comparison_row& row, const comparison_row& baseline) {
  if (row.profiled_total_ns && baseline.profiled_total_ns) {
    return fmt::format("{} vs {} @{}: {:.2f}x ({} vs {}, profiled totals)", row.preset, baseline.preset, row.batch,
                       *baseline.profiled_total_ns / *row.profiled_total_ns, format_duration_ns(*row.profiled_total_ns),
                       format_duration_ns(*baseline.profiled_total_ns));
  }
  return fmt::format("{} vs {} @{}: {:.2f}x ({} vs {}, median per forward)", row.preset, baseline.preset, row.batch,
                     baseline.summary_ns.median / row.summary_ns.median, format_duration_ns(row.summary_ns.median),
                     format_duration_ns(baseline.summary_ns.median));
}

nlohmann::json to_json(const comparison_row& row) {
  nlohmann::json j{{"preset", row.preset}, {"batch", row.batch}, {"status", row.ok ? "ok" : "failed"}};
  if (!row.ok) {
    j["error"] = row.error;
    return j;
  }
  j["repetitions"] = row.repetitions;
  j["statistics_ns"] = stats::to_json(row.summary_ns);
  j["throughput_samples_per_s"] = row.throughput;
  j["gflops"] = row.gflops;
  j["weight_gbps"] = row.weight_gbps;
  j["profiled_total_ns"] = row.profiled_total_ns ? nlohmann::json(*row.profiled_total_ns) : nlohmann::json(nullptr);
  j["baseline"] = row.is_baseline;
  if (row.speedup) {
    j["speedup"] = *row.speedup;
    j["speedup_ci95"] = {*row.ci_low, *row.ci_high};
    j["p_value"] = *row.p_value;
    j["p_value_runs"] = row.p_value_runs ? nlohmann::json(*row.p_value_runs) : nlohmann::json(nullptr);
    j["verdict"] = row.verdict;
  }
  if (!row.effects.empty()) {
    j["effects"] = row.effects;
  }
  if (row.cosine) {
    j["accuracy"] = {{"cosine", *row.cosine}, {"flagged", row.accuracy_flagged}};
  }
  return j;
}

} // namespace gbench::report

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

const config::model_spec& model_of(const run::plan& p, const std::string& name) {
  for (const auto& m : p.models) {
    if (m.name == name) {
      return m;
    }
  }
  return p.model;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return stats::quantile_sorted(v, 0.5);
}

} // namespace

std::vector<comparison_row> compare_presets(const run_report& r, const std::string& baseline, double alpha) {
  std::vector<comparison_row> rows;
  auto find_row = [&](const std::string& model, const std::string& preset, std::int64_t batch) -> comparison_row* {
    for (auto& row : rows) {
      if (row.model == model && row.preset == preset && row.batch == batch) {
        return &row;
      }
    }
    return nullptr;
  };
  std::vector<std::vector<double>> profiled_totals;
  for (const auto& run : r.runs) {
    for (const auto& b : run.batches) {
      comparison_row* row = find_row(run.model, run.preset.name, b.batch);
      if (row == nullptr) {
        comparison_row fresh;
        fresh.model = run.model;
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
        if (e.ok && e.batch == b.batch && e.accuracy_unavailable.empty()) {
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
    const auto& model = model_of(r.plan, row.model);
    row.gflops = model.flops_per_sample() * static_cast<double>(row.batch) / seconds * 1e-9;
    row.weight_gbps = static_cast<double>(model.weight_bytes()) / seconds * 1e-9;
    if (!profiled_totals[i].empty()) {
      row.profiled_total_ns = median_of(profiled_totals[i]);
    }
  }
  // Several models: each against the first model under the same preset; else each preset against `baseline`.
  const std::string first_model = rows.empty() ? std::string{} : rows.front().model;
  const auto is_base = [&](const comparison_row& row) {
    return first_model.empty() ? row.preset == baseline : row.model == first_model;
  };
  for (auto& row : rows) {
    row.is_baseline = is_base(row);
    const comparison_row* base = nullptr;
    for (const auto& other : rows) {
      if (is_base(other) && other.batch == row.batch && (first_model.empty() || other.preset == row.preset)) {
        base = &other;
      }
    }
    if (row.is_baseline || base == nullptr || !row.ok || !base->ok) {
      continue;
    }
    // Speed-up = baseline time / this time, so the bootstrap takes the baseline as numerator.
    const auto interval = stats::bootstrap_median_ratio(base->samples_ns, row.samples_ns, confidence, resamples,
                                                        bootstrap_seed ^ static_cast<std::uint64_t>(row.batch));
    row.speedup = interval.ratio;
    row.ci_low = interval.low;
    row.ci_high = interval.high;
    row.p_value = stats::mann_whitney_u(row.samples_ns, base->samples_ns).p_value;
    // A process's samples share its luck (CPU placement, memory layout, the load of the moment): on a shared
    // VM whole processes run tens of percent apart. With enough repetitions the difference must also be
    // significant between the processes' medians; with fewer, the verdict says it rests on samples alone.
    const bool runs_testable = stats::enough_samples_for(row.run_medians.size(), base->run_medians.size(), alpha);
    if (runs_testable) {
      row.p_value_runs = stats::mann_whitney_u(row.run_medians, base->run_medians).p_value;
    }
    if (!stats::enough_samples_for(row.samples_ns.size(), base->samples_ns.size(), alpha)) {
      row.verdict = "too few samples";
    } else if (*row.p_value < alpha && (interval.low > 1.0 || interval.high < 1.0) &&
               (!runs_testable || *row.p_value_runs < alpha)) {
      row.verdict = interval.ratio > 1.0 ? "faster" : "slower";
      if (!runs_testable) {
        row.verdict += " (samples only)"; // README: fewer repetitions than can test across processes
      }
    } else {
      row.verdict = "no significant difference";
    }
  }
  return rows;
}

std::string recipe_line(const comparison_row& row, const comparison_row& baseline) {
  if (!row.model.empty()) {
    return fmt::format("{} vs {} ({}) @{}: {:.2f}x ({} vs {}, median per forward)", row.model, baseline.model,
                       row.preset, row.batch, baseline.summary_ns.median / row.summary_ns.median,
                       format_duration_ns(row.summary_ns.median), format_duration_ns(baseline.summary_ns.median));
  }
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
  if (!row.model.empty()) {
    j["model"] = row.model;
  }
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

#include "gbench/report/comparison.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gbench/report/report.hpp"
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

std::vector<record::preset_comparison> compare_presets(const record::report& r) {
  const std::string& baseline = r.settings.baseline;
  const double alpha = r.settings.alpha;
  std::vector<record::preset_comparison> rows;
  // Per row: all repetitions' samples, and each repetition's median.
  std::vector<std::vector<double>> samples;
  std::vector<std::vector<double>> run_medians;
  auto find_row = [&](const std::string& preset, std::int64_t batch) -> record::preset_comparison* {
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
      record::preset_comparison* row = find_row(run.preset.name, b.batch);
      if (row == nullptr) {
        record::preset_comparison fresh;
        fresh.preset = run.preset.name;
        fresh.batch = b.batch;
        fresh.ok = true;
        if (run.evidence) {
          fresh.effects = run.evidence->effects;
        }
        rows.push_back(fresh);
        profiled_totals.emplace_back();
        samples.emplace_back();
        run_medians.emplace_back();
        row = &rows.back();
      }
      const auto index = static_cast<std::size_t>(row - rows.data());
      if (run.evidence) {
        for (const auto& e : run.evidence->batches) {
          if (e.ok && e.batch == b.batch) {
            row->cosine = row->cosine ? std::min(*row->cosine, e.accuracy.cosine) : e.accuracy.cosine;
            row->accuracy_flagged = *row->cosine < r.settings.cosine_threshold;
          }
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
      samples[index].insert(samples[index].end(), b.samples_ns.begin(), b.samples_ns.end());
      run_medians[index].push_back(median_of(std::vector<double>(b.samples_ns.begin(), b.samples_ns.end())));
      if (b.profile) {
        profiled_totals[index].push_back(b.profile->table.self_cpu_total_us * 1e3);
      }
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    if (samples[i].empty()) {
      row.ok = false;
      continue;
    }
    row.summary_ns = stats::summarize(samples[i]);
    const double seconds = row.summary_ns.median * 1e-9;
    row.throughput = static_cast<double>(row.batch) / seconds;
    row.gflops = r.model.flops_per_sample * static_cast<double>(row.batch) / seconds * 1e-9;
    row.weight_gbps = static_cast<double>(r.model.weight_bytes) / seconds * 1e-9;
    if (!profiled_totals[i].empty()) {
      row.profiled_total_ns = median_of(profiled_totals[i]);
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    row.is_baseline = row.preset == baseline;
    const record::preset_comparison* base = nullptr;
    std::size_t b = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      if (rows[k].preset == baseline && rows[k].batch == row.batch) {
        base = &rows[k];
        b = k;
      }
    }
    if (row.is_baseline || base == nullptr || !row.ok || !base->ok) {
      continue;
    }
    const auto c = compare_samples(samples[b], run_medians[b], samples[i], run_medians[i], alpha,
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
  auto flatten = [](const std::vector<std::vector<double>>& groups, std::vector<double>& pooled,
                    std::vector<double>& medians) {
    for (const auto& g : groups) {
      if (!g.empty()) {
        pooled.insert(pooled.end(), g.begin(), g.end());
        medians.push_back(median_of(g));
      }
    }
  };
  std::vector<double> base, base_medians, cand, cand_medians;
  flatten(baseline, base, base_medians);
  flatten(candidate, cand, cand_medians);
  return compare_samples(base, base_medians, cand, cand_medians, alpha, seed);
}

std::string recipe_line(const record::preset_comparison& row, const record::preset_comparison& baseline) {
  if (row.profiled_total_ns && baseline.profiled_total_ns) {
    return fmt::format("{} vs {} @{}: {:.2f}x ({} vs {}, profiled totals)", row.preset, baseline.preset, row.batch,
                       *baseline.profiled_total_ns / *row.profiled_total_ns, format_duration_ns(*row.profiled_total_ns),
                       format_duration_ns(*baseline.profiled_total_ns));
  }
  return fmt::format("{} vs {} @{}: {:.2f}x ({} vs {}, median per forward)", row.preset, baseline.preset, row.batch,
                     baseline.summary_ns.median / row.summary_ns.median, format_duration_ns(row.summary_ns.median),
                     format_duration_ns(baseline.summary_ns.median));
}

} // namespace gbench::report

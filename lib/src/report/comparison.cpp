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

namespace {

const record::model_info& model_of(const record::report& r, const std::string& name) {
  for (const auto& m : r.models) {
    if (m.name == name) {
      return m;
    }
  }
  return r.model;
}

} // namespace

std::vector<record::preset_comparison> compare_presets(const record::report& r) {
  const std::string& baseline = r.settings.baseline;
  const double alpha = r.settings.alpha;
  std::vector<record::preset_comparison> rows;
  // Per row: all repetitions' samples, and each repetition's median.
  std::vector<std::vector<double>> samples;
  std::vector<std::vector<double>> run_medians;
  auto find_row = [&](const std::string& model, const std::string& preset,
                      std::int64_t batch) -> record::preset_comparison* {
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
      record::preset_comparison* row = find_row(run.model, run.preset.name, b.batch);
      if (row == nullptr) {
        record::preset_comparison fresh;
        fresh.model = run.model;
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
          if (e.ok && e.batch == b.batch && e.accuracy.unavailable.empty()) {
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
    const auto& model = model_of(r, row.model);
    row.gflops = model.flops_per_sample * static_cast<double>(row.batch) / seconds * 1e-9;
    row.weight_gbps = static_cast<double>(model.weight_bytes) / seconds * 1e-9;
    if (!profiled_totals[i].empty()) {
      row.profiled_total_ns = median_of(profiled_totals[i]);
    }
  }
  // Several models (eager against compiled): each against the first model under the same preset; else each
  // preset against the baseline preset.
  const std::string first_model = rows.empty() ? std::string{} : rows.front().model;
  const auto is_base = [&](const record::preset_comparison& row) {
    return first_model.empty() ? row.preset == baseline : row.model == first_model;
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    row.is_baseline = is_base(row);
    const record::preset_comparison* base = nullptr;
    std::size_t b = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      if (is_base(rows[k]) && rows[k].batch == row.batch && (first_model.empty() || rows[k].preset == row.preset)) {
        base = &rows[k];
        b = k;
      }
    }
    if (row.is_baseline || base == nullptr || !row.ok || !base->ok) {
      continue;
    }
    // Speed-up = baseline time / this time, so the bootstrap takes the baseline as numerator.
    const auto interval = stats::bootstrap_median_ratio(samples[b], samples[i], confidence, resamples,
                                                        bootstrap_seed ^ static_cast<std::uint64_t>(row.batch));
    row.speedup = interval.ratio;
    row.ci_low = interval.low;
    row.ci_high = interval.high;
    row.p_value = stats::mann_whitney_u(samples[i], samples[b]).p_value;
    // A process's samples share its luck (CPU placement, memory layout, the load of the moment): on a shared
    // VM whole processes run tens of percent apart. With enough repetitions the difference must also be
    // significant between the processes' medians; with fewer, the verdict says it rests on samples alone.
    const bool runs_testable = stats::enough_samples_for(run_medians[i].size(), run_medians[b].size(), alpha);
    if (runs_testable) {
      row.p_value_runs = stats::mann_whitney_u(run_medians[i], run_medians[b]).p_value;
    }
    if (!stats::enough_samples_for(samples[i].size(), samples[b].size(), alpha)) {
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

std::string recipe_line(const record::preset_comparison& row, const record::preset_comparison& baseline) {
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

} // namespace gbench::report

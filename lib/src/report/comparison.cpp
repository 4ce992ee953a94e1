#include "gbench/report/comparison.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gbench/report/report.hpp"
#include "gbench/stats/compare.hpp"
#include "gbench/stats/drift.hpp"
#include "gbench/stats/processes.hpp"

namespace gbench::report {

namespace {

constexpr double confidence = 0.95;
constexpr int resamples = 2000;
constexpr std::uint64_t bootstrap_seed = 0x67726176; // fixed: the same report gives the same interval

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return stats::quantile_sorted(v, 0.5);
}

// The knobs `preset` sets that the report's context calls inert on this host.
std::vector<std::string> inert_knobs_of(const record::report& r, const std::string& preset) {
  std::vector<std::string> out;
  for (const auto& run : r.runs) {
    if (run.preset.name != preset) {
      continue;
    }
    std::vector<std::string> set;
    for (const auto& [knob, value] : run.preset.env) {
      set.push_back(knob);
    }
    if (run.preset.settings.matmul_precision.value_or("highest") != "highest") {
      set.emplace_back("matmul_precision");
    }
    for (const auto& knob : set) {
      for (const auto& v : r.context.knobs) {
        if (v.knob == knob && !v.effective) {
          out.push_back(knob);
        }
      }
    }
    break;
  }
  return out;
}

// What a reader should know about the processes of one row: outliers among them, drift within one, a
// warm-up that never settled.
std::vector<std::string> process_flags(const std::vector<stats::process_samples>& group,
                                       const std::vector<double>& estimates, const std::vector<int>& repetitions,
                                       const std::vector<bool>& unsteady) {
  std::vector<std::string> flags;
  const auto outliers = stats::outlier_processes(estimates);
  const double centre = median_of(estimates);
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (outliers[i]) {
      flags.push_back(fmt::format("repetition {}: an outlier among {} processes ({:+.1f}% from their median)",
                                  repetitions[i], group.size(), 100.0 * (estimates[i] / centre - 1.0)));
    }
    const auto t = stats::mann_kendall(stats::chunk_medians(group[i].samples, group[i].chunk_size));
    if (t.flagged()) {
      flags.push_back(fmt::format("repetition {}: {} {:.1f}% across its run (Mann-Kendall p = {:.2g})", repetitions[i],
                                  t.relative_drift > 0 ? "slowed down" : "sped up", 100.0 * std::abs(t.relative_drift),
                                  t.p_value));
    }
    if (unsteady[i]) {
      flags.push_back(fmt::format("repetition {}: warm-up did not reach steady state in its time limit", repetitions[i]));
    }
  }
  return flags;
}

} // namespace

std::vector<record::preset_comparison> compare_presets(const record::report& r) {
  const std::string& baseline = r.settings.baseline;
  const double alpha = r.settings.alpha;
  std::vector<record::preset_comparison> rows;
  // Per row: all repetitions' samples, and each repetition's median.
  std::vector<std::vector<double>> samples;
  std::vector<std::vector<double>> run_medians;
  std::vector<std::vector<stats::process_samples>> groups;
  std::vector<std::vector<int>> group_repetitions;
  std::vector<std::vector<bool>> group_unsteady;
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
        groups.emplace_back();
        group_repetitions.emplace_back();
        group_unsteady.emplace_back();
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
      groups[index].push_back({std::vector<double>(b.samples_ns.begin(), b.samples_ns.end()),
                               static_cast<std::size_t>(std::max<std::int64_t>(0, b.chunk_size))});
      group_repetitions[index].push_back(run.repetition);
      group_unsteady[index].push_back(!b.warmup_steady);
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
    stats::process_test_options o;
    o.alpha = alpha;
    o.confidence = confidence;
    o.resamples = resamples;
    o.seed = bootstrap_seed ^ static_cast<std::uint64_t>(row.batch);
    const auto g = stats::estimate_group(groups[i], o);
    row.process_estimates_ns = g.process_estimates;
    row.estimate_ns = g.estimate;
    row.estimate_low_ns = g.ci_low;
    row.estimate_high_ns = g.ci_high;
    if (groups[i].size() >= 2) {
      row.between_cv = g.components.between_cv();
    }
    if (g.components.chunks > g.components.processes) {
      row.within_cv = g.components.within_cv(); // with one chunk per process there is nothing within to see
    }
    row.flags = process_flags(groups[i], g.process_estimates, group_repetitions[i], group_unsteady[i]);
    row.inert_knobs = inert_knobs_of(r, row.preset);
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
    // Speed-up = baseline time / this time: the ratio of the process estimates' means, with a hierarchical
    // bootstrap interval (processes, then samples), so the baseline is the numerator.
    stats::process_test_options o;
    o.alpha = alpha;
    o.confidence = confidence;
    o.resamples = resamples;
    o.seed = bootstrap_seed ^ static_cast<std::uint64_t>(row.batch);
    const auto c = stats::compare_groups(groups[b], groups[i], o);
    row.speedup = c.ratio;
    row.ci_low = c.ci_low;
    row.ci_high = c.ci_high;
    row.p_value = stats::mann_whitney_u(samples[i], samples[b]).p_value;
    if (stats::enough_samples_for(run_medians[i].size(), run_medians[b].size(), alpha)) {
      row.p_value_runs = stats::mann_whitney_u(run_medians[i], run_medians[b]).p_value;
    }
    row.p_value_processes = c.p_value;
    row.mde = c.mde;
    // A process's samples share its luck (CPU placement, memory layout, slow episodes of the machine): the
    // verdict rests on the processes, Welch's test on their estimates, which needs two a side.
    const auto fewest = std::min(groups[i].size(), groups[b].size());
    if (fewest < 2) {
      row.verdict = fmt::format("inconclusive: {} run{} a side, at least 2 needed (-r 2 or more)", fewest,
                                fewest == 1 ? "" : "s");
    } else if (c.significant) {
      row.verdict = c.ratio > 1.0 ? "faster" : "slower";
    } else {
      row.verdict = fmt::format("no significant difference (would detect >= {:.1f}%)", 100.0 * c.mde.value_or(0));
    }
  }
  return rows;
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

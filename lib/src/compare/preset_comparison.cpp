#include "gbench/compare/preset_comparison.hpp"

#include <algorithm>

#include "gbench/stats/summary.hpp"

namespace gbench::compare {

namespace {

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return stats::quantile_sorted(v, 0.5);
}

// A row with what the engine and the pooled statistics need: each repetition's samples.
struct pooled_row {
  record::preset_comparison row;
  sample_groups groups;                 ///< one per repetition that measured it
  std::vector<double> profiled_totals;  ///< each repetition's profiled self CPU total, ns
};

std::vector<pooled_row> pool(const record::report& r) {
  std::vector<pooled_row> rows;
  for (const auto& run : r.runs) {
    for (const auto& b : run.batches) {
      auto it = std::find_if(rows.begin(), rows.end(), [&](const pooled_row& p) {
        return p.row.model == run.model && p.row.preset == run.preset.name && p.row.batch == b.batch;
      });
      if (it == rows.end()) {
        pooled_row fresh;
        fresh.row.model = run.model;
        fresh.row.preset = run.preset.name;
        fresh.row.batch = b.batch;
        fresh.row.ok = true;
        if (run.evidence) {
          fresh.row.effects = run.evidence->effects;
        }
        rows.push_back(std::move(fresh));
        it = rows.end() - 1;
      }
      auto& row = it->row;
      if (run.evidence) {
        for (const auto& e : run.evidence->batches) {
          if (e.ok && e.batch == b.batch && e.accuracy.unavailable.empty()) {
            row.cosine = row.cosine ? std::min(*row.cosine, e.accuracy.cosine) : e.accuracy.cosine;
            row.accuracy_flagged = *row.cosine < r.settings.cosine_threshold;
          }
        }
      }
      if (!b.ok) {
        if (row.ok) {
          row.error = b.error;
        }
        row.ok = false;
        continue;
      }
      ++row.repetitions;
      it->groups.emplace_back(b.samples_ns.begin(), b.samples_ns.end());
      if (b.profile) {
        it->profiled_totals.push_back(b.profile->table.self_cpu_total_us * 1e3);
      }
    }
  }
  return rows;
}

void summarize(pooled_row& p, const record::model_info& model) {
  auto& row = p.row;
  std::vector<double> samples;
  for (const auto& g : p.groups) {
    samples.insert(samples.end(), g.begin(), g.end());
  }
  if (samples.empty()) {
    row.ok = false;
    return;
  }
  row.summary_ns = stats::summarize(samples);
  const double seconds = row.summary_ns.median * 1e-9;
  row.throughput = static_cast<double>(row.batch) / seconds;
  row.gflops = model.flops_per_sample * static_cast<double>(row.batch) / seconds * 1e-9;
  row.weight_gbps = static_cast<double>(model.weight_bytes) / seconds * 1e-9;
  if (!p.profiled_totals.empty()) {
    row.profiled_total_ns = median_of(p.profiled_totals);
  }
}

} // namespace

std::string preset_verdict(const change& c) {
  switch (c.verdict) {
  case verdict::better:
    return c.samples_only ? "faster (samples only)" : "faster"; // README: too few repetitions to test across processes
  case verdict::worse:
    return c.samples_only ? "slower (samples only)" : "slower";
  case verdict::unchanged:
    return "no significant difference";
  case verdict::too_few_samples:
    return "too few samples";
  }
  return "?";
}

std::vector<record::preset_comparison> compare_presets(const record::report& r, settings s) {
  s.alpha = r.settings.alpha;
  auto rows = pool(r);
  for (auto& p : rows) {
    const auto model = std::find_if(r.models.begin(), r.models.end(),
                                    [&](const record::model_info& m) { return m.name == p.row.model; });
    summarize(p, model == r.models.end() ? r.model : *model);
  }
  // Several models (eager against compiled): each against the first model under the same preset; else each
  // preset against the baseline preset.
  const std::string first_model = rows.empty() ? std::string{} : rows.front().row.model;
  const auto is_base = [&](const record::preset_comparison& row) {
    return first_model.empty() ? row.preset == r.settings.baseline : row.model == first_model;
  };
  for (auto& p : rows) {
    auto& row = p.row;
    row.is_baseline = is_base(row);
    const auto base = std::find_if(rows.begin(), rows.end(), [&](const pooled_row& other) {
      return is_base(other.row) && other.row.batch == row.batch &&
             (first_model.empty() || other.row.preset == row.preset);
    });
    if (row.is_baseline || base == rows.end() || !row.ok || !base->row.ok) {
      continue;
    }
    const auto c = compare_samples(base->groups, p.groups, row.batch, metric::median, s);
    // Speed-up = baseline time / this time: the inverse of the engine's candidate / baseline ratio.
    row.speedup = c.baseline_value / c.candidate_value;
    row.ci_low = 1.0 / *c.ratio_high;
    row.ci_high = 1.0 / *c.ratio_low;
    row.p_value = c.p_value;
    row.p_value_runs = c.runs_p_value;
    row.verdict = preset_verdict(c);
  }
  std::vector<record::preset_comparison> out;
  out.reserve(rows.size());
  for (auto& p : rows) {
    out.push_back(std::move(p.row));
  }
  return out;
}

} // namespace gbench::compare

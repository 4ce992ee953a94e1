#include "gbench/compare/preset_comparison.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gbench/evidence/routes.hpp"
#include "gbench/record/roofline.hpp"
#include "gbench/stats/drift.hpp"
#include "gbench/stats/robust.hpp"
#include "gbench/stats/processes.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::compare {

namespace {

// A row with what the engine and the pooled statistics need: each repetition's samples.
struct pooled_row {
  record::preset_comparison row;
  sample_groups groups;                 ///< one per repetition that measured it
  std::vector<double> profiled_totals;  ///< each repetition's profiled self CPU total, ns
  std::vector<int> repetitions;         ///< of each group
  std::vector<bool> unsteady;           ///< each group's warm-up ended without reaching steady state
  bool duet = false;                    ///< its windows ran at the same time as the others' (duet)
};

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
  const auto outliers = stats::beyond_fences(estimates);
  const double centre = stats::median(estimates);
  for (std::size_t i = 0; i < group.size(); ++i) {
    // A lockstep worker is one of a process set; its drift over the run fell on the other workers' turns alike
    // and cancels in the comparison, so it is not flagged.
    const std::string unit = fmt::format("{} {}", group[i].lockstep ? "set" : "repetition", repetitions[i]);
    if (outliers[i]) {
      flags.push_back(fmt::format("{}: an outlier among {} processes ({:+.1f}% from their median)", unit,
                                  group.size(), 100.0 * (estimates[i] / centre - 1.0)));
    }
    const auto t = stats::mann_kendall(stats::chunk_medians(group[i].samples, group[i].chunk_size));
    if (t.flagged() && !group[i].lockstep) {
      flags.push_back(fmt::format("{}: {} {:.1f}% across its run (Mann-Kendall p = {:.2g})", unit,
                                  t.relative_drift > 0 ? "slowed down" : "sped up", 100.0 * std::abs(t.relative_drift),
                                  t.p_value));
    }
    if (unsteady[i]) {
      flags.push_back(fmt::format("{}: warm-up did not reach steady state in its time limit", unit));
    }
  }
  return flags;
}



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
            row.attribution = e.attribution;
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
      // The processes of one round (or process set) ran next to each other: the engine pairs them.
      it->groups.push_back(*samples_of(b, run.repetition, run.design != record::design::rounds));
      it->duet = it->duet || run.design == record::design::duet;
      it->repetitions.push_back(run.repetition);
      it->unsteady.push_back(!b.warmup_steady);
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
    samples.insert(samples.end(), g.samples.begin(), g.samples.end());
  }
  if (samples.empty()) {
    row.ok = false;
    return;
  }
  row.summary_ns = stats::summarize(samples);
  const auto x = record::rates_at(row.summary_ns.median, row.batch, model.flops_per_sample,
                                  static_cast<double>(model.weight_bytes));
  row.throughput = x.throughput;
  row.gflops = x.gflops;
  row.weight_gbps = x.weight_gbps;
  if (!p.profiled_totals.empty()) {
    row.profiled_total_ns = stats::median(p.profiled_totals);
  }
  // The processes: estimates, both variance components and what looks wrong with any of them.
  stats::process_test_options o;
  o.seed = settings{}.seed ^ static_cast<std::uint64_t>(row.batch);
  const auto g = stats::estimate_group(p.groups, o);
  row.process_estimates_ns = g.process_estimates;
  row.estimate_ns = g.estimate;
  row.estimate_low_ns = g.ci_low;
  row.estimate_high_ns = g.ci_high;
  if (p.groups.size() >= 2) {
    row.between_cv = g.components.between_cv();
  }
  if (g.components.chunks > g.components.processes) {
    row.within_cv = g.components.within_cv(); // with one chunk per process there is nothing within to see
  }
  row.flags = process_flags(p.groups, g.process_estimates, p.repetitions, p.unsteady);
}

} // namespace

bool same_network(const record::model_info& a, const record::model_info& b) {
  if (a.input_shape != b.input_shape || a.outputs != b.outputs || a.inputs.size() != b.inputs.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.inputs.size(); ++i) {
    if (record::to_json(a.inputs[i]) != record::to_json(b.inputs[i])) {
      return false;
    }
  }
  return true;
}

std::vector<record::preset_comparison> compare_presets(const record::report& r, settings s) {
  s.alpha = r.settings.alpha;
  auto rows = pool(r);
  // A row's model: one of several by name, else the report's one.
  const auto model_of = [&](const std::string& name) -> const record::model_info& {
    const auto found = std::find_if(r.models.begin(), r.models.end(),
                                    [&](const record::model_info& m) { return m.name == name; });
    return found == r.models.end() ? r.model : *found;
  };
  for (auto& p : rows) {
    const auto& model = model_of(p.row.model);
    summarize(p, model);
    p.row.inert_knobs = inert_knobs_of(r, p.row.preset);
    for (const auto& run : r.runs) { // what the evidence says went wrong in the process: oneDNN off, slow paths
      if (run.preset.name == p.row.preset && run.model == p.row.model && run.evidence) {
        const auto flags = evidence::evidence_flags(*run.evidence, p.row.batch);
        p.row.flags.insert(p.row.flags.end(), flags.begin(), flags.end());
        break;
      }
    }
    // Where the result stands against the host's ceilings, when the report has them.
    if (r.context.peak && p.row.ok) {
      // The run that carries the preset's evidence, when one does: the roof follows what ran.
      const auto same = [&](const record::preset_run& x) { return x.preset.name == p.row.preset && x.model == p.row.model; };
      auto run = std::find_if(r.runs.begin(), r.runs.end(), [&](const record::preset_run& x) { return same(x) && x.evidence; });
      run = run == r.runs.end() ? std::find_if(r.runs.begin(), r.runs.end(), same) : run;
      const int threads = run->libtorch ? run->libtorch->threads : 0;
      if (threads > 0 && r.context.peak->threads > 0 && threads != r.context.peak->threads) {
        // A roof of other threads is not this run's roof (a percentage of it can pass 100%).
        p.row.flags.push_back(fmt::format("no roofline: the peak figures are of {} thread{}, this preset ran {} "
                                          "('graviton-bench peak --threads {}' measures them)",
                                          r.context.peak->threads, r.context.peak->threads == 1 ? "" : "s", threads,
                                          threads));
      } else {
        p.row.roofline = record::make_roofline(record::spec_of(model), p.row.batch, p.row.gflops, *r.context.peak,
                                               record::roof_basis_of(*run, p.row.batch, r.context.knobs));
      }
    }
  }
  // Several forms of one network (eager against compiled: the same inputs and outputs): each against the first
  // model under the same preset. Different networks are never compared with each other: each model's presets
  // against the baseline preset of that model, as with one model.
  const std::string first_model = rows.empty() ? std::string{} : rows.front().row.model;
  const auto across_models = [&](const record::preset_comparison& row) {
    return !first_model.empty() && same_network(model_of(row.model), model_of(first_model));
  };
  const auto is_base = [&](const record::preset_comparison& row) {
    return across_models(row) ? row.model == first_model : row.preset == r.settings.baseline;
  };
  for (auto& p : rows) {
    auto& row = p.row;
    row.is_baseline = is_base(row);
    const auto base = std::find_if(rows.begin(), rows.end(), [&](const pooled_row& other) {
      return is_base(other.row) && other.row.batch == row.batch &&
             (across_models(row) ? other.row.model == first_model && other.row.preset == row.preset
                                 : other.row.model == row.model);
    });
    if (row.is_baseline || base == rows.end() || !row.ok || !base->row.ok) {
      continue;
    }
    auto settings = s;
    settings.duet = p.duet && base->duet;
    row.vs_baseline = compare_samples(base->groups, p.groups, row.batch, metric::median, settings);
    if (row.profiled_total_ns && base->row.profiled_total_ns) {
      row.profiled_speedup = *base->row.profiled_total_ns / *row.profiled_total_ns;
    }
  }
  std::vector<record::preset_comparison> out;
  out.reserve(rows.size());
  for (auto& p : rows) {
    out.push_back(std::move(p.row));
  }
  return out;
}

} // namespace gbench::compare

#include "gbench/report/columns.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

// The lines around a run's table: model, comparison, peak, the recipe's ratios, effects, conditions.
namespace gbench::report {

namespace {

std::string model_text(const record::model_info& m) {
  const double flops = m.flops_per_sample;
  const bool file = m.kind != config::model_kind::mlp;
  const std::string flops_text =
      flops <= 0 ? std::string("FLOPs unknown")
                 : (flops >= 1e8 ? fmt::format("{:.2f} GFLOP", flops * 1e-9) : fmt::format("{:.3f} MFLOP", flops * 1e-6)) +
                       " per sample" + (file ? fmt::format(" ({})", m.flops_source) : "");
  const std::string kind = file ? fmt::format("{}, sha256 {}, ", config::to_string(m.kind), m.sha256.substr(0, 12)) : "";
  return fmt::format("{} ({}{} parameters, {})", m.name, kind, m.parameters, flops_text);
}

} // namespace

std::string model_line(const record::report& r) {
  std::vector<std::string> models;
  for (const auto& m : r.models.empty() ? std::vector{r.model} : r.models) {
    models.push_back(model_text(m));
  }
  const std::string warmup = r.settings.warmup_auto ? std::string("warm-up until steady")
                                                    : fmt::format("{} warm-up", r.settings.warmup);
  const auto n = r.settings.repetitions;
  // Until precise, a batch settled early ran in fewer sets than the others: say which, and after how many.
  std::string settled;
  if (r.conditions && r.conditions->precision) {
    for (const auto& b : r.conditions->precision->settled) {
      settled += fmt::format("{}batch {} after {}", settled.empty() ? "; settled: " : ", ", b.batch, b.after);
    }
  }
  if (r.settings.schedule != "rounds") {
    return fmt::format("model{} {}, {}, {}: {} process set{} of {} cycles of {:.0f} ms turns{}",
                       models.size() > 1 ? "s" : "", fmt::join(models, "; "), warmup, r.settings.schedule, n,
                       n == 1 ? "" : "s", r.settings.cycles, 1000 * r.settings.turn_s, settled);
  }
  return fmt::format("model{} {}, {} + {} timed iterations, {} repetition{}{}", models.size() > 1 ? "s" : "",
                     fmt::join(models, "; "), warmup, r.settings.iterations, n, n == 1 ? "" : "s", settled);
}

std::string comparison_line(const record::report& r) {
  std::vector<std::string> tests;
  for (const auto& row : r.comparison) {
    if (row.vs_baseline && row.vs_baseline->p_value &&
        std::find(tests.begin(), tests.end(), row.vs_baseline->test) == tests.end()) {
      tests.push_back(row.vs_baseline->test);
    }
  }
  if (tests.empty()) {
    return {};
  }
  return fmt::format("speed-ups decided by {}, alpha {}", fmt::join(tests, "; "), r.settings.alpha);
}

std::string peak_line(const record::report& r) {
  if (!r.context.peak) {
    return "roofline: no peak figures for this host (graviton-bench peak measures them once; or --peak FILE)";
  }
  const auto& p = *r.context.peak;
  return fmt::format("roofline: fp32 GEMM {:.1f}{} GFLOP/s, triad {:.1f} GB/s, {} threads ({}{}, {})", p.fp32.gflops,
                     p.bf16 ? fmt::format(", bf16 GEMM {:.1f}", p.bf16->gflops) : std::string(), p.triad.gbps,
                     p.threads, p.source, p.file.empty() ? std::string() : " " + p.file, p.date);
}

std::vector<std::string> recipe_lines(const std::vector<record::preset_comparison>& rows) {
  std::vector<std::string> lines;
  for (const auto& row : rows) {
    if (!row.vs_baseline) {
      continue;
    }
    // The row's baseline: the same model's baseline preset, else (forms of one network) the first model's row
    // under the same preset.
    const record::preset_comparison* found = nullptr;
    for (const auto& base : rows) {
      if (base.is_baseline && base.batch == row.batch && base.model == row.model && base.preset != row.preset) {
        found = &base;
      }
    }
    for (const auto& base : rows) {
      if (found == nullptr && base.is_baseline && base.batch == row.batch && base.preset == row.preset &&
          base.model != row.model) {
        found = &base;
      }
    }
    if (found != nullptr) {
      lines.push_back(recipe_line(row, *found));
    }
  }
  return lines;
}

std::vector<std::string> effect_lines(const std::vector<record::preset_comparison>& rows, bool flags) {
  std::vector<std::string> lines;
  std::vector<std::string> seen;
  for (const auto& row : rows) {
    const std::string who = row.model.empty() ? row.preset : fmt::format("{} {}", row.model, row.preset);
    if (std::find(seen.begin(), seen.end(), who) != seen.end()) {
      continue;
    }
    seen.push_back(who);
    for (const auto& e : row.effects) {
      lines.push_back(fmt::format("{}: {}", who, e));
    }
  }
  for (const auto& row : flags ? rows : std::vector<record::preset_comparison>{}) {
    for (const auto& f : row.flags) {
      lines.push_back(fmt::format("{} @ {}: {}", row.model.empty() ? row.preset : fmt::format("{} {}", row.model, row.preset),
                                  row.batch, f));
    }
  }
  return lines;
}

std::vector<std::string> condition_lines(const record::report& r) {
  std::vector<std::string> lines;
  if (!r.conditions) {
    return lines;
  }
  const auto& c = *r.conditions;
  lines.push_back(fmt::format("placement: --cpus {} (CPUs in order {}; {}); other work on them: {:.0f}% before the "
                              "run, {:.0f}% during it (this tool's processes excluded); hypervisor steal {:.0f}%",
                              c.cpus_mode, fmt::join(c.cpu_order, ","), c.placement_reason,
                              100.0 * c.other_load_before, 100.0 * c.other_load_during, 100.0 * c.steal_during));
  if (c.precision) {
    const auto& p = *c.precision;
    lines.push_back(fmt::format("precision: widest 95% interval {} ({}) after {} {}{}, target +-{:.1f}%: {}",
                                std::isfinite(p.reached) ? fmt::format("+-{:.1f}%", 100.0 * p.reached)
                                                         : std::string("not yet estimable"),
                                p.widest, p.rounds, r.settings.schedule == "rounds" ? "round" : "process set",
                                p.rounds == 1 ? "" : "s", 100.0 * p.target, p.stopped));
  }
  return lines;
}

std::string recipe_line(const record::preset_comparison& row, const record::preset_comparison& baseline) {
  // The row's own speed-up and the figures it is the ratio of, so that the line never tells another story than
  // the table; with the profiler, the recipe's own basis (profiled totals), as computed with the row.
  const auto& c = *row.vs_baseline;
  const double mine = c.candidate_value;
  const double theirs = c.baseline_value;
  const char* basis = "the processes' estimates";
  if (!row.model.empty() && row.model != baseline.model) {
    return fmt::format("{} vs {} ({}) @{}: {:.2f}x ({} vs {}, {})", row.model, baseline.model, row.preset, row.batch,
                       c.speedup, format_duration_ns(mine), format_duration_ns(theirs), basis);
  }
  if (!row.model.empty()) {
    return fmt::format("{}: {} vs {} @{}: {:.2f}x ({} vs {}, {})", row.model, row.preset, baseline.preset, row.batch,
                       c.speedup, format_duration_ns(mine), format_duration_ns(theirs), basis);
  }
  // What the evidence says changed, so that a speed-up is not read as the knob's when the backend made it.
  const std::string changed = row.attribution.empty() ? std::string{} : ": " + row.attribution;
  if (row.profiled_speedup && row.profiled_total_ns && baseline.profiled_total_ns) {
    return fmt::format("{} vs {} @{}: {:.2f}x ({} vs {}, profiled totals){}", row.preset, baseline.preset, row.batch,
                       *row.profiled_speedup, format_duration_ns(*row.profiled_total_ns),
                       format_duration_ns(*baseline.profiled_total_ns), changed);
  }
  return fmt::format("{} vs {} @{}: {:.2f}x ({} vs {}, {}){}", row.preset, baseline.preset, row.batch, c.speedup,
                     format_duration_ns(mine), format_duration_ns(theirs), basis, changed);
}

} // namespace gbench::report

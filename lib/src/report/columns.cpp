#include "gbench/report/columns.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace gbench::report {

std::string format_duration_ns(double ns) {
  if (ns >= 1e9) {
    return fmt::format("{:.3f} s", ns * 1e-9);
  }
  if (ns >= 1e6) {
    return fmt::format("{:.3f} ms", ns * 1e-6);
  }
  if (ns >= 1e3) {
    return fmt::format("{:.3f} us", ns * 1e-3);
  }
  return fmt::format("{:.0f} ns", ns);
}

namespace {

std::string if_ok(const record::preset_comparison& r, std::string value) { return r.ok ? std::move(value) : std::string("-"); }
std::string number(double v) { return fmt::format("{:.6g}", v); }
std::string optional_number(const std::optional<double>& v) { return v ? number(*v) : std::string{}; }

std::string speedup_text(const record::preset_comparison& r) {
  if (r.is_baseline) {
    return "baseline";
  }
  return r.speedup ? fmt::format("{:.2f}x", *r.speedup) : std::string("-");
}

// "155 mem" under the bandwidth roof, "176 fp32" or "378 bf16" under a compute roof.
std::string roof_text(const record::preset_comparison& r) {
  if (!r.roofline) {
    return "-";
  }
  return fmt::format("{:.0f} {}", r.roofline->bound_gflops, r.roofline->memory_bound ? "mem" : r.roofline->ceiling);
}

std::string interval_text(const record::preset_comparison& r) {
  return r.ci_low ? fmt::format("[{:.2f}, {:.2f}]", *r.ci_low, *r.ci_high) : std::string("-");
}

std::string status_text(const record::preset_comparison& r) { return r.ok ? std::string("ok") : "failed: " + r.error; }

std::string percent_text(const std::optional<double>& v) { return v ? fmt::format("{:.1f}%", 100.0 * *v) : std::string("-"); }

// Beside every row whose preset sets knobs that cannot act here, so that its speed-up (or the lack of one) is
// never read as the knob's effect; and a pointer to the flags printed below the table.
std::string note_text(const record::preset_comparison& r) {
  std::vector<std::string> parts;
  if (!r.inert_knobs.empty()) {
    parts.push_back(fmt::format("inert here: {}", fmt::join(r.inert_knobs, " ")));
  }
  if (!r.flags.empty()) {
    parts.push_back(fmt::format("{} flag{} below", r.flags.size(), r.flags.size() == 1 ? "" : "s"));
  }
  return parts.empty() ? std::string("-") : fmt::format("{}", fmt::join(parts, "; "));
}

} // namespace

const std::vector<column<record::preset_comparison>>& run_columns() {
  static const std::vector<column<record::preset_comparison>> cols{
      {"model", "model", false, [](const record::preset_comparison& r) { return r.model; },
       [](const record::preset_comparison& r) { return r.model; }},
      {"preset", "preset", false, [](const record::preset_comparison& r) { return r.preset; },
       [](const record::preset_comparison& r) { return r.preset; }},
      {"batch", "batch", true, [](const record::preset_comparison& r) { return std::to_string(r.batch); },
       [](const record::preset_comparison& r) { return std::to_string(r.batch); }},
      {"reps", "repetitions", true, [](const record::preset_comparison& r) { return std::to_string(r.repetitions); },
       [](const record::preset_comparison& r) { return std::to_string(r.repetitions); }},
      {"median", "median_ns", true, [](const record::preset_comparison& r) { return if_ok(r, format_duration_ns(r.summary_ns.median)); },
       [](const record::preset_comparison& r) { return r.ok ? number(r.summary_ns.median) : ""; }},
      {"IQR", "iqr_ns", true, [](const record::preset_comparison& r) { return if_ok(r, format_duration_ns(r.summary_ns.iqr)); },
       [](const record::preset_comparison& r) { return r.ok ? number(r.summary_ns.iqr) : ""; }},
      {"p90", "p90_ns", true, [](const record::preset_comparison& r) { return if_ok(r, format_duration_ns(r.summary_ns.p90)); },
       [](const record::preset_comparison& r) { return r.ok ? number(r.summary_ns.p90) : ""; }},
      {"samples/s", "throughput", true, [](const record::preset_comparison& r) { return if_ok(r, fmt::format("{:.1f}", r.throughput)); },
       [](const record::preset_comparison& r) { return r.ok ? number(r.throughput) : ""; }},
      {"GFLOP/s", "gflops", true, [](const record::preset_comparison& r) { return if_ok(r, fmt::format("{:.1f}", r.gflops)); },
       [](const record::preset_comparison& r) { return r.ok ? number(r.gflops) : ""; }},
      {"GB/s", "weight_gbps", true, [](const record::preset_comparison& r) { return if_ok(r, fmt::format("{:.2f}", r.weight_gbps)); },
       [](const record::preset_comparison& r) { return r.ok ? number(r.weight_gbps) : ""; }},
      {"between", "between_cv", true, [](const record::preset_comparison& r) { return percent_text(r.between_cv); },
       [](const record::preset_comparison& r) { return optional_number(r.between_cv); }},
      {"within", "within_cv", true, [](const record::preset_comparison& r) { return percent_text(r.within_cv); },
       [](const record::preset_comparison& r) { return optional_number(r.within_cv); }},
      {"FLOP/B", "intensity_flop_per_byte", true,
       [](const record::preset_comparison& r) {
         return r.roofline ? fmt::format("{:.1f}", r.roofline->intensity) : std::string("-");
       },
       [](const record::preset_comparison& r) { return r.roofline ? number(r.roofline->intensity) : std::string(); }},
      {"roof GFLOP/s", "bound_gflops", true, roof_text,
       [](const record::preset_comparison& r) { return r.roofline ? number(r.roofline->bound_gflops) : std::string(); }},
      {"% roof", "percent_of_bound", true,
       [](const record::preset_comparison& r) {
         return r.roofline ? fmt::format("{:.0f}%", r.roofline->percent_of_bound) : std::string("-");
       },
       [](const record::preset_comparison& r) {
         return r.roofline ? number(r.roofline->percent_of_bound) : std::string();
       }},
      {"speedup", "speedup", true, speedup_text, [](const record::preset_comparison& r) { return optional_number(r.speedup); }},
      {"95% CI", "speedup_ci", true, interval_text,
       [](const record::preset_comparison& r) { return r.ci_low ? fmt::format("{} {}", number(*r.ci_low), number(*r.ci_high)) : ""; }},
      {"p", "p_value", true, [](const record::preset_comparison& r) { return r.p_value ? fmt::format("{:.3g}", *r.p_value) : std::string("-"); },
       [](const record::preset_comparison& r) { return optional_number(r.p_value); }},
      {"verdict", "verdict", false, [](const record::preset_comparison& r) { return r.verdict.empty() ? std::string("-") : r.verdict; },
       [](const record::preset_comparison& r) { return r.verdict; }},
      {"cosine", "cosine", true,
       [](const record::preset_comparison& r) {
         return r.cosine ? fmt::format("{:.6f}{}", *r.cosine, r.accuracy_flagged ? " LOW" : "") : std::string("-");
       },
       [](const record::preset_comparison& r) { return optional_number(r.cosine); }},
      {"changed (evidence)", "attribution", false,
       [](const record::preset_comparison& r) {
         return r.attribution.empty() ? std::string(r.is_baseline ? "baseline" : "-") : r.attribution;
       },
       [](const record::preset_comparison& r) { return r.attribution; }},
      {"note", "note", false, note_text,
       [](const record::preset_comparison& r) { return note_text(r) == "-" ? std::string() : note_text(r); }},
      {"status", "status", false, status_text, status_text},
  };
  return cols;
}

std::vector<column<record::preset_comparison>> run_columns_for(const std::vector<record::preset_comparison>& rows) {
  const bool models =
      std::any_of(rows.begin(), rows.end(), [](const record::preset_comparison& r) { return !r.model.empty(); });
  std::vector<column<record::preset_comparison>> out;
  for (const auto& c : run_columns()) {
    if (c.key != "model" || models) {
      out.push_back(c);
    }
  }
  return out;
}

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
  return fmt::format("model{} {}, {} + {} timed iterations, {} repetition{}", models.size() > 1 ? "s" : "",
                     fmt::join(models, "; "),
                     r.settings.warmup_auto ? std::string("warm-up until steady")
                                            : fmt::format("{} warm-up", r.settings.warmup),
                     r.settings.iterations, r.settings.repetitions, r.settings.repetitions == 1 ? "" : "s");
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
    if (!row.speedup) {
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

std::vector<std::string> effect_lines(const std::vector<record::preset_comparison>& rows) {
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
  for (const auto& row : rows) {
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
    lines.push_back(fmt::format("precision: widest 95% interval {} ({}) after {} round{}, target +-{:.1f}%: {}",
                                std::isfinite(p.reached) ? fmt::format("+-{:.1f}%", 100.0 * p.reached)
                                                         : std::string("not yet estimable"),
                                p.widest, p.rounds, p.rounds == 1 ? "" : "s", 100.0 * p.target, p.stopped));
  }
  return lines;
}

std::string recipe_line(const record::preset_comparison& row, const record::preset_comparison& baseline) {
  // Without the profiler, the row's own speed-up and the figures it is the ratio of (the mean of each side's
  // process estimates), so that the line never tells another story than the table; pooled medians can.
  const bool estimates = row.speedup && row.estimate_ns && baseline.estimate_ns;
  const double ratio = estimates ? *row.speedup : baseline.summary_ns.median / row.summary_ns.median;
  const double mine = estimates ? *row.estimate_ns : row.summary_ns.median;
  const double theirs = estimates ? *baseline.estimate_ns : baseline.summary_ns.median;
  const char* basis = estimates ? "mean of the processes' estimates" : "median per forward";
  if (!row.model.empty() && row.model != baseline.model) {
    return fmt::format("{} vs {} ({}) @{}: {:.2f}x ({} vs {}, {})", row.model, baseline.model, row.preset, row.batch,
                       ratio, format_duration_ns(mine), format_duration_ns(theirs), basis);
  }
  if (!row.model.empty()) {
    return fmt::format("{}: {} vs {} @{}: {:.2f}x ({} vs {}, {})", row.model, row.preset, baseline.preset, row.batch,
                       ratio, format_duration_ns(mine), format_duration_ns(theirs), basis);
  }
  // What the evidence says changed, so that a speed-up is not read as the knob's when the backend made it.
  const std::string changed = row.attribution.empty() ? std::string{} : ": " + row.attribution;
  if (row.profiled_total_ns && baseline.profiled_total_ns) {
    return fmt::format("{} vs {} @{}: {:.2f}x ({} vs {}, profiled totals){}", row.preset, baseline.preset, row.batch,
                       *baseline.profiled_total_ns / *row.profiled_total_ns, format_duration_ns(*row.profiled_total_ns),
                       format_duration_ns(*baseline.profiled_total_ns), changed);
  }
  return fmt::format("{} vs {} @{}: {:.2f}x ({} vs {}, {}){}", row.preset, baseline.preset, row.batch, ratio,
                     format_duration_ns(mine), format_duration_ns(theirs), basis, changed);
}

} // namespace gbench::report

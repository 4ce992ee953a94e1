#include "gbench/report/columns.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"

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
  return r.vs_baseline ? fmt::format("{:.2f}x", r.vs_baseline->speedup) : std::string("-");
}

// "155 mem" under the bandwidth roof, "176 fp32" or "378 bf16" under a compute roof.
std::string roof_text(const record::preset_comparison& r) {
  if (!r.roofline) {
    return "-";
  }
  return fmt::format("{:.0f} {}", r.roofline->bound_gflops, r.roofline->memory_bound ? "mem" : r.roofline->ceiling);
}

std::string interval_text(const record::preset_comparison& r) {
  return r.vs_baseline && r.vs_baseline->speedup_low
             ? fmt::format("[{:.2f}, {:.2f}]", *r.vs_baseline->speedup_low, *r.vs_baseline->speedup_high)
             : std::string("-");
}

std::optional<double> p_of(const record::preset_comparison& r) {
  return r.vs_baseline ? r.vs_baseline->p_value : std::nullopt;
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

namespace {

using row_t = record::preset_comparison;
using col_t = column<row_t>;

bool compared(const row_t& r) { return r.vs_baseline.has_value(); }
bool has_roofline(const row_t& r) { return r.roofline.has_value(); }
bool has_cosine(const row_t& r) { return r.cosine.has_value(); }
bool failed(const row_t& r) { return !r.ok; }

// The short verdict of the default table: the comparison's verdict, the smallest change it could have shown
// when it saw none ("n.s.": not significant; "mde": minimal detectable effect).
std::string short_verdict(const row_t& r) {
  if (!r.vs_baseline) {
    return r.is_baseline ? "baseline" : "-";
  }
  const auto& c = *r.vs_baseline;
  switch (c.verdict) {
  case record::verdict::unchanged:
    return c.mde ? fmt::format("n.s., mde {:.1f}%", 100.0 * *c.mde) : std::string("n.s.");
  case record::verdict::inconclusive:
    return fmt::format("inconclusive: -r {}", c.runs_needed);
  default:
    return verdict_text(c);
  }
}

std::vector<std::string> notes_of(const row_t& r) {
  std::vector<std::string> out;
  if (!r.inert_knobs.empty()) {
    out.push_back(fmt::format("inert here: {}", fmt::join(r.inert_knobs, " ")));
  }
  if (!r.attribution.empty()) {
    out.push_back(r.attribution);
  }
  for (const auto& f : r.flags) {
    out.push_back(f);
  }
  if (r.vs_baseline) {
    for (const auto& o : r.vs_baseline->outliers) {
      out.push_back(o);
    }
    if (!r.vs_baseline->note.empty() && r.vs_baseline->verdict != record::verdict::inconclusive) {
      out.push_back(r.vs_baseline->note);
    }
  }
  if (!r.ok) {
    out.push_back("failed: " + r.error);
  }
  return out;
}

std::vector<col_t> make_run_columns() {
  const auto ok_text = [](auto f) { return [f](const row_t& r) { return if_ok(r, f(r)); }; };
  return {
      {"model", "model", false, [](const row_t& r) { return r.model; }, [](const row_t& r) { return r.model; }},
      {"preset", "preset", false, [](const row_t& r) { return r.preset; }, [](const row_t& r) { return r.preset; }},
      {"batch", "batch", true, [](const row_t& r) { return std::to_string(r.batch); },
       [](const row_t& r) { return std::to_string(r.batch); }},
      {"reps", "repetitions", true, [](const row_t& r) { return std::to_string(r.repetitions); },
       [](const row_t& r) { return std::to_string(r.repetitions); }, false},
      {"median", "median_ns", true, ok_text([](const row_t& r) { return format_duration_ns(r.summary_ns.median); }),
       [](const row_t& r) { return r.ok ? number(r.summary_ns.median) : ""; }},
      {"IQR", "iqr_ns", true, ok_text([](const row_t& r) { return format_duration_ns(r.summary_ns.iqr); }),
       [](const row_t& r) { return r.ok ? number(r.summary_ns.iqr) : ""; }},
      {"p90", "p90_ns", true, ok_text([](const row_t& r) { return format_duration_ns(r.summary_ns.p90); }),
       [](const row_t& r) { return r.ok ? number(r.summary_ns.p90) : ""; }, false},
      {"samples/s", "throughput", true, ok_text([](const row_t& r) { return fmt::format("{:.1f}", r.throughput); }),
       [](const row_t& r) { return r.ok ? number(r.throughput) : ""; }},
      {"GFLOP/s", "gflops", true, ok_text([](const row_t& r) { return fmt::format("{:.1f}", r.gflops); }),
       [](const row_t& r) { return r.ok ? number(r.gflops) : ""; }},
      {"GB/s", "weight_gbps", true, ok_text([](const row_t& r) { return fmt::format("{:.2f}", r.weight_gbps); }),
       [](const row_t& r) { return r.ok ? number(r.weight_gbps) : ""; }, false},
      {"between", "between_cv", true, [](const row_t& r) { return percent_text(r.between_cv); },
       [](const row_t& r) { return optional_number(r.between_cv); }, false},
      {"within", "within_cv", true, [](const row_t& r) { return percent_text(r.within_cv); },
       [](const row_t& r) { return optional_number(r.within_cv); }, false},
      {"FLOP/B", "intensity_flop_per_byte", true,
       [](const row_t& r) { return r.roofline ? fmt::format("{:.1f}", r.roofline->intensity) : std::string("-"); },
       [](const row_t& r) { return r.roofline ? number(r.roofline->intensity) : std::string(); }, false},
      {"roof GFLOP/s", "bound_gflops", true, roof_text,
       [](const row_t& r) { return r.roofline ? number(r.roofline->bound_gflops) : std::string(); }, false},
      {"% roof", "percent_of_bound", true,
       [](const row_t& r) {
         return r.roofline ? fmt::format("{:.0f}%", r.roofline->percent_of_bound) : std::string("-");
       },
       [](const row_t& r) { return r.roofline ? number(r.roofline->percent_of_bound) : std::string(); }, true,
       has_roofline},
      {"speedup", "speedup", true, speedup_text,
       [](const row_t& r) { return r.vs_baseline ? number(r.vs_baseline->speedup) : std::string(); }, true, compared},
      {"95% CI", "speedup_ci", true, interval_text,
       [](const row_t& r) {
         return r.vs_baseline && r.vs_baseline->speedup_low
                    ? fmt::format("{} {}", number(*r.vs_baseline->speedup_low), number(*r.vs_baseline->speedup_high))
                    : std::string();
       },
       true, compared},
      {"p", "p_value", true,
       [](const row_t& r) { return p_of(r) ? fmt::format("{:.3g}", *p_of(r)) : std::string("-"); },
       [](const row_t& r) { return optional_number(p_of(r)); }, false},
      {"verdict", "verdict", false,
       [](const row_t& r) { return r.vs_baseline ? verdict_text(*r.vs_baseline) : std::string("-"); },
       [](const row_t& r) {
         return r.vs_baseline ? std::string(record::name_of(r.vs_baseline->verdict)) : std::string();
       },
       true, compared},
      {"cosine", "cosine", true,
       [](const row_t& r) {
         return r.cosine ? fmt::format("{:.6f}{}", *r.cosine, r.accuracy_flagged ? " LOW" : "") : std::string("-");
       },
       [](const row_t& r) { return optional_number(r.cosine); }, true, has_cosine},
      {"changed (evidence)", "attribution", false,
       [](const row_t& r) { return r.attribution.empty() ? std::string(r.is_baseline ? "baseline" : "-") : r.attribution; },
       [](const row_t& r) { return r.attribution; }, false},
      {"note", "note", false, note_text, [](const row_t& r) { return note_text(r) == "-" ? std::string() : note_text(r); },
       false},
      // The default table's numbered notes (numbered_notes), filled in by the reporter that shows them.
      {"notes", "notes", false, [](const row_t&) { return std::string("-"); }, {}, true,
       [](const row_t& r) { return !notes_of(r).empty(); }},
      {"status", "status", false, status_text, status_text, true, failed},
  };
}

} // namespace

const std::vector<column<record::preset_comparison>>& run_columns() {
  static const std::vector<col_t> cols = make_run_columns();
  return cols;
}

std::vector<column<record::preset_comparison>> run_columns_for(const std::vector<record::preset_comparison>& rows,
                                                               const std::vector<std::string>& selection) {
  const bool models = std::any_of(rows.begin(), rows.end(), [](const row_t& r) { return !r.model.empty(); });
  const auto wanted = [&](const col_t& c) { return c.key != "model" || models; };
  std::vector<col_t> out;
  if (selection.empty()) {
    for (const auto& c : run_columns()) {
      const bool informs = !c.informs || std::any_of(rows.begin(), rows.end(), c.informs);
      if (c.by_default && informs && wanted(c)) {
        out.push_back(c);
      }
    }
    return out;
  }
  if (selection.size() == 1 && selection.front() == "all") {
    for (const auto& c : run_columns()) {
      if (wanted(c) && c.key != "notes") {
        out.push_back(c);
      }
    }
    return out;
  }
  for (const auto& name : selection) {
    const auto& all = run_columns();
    const auto it = std::find_if(all.begin(), all.end(), [&](const col_t& c) { return c.key == name || c.header == name; });
    if (it == all.end()) {
      std::vector<std::string> keys;
      for (const auto& c : all) {
        keys.push_back(c.key);
      }
      throw input_error(fmt::format("--columns: unknown column '{}'; valid columns: all, {}", name, fmt::join(keys, ", ")));
    }
    out.push_back(*it);
  }
  return out;
}

std::vector<std::string> numbered_notes(const std::vector<record::preset_comparison>& rows,
                                        std::vector<std::string>& numbers) {
  std::vector<std::string> notes;
  numbers.clear();
  for (const auto& r : rows) {
    std::vector<std::string> mine;
    for (const auto& n : notes_of(r)) {
      const std::string line = fmt::format("{} @ {}: {}", r.model.empty() ? r.preset : r.model + " " + r.preset, r.batch, n);
      notes.push_back(line);
      mine.push_back(std::to_string(notes.size()));
    }
    numbers.push_back(mine.empty() ? std::string("-") : fmt::format("{}", fmt::join(mine, " ")));
  }
  return notes;
}

bool shows_notes(const std::vector<column<record::preset_comparison>>& cols) {
  return std::any_of(cols.begin(), cols.end(), [](const col_t& c) { return c.key == "notes"; });
}

std::vector<std::vector<std::string>> cells_with_notes(const std::vector<record::preset_comparison>& rows,
                                                       const std::vector<column<record::preset_comparison>>& cols,
                                                       const std::vector<std::string>& numbers) {
  auto cells = text_cells(rows, cols);
  for (std::size_t c = 0; c < cols.size(); ++c) {
    for (std::size_t i = 0; i < cells.size() && i < numbers.size(); ++i) {
      if (cols[c].key == "notes") {
        cells[i][c] = numbers[i];
      } else if (cols[c].key == "status" && shows_notes(cols)) {
        cells[i][c] = rows[i].ok ? "ok" : "failed"; // the reason is a numbered note
      } else if (cols[c].key == "verdict" && shows_notes(cols)) {
        cells[i][c] = short_verdict(rows[i]);
      }
    }
  }
  return cells;
}

std::string verdict_text(const record::comparison& c) {
  switch (c.verdict) {
  case record::verdict::better:
    return "faster";
  case record::verdict::worse:
    return "slower";
  case record::verdict::unchanged:
    return c.mde ? fmt::format("no significant difference (would detect >= {:.1f}%)", 100.0 * *c.mde)
                 : std::string("no significant difference");
  case record::verdict::too_few_samples:
    return "too few samples";
  case record::verdict::inconclusive:
    // Short for the table; why is in docs/statistics.md and in compare's note.
    return fmt::format("inconclusive: too few {}, -r {} or more",
                       c.design == record::design::lockstep || c.design == record::design::duet ? "process sets"
                                                                                                 : "runs",
                       c.runs_needed);
  }
  return "?";
}

} // namespace gbench::report

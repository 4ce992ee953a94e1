#include "gbench/report/report.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/report/comparison.hpp"
#include "gbench/report/text_table.hpp"

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

std::string interval_text(const record::preset_comparison& r) {
  return r.ci_low ? fmt::format("[{:.2f}, {:.2f}]", *r.ci_low, *r.ci_high) : std::string("-");
}

std::string status_text(const record::preset_comparison& r) { return r.ok ? std::string("ok") : "failed: " + r.error; }

} // namespace

const std::vector<column>& columns() {
  static const std::vector<column> cols{
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
      {"status", "status", false, status_text, status_text},
  };
  return cols;
}

std::vector<column> visible_columns(const std::vector<record::preset_comparison>& rows) {
  const bool models = std::any_of(rows.begin(), rows.end(), [](const record::preset_comparison& r) { return !r.model.empty(); });
  std::vector<column> out;
  for (const auto& c : columns()) {
    if (c.key != "model" || models) {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) {
    return s;
  }
  std::string out = "\"";
  for (const char c : s) {
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return out + "\"";
}

std::vector<std::vector<std::string>> cells(const std::vector<record::preset_comparison>& rows) {
  std::vector<std::vector<std::string>> out;
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (const auto& c : visible_columns(rows)) {
      line.push_back(c.text(row));
    }
    out.push_back(std::move(line));
  }
  return out;
}

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

std::string model_line(const record::report& r) {
  std::vector<std::string> models;
  for (const auto& m : r.models.empty() ? std::vector{r.model} : r.models) {
    models.push_back(model_text(m));
  }
  return fmt::format("model{} {}, {} warm-up + {} timed iterations, {} repetition{}", models.size() > 1 ? "s" : "",
                     fmt::join(models, "; "), r.settings.warmup, r.settings.iterations, r.settings.repetitions,
                     r.settings.repetitions == 1 ? "" : "s");
}

// "bf16 vs default @256: ..." for every row that has a baseline to compare with.
std::vector<std::string> recipe_lines(const std::vector<record::preset_comparison>& rows) {
  std::vector<std::string> lines;
  for (const auto& row : rows) {
    if (!row.speedup) {
      continue;
    }
    for (const auto& base : rows) {
      if (base.is_baseline && base.batch == row.batch && (row.model.empty() || base.preset == row.preset)) {
        lines.push_back(recipe_line(row, base));
      }
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
  return lines;
}

class table_reporter final : public reporter {
public:
  void write(const record::report& r, std::ostream& out) const override {
    const auto& rows = r.comparison;
    std::vector<std::string> header;
    std::vector<bool> right;
    for (const auto& c : visible_columns(rows)) {
      header.push_back(c.header);
      right.push_back(c.numeric);
    }
    out << model_line(r) << '\n';
    out << aligned_table(header, right, cells(rows));
    const auto recipe = recipe_lines(rows);
    if (!recipe.empty()) {
      out << '\n';
      for (const auto& line : recipe) {
        out << line << '\n';
      }
    }
    for (const auto& line : effect_lines(rows)) {
      out << line << '\n';
    }
  }
};

class markdown_reporter final : public reporter {
public:
  void write(const record::report& r, std::ostream& out) const override {
    const auto& rows = r.comparison;
    std::vector<std::string> header;
    std::vector<std::string> align;
    for (const auto& c : visible_columns(rows)) {
      header.push_back(c.header);
      align.push_back(c.numeric ? "---:" : ":---");
    }
    out << "*" << model_line(r) << "*\n\n";
    out << "| " << fmt::format("{}", fmt::join(header, " | ")) << " |\n";
    out << "| " << fmt::format("{}", fmt::join(align, " | ")) << " |\n";
    for (const auto& line : cells(rows)) {
      std::vector<std::string> escaped;
      for (const auto& cell : line) {
        escaped.push_back(markdown_cell(cell));
      }
      out << "| " << fmt::format("{}", fmt::join(escaped, " | ")) << " |\n";
    }
    const auto recipe = recipe_lines(rows);
    const auto effects = effect_lines(rows);
    if (!recipe.empty() || !effects.empty()) {
      out << '\n';
    }
    for (const auto& line : recipe) {
      out << "- " << line << '\n';
    }
    for (const auto& line : effects) {
      out << "- " << line << '\n';
    }
  }
};

class csv_reporter final : public reporter {
public:
  void write(const record::report& r, std::ostream& out) const override {
    // Machine-readable: the raw values (ns, ratios), not the human units of the table.
    const auto& rows = r.comparison;
    std::vector<std::string> keys;
    for (const auto& c : visible_columns(rows)) {
      keys.push_back(c.key);
    }
    out << fmt::format("{}", fmt::join(keys, ",")) << '\n';
    for (const auto& row : rows) {
      std::vector<std::string> fields;
      for (const auto& c : visible_columns(rows)) {
        fields.push_back(csv_field(c.value(row)));
      }
      out << fmt::format("{}", fmt::join(fields, ",")) << '\n';
    }
  }
};

class json_reporter final : public reporter {
public:
  void write(const record::report& r, std::ostream& out) const override { out << record::to_json(r).dump(2) << '\n'; }
};

// One JSON document per line: the context first, each preset's results as its process finishes, then the
// comparison. A crash loses nothing already written.
class jsonl_reporter final : public reporter {
public:
  void begin(const record::report& r, std::ostream& out) const override {
    nlohmann::json head = record::to_json(r);
    head.erase("runs");
    head.erase("comparison");
    head["type"] = "context";
    out << head.dump() << '\n' << std::flush;
  }
  void on_run(const record::preset_run& run, std::ostream& out) const override {
    const auto j = record::to_json(run);
    for (const auto& result : j["results"]) {
      nlohmann::json line = result;
      line["type"] = "result";
      line["preset"] = run.preset.name;
      if (!run.model.empty()) {
        line["model"] = run.model;
      }
      line["repetition"] = run.repetition;
      out << line.dump() << '\n';
    }
    if (!run.ok) {
      out << nlohmann::json{{"type", "failure"}, {"preset", run.preset.name}, {"repetition", run.repetition},
                            {"error", run.error}, {"stderr_tail", run.stderr_tail}}.dump()
          << '\n';
    }
    out << std::flush;
  }
  void write(const record::report& r, std::ostream& out) const override {
    for (const auto& row : r.comparison) {
      nlohmann::json line = record::to_json(row);
      line["type"] = "comparison";
      out << line.dump() << '\n';
    }
  }
};

} // namespace

std::vector<std::string> reporter_formats() { return {"table", "markdown", "csv", "json", "jsonl"}; }

std::unique_ptr<reporter> make_reporter(const std::string& format) {
  if (format == "table") {
    return std::make_unique<table_reporter>();
  }
  if (format == "markdown") {
    return std::make_unique<markdown_reporter>();
  }
  if (format == "csv") {
    return std::make_unique<csv_reporter>();
  }
  if (format == "json") {
    return std::make_unique<json_reporter>();
  }
  if (format == "jsonl") {
    return std::make_unique<jsonl_reporter>();
  }
  throw input_error(fmt::format("--format: unknown format '{}'; valid formats: {}", format,
                                fmt::join(reporter_formats(), ", ")));
}

} // namespace gbench::report

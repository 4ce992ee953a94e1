#include "gbench/report/report.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/version.hpp"

namespace gbench::report {

std::string rfc3339_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

nlohmann::json make_context(const host::host_info& host, const std::vector<std::string>& command_line) {
  return {{"tool", {{"name", "graviton-bench"}, {"version", gbench::version}, {"git_sha", gbench::git_sha}}},
          {"date", rfc3339_now()},
          {"host", host::to_json(host)},
          {"command_line", command_line}};
}

nlohmann::json to_json(const run_report& r) {
  nlohmann::json j;
  j["schema"] = "graviton-bench-report";
  j["schema_version"] = schema_version;
  j["context"] = r.context;
  j["model"] = config::to_json(r.plan.model);
  j["model"]["parameters"] = r.plan.model.parameter_count();
  j["model"]["weight_bytes"] = r.plan.model.weight_bytes();
  j["model"]["flops_per_sample"] = r.plan.model.flops_per_sample();
  j["settings"] = {{"batches", r.plan.batches},
                   {"warmup", r.plan.warmup},
                   {"iterations", r.plan.iterations},
                   {"seed", r.plan.seed},
                   {"threads", r.plan.threads ? nlohmann::json(*r.plan.threads) : nlohmann::json(nullptr)},
                   {"managed_env", r.plan.managed_env},
                   {"env_overrides", r.plan.env_overrides}};
  j["runs"] = nlohmann::json::array();
  for (const auto& run : r.runs) {
    j["runs"].push_back(run::to_json(run));
  }
  return j;
}

std::vector<row> rows_of(const run_report& r) {
  std::vector<row> rows;
  for (const auto& run : r.runs) {
    for (const auto& b : run.batches) {
      rows.push_back({&run, &b});
    }
  }
  return rows;
}

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

std::string if_ok(const row& r, std::string value) { return r.result->ok ? std::move(value) : std::string("-"); }

} // namespace

const std::vector<column>& columns() {
  static const std::vector<column> cols{
      {"preset", "preset", false, [](const row& r) { return r.run->preset.name; }},
      {"batch", "batch", true, [](const row& r) { return std::to_string(r.result->batch); }},
      {"median", "median_ns", true,
       [](const row& r) { return if_ok(r, format_duration_ns(r.result->summary_ns.median)); }},
      {"p90", "p90_ns", true, [](const row& r) { return if_ok(r, format_duration_ns(r.result->summary_ns.p90)); }},
      {"IQR", "iqr_ns", true, [](const row& r) { return if_ok(r, format_duration_ns(r.result->summary_ns.iqr)); }},
      {"CV", "cv", true, [](const row& r) { return if_ok(r, fmt::format("{:.1f}%", 100 * r.result->summary_ns.cv)); }},
      {"samples/s", "throughput", true, [](const row& r) { return if_ok(r, fmt::format("{:.1f}", r.result->throughput)); }},
      {"GFLOP/s", "gflops", true, [](const row& r) { return if_ok(r, fmt::format("{:.1f}", r.result->gflops)); }},
      {"GB/s", "weight_gbps", true, [](const row& r) { return if_ok(r, fmt::format("{:.2f}", r.result->weight_gbps)); }},
      {"iters", "iterations", true, [](const row& r) { return std::to_string(r.result->samples_ns.size()); }},
      {"status", "status", false, [](const row& r) { return r.result->ok ? std::string("ok") : "failed: " + r.result->error; }},
  };
  return cols;
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

std::vector<std::vector<std::string>> cells(const run_report& r) {
  std::vector<std::vector<std::string>> out;
  for (const auto& rw : rows_of(r)) {
    std::vector<std::string> line;
    for (const auto& c : columns()) {
      line.push_back(c.format(rw));
    }
    out.push_back(std::move(line));
  }
  return out;
}

class table_reporter final : public reporter {
public:
  void write(const run_report& r, std::ostream& out) const override {
    const auto& cols = columns();
    const auto body = cells(r);
    std::vector<std::size_t> width(cols.size());
    for (std::size_t c = 0; c < cols.size(); ++c) {
      width[c] = cols[c].header.size();
      for (const auto& line : body) {
        width[c] = std::max(width[c], line[c].size());
      }
    }
    const double flops = r.plan.model.flops_per_sample();
    out << fmt::format("model {} ({} parameters, {} per sample), {} warm-up + {} timed iterations\n", r.plan.model.name,
                       r.plan.model.parameter_count(),
                       flops >= 1e8 ? fmt::format("{:.2f} GFLOP", flops * 1e-9) : fmt::format("{:.3f} MFLOP", flops * 1e-6),
                       r.plan.warmup, r.plan.iterations);
    auto print_line = [&](const std::vector<std::string>& line) {
      std::string text;
      for (std::size_t c = 0; c < cols.size(); ++c) {
        text += c == 0 ? "" : "  ";
        text += cols[c].numeric ? fmt::format("{:>{}}", line[c], width[c]) : fmt::format("{:<{}}", line[c], width[c]);
      }
      while (!text.empty() && text.back() == ' ') {
        text.pop_back();
      }
      out << text << '\n';
    };
    std::vector<std::string> header;
    for (const auto& c : cols) {
      header.push_back(c.header);
    }
    print_line(header);
    std::vector<std::string> rule;
    for (const auto w : width) {
      rule.emplace_back(w, '-');
    }
    print_line(rule);
    for (const auto& line : body) {
      print_line(line);
    }
  }
};

class markdown_reporter final : public reporter {
public:
  void write(const run_report& r, std::ostream& out) const override {
    std::vector<std::string> header;
    std::vector<std::string> align;
    for (const auto& c : columns()) {
      header.push_back(c.header);
      align.push_back(c.numeric ? "---:" : ":---");
    }
    out << "| " << fmt::format("{}", fmt::join(header, " | ")) << " |\n";
    out << "| " << fmt::format("{}", fmt::join(align, " | ")) << " |\n";
    for (const auto& line : cells(r)) {
      std::vector<std::string> escaped;
      for (const auto& cell : line) {
        std::string e;
        for (const char ch : cell) {
          e += ch == '|' ? std::string("\\|") : std::string(1, ch);
        }
        escaped.push_back(e);
      }
      out << "| " << fmt::format("{}", fmt::join(escaped, " | ")) << " |\n";
    }
  }
};

class csv_reporter final : public reporter {
public:
  void write(const run_report& r, std::ostream& out) const override {
    // Machine-readable: raw numbers, not the human units of the other formats.
    out << "preset,batch,status,median_ns,p90_ns,p99_ns,mean_ns,min_ns,iqr_ns,stddev_ns,cv,throughput,gflops,"
           "weight_gbps,iterations\n";
    for (const auto& rw : rows_of(r)) {
      const auto& b = *rw.result;
      const auto& s = b.summary_ns;
      out << csv_field(rw.run->preset.name) << ',' << b.batch << ',' << (b.ok ? "ok" : "failed");
      if (b.ok) {
        out << fmt::format(",{},{},{},{},{},{},{},{:.6g},{:.6g},{:.6g},{:.6g},{}", s.median, s.p90, s.p99, s.mean, s.min,
                           s.iqr, s.stddev, s.cv, b.throughput, b.gflops, b.weight_gbps, b.samples_ns.size());
      } else {
        out << ",,,,,,,,,,,,0";
      }
      out << '\n';
    }
  }
};

class json_reporter final : public reporter {
public:
  void write(const run_report& r, std::ostream& out) const override { out << to_json(r).dump(2) << '\n'; }
};

} // namespace

std::vector<std::string> reporter_formats() { return {"table", "markdown", "csv", "json"}; }

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
  throw input_error(fmt::format("--format: unknown format '{}'; valid formats: {}", format,
                                fmt::join(reporter_formats(), ", ")));
}

} // namespace gbench::report

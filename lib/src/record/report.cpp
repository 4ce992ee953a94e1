#include "gbench/record/report.hpp"

#include <fstream>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/json_limits.hpp"
#include "gbench/record/peak.hpp"
#include "gbench/record/status.hpp"
#include "gbench/util/files.hpp"

namespace gbench::record {

nlohmann::json to_json(const preset_comparison& c) {
  nlohmann::json j{{"preset", c.preset}, {"batch", c.batch}, {"status", status_word(c.ok)}};
  if (!c.model.empty()) {
    j["model"] = c.model;
  }
  if (!c.ok) {
    j["error"] = c.error;
    return j;
  }
  j["repetitions"] = c.repetitions;
  j["statistics_ns"] = to_json(c.summary_ns);
  j["throughput_samples_per_s"] = c.throughput;
  j["gflops"] = c.gflops;
  j["weight_gbps"] = c.weight_gbps;
  if (c.roofline) {
    j["roofline"] = to_json(*c.roofline);
  }
  j["profiled_total_ns"] = or_null(c.profiled_total_ns);
  j["baseline"] = c.is_baseline;
  if (c.vs_baseline) {
    j["vs_baseline"] = to_json(*c.vs_baseline);
  }
  if (c.profiled_speedup) {
    j["profiled_speedup"] = *c.profiled_speedup;
  }
  if (!c.process_estimates_ns.empty()) {
    j["processes"] = {{"estimates_ns", c.process_estimates_ns},
                      {"estimate_ns", or_null(c.estimate_ns)},
                      {"estimate_ci95_ns", c.estimate_low_ns ? nlohmann::json{*c.estimate_low_ns, *c.estimate_high_ns}
                                                             : nlohmann::json(nullptr)},
                      {"between_cv", or_null(c.between_cv)},
                      {"within_cv", or_null(c.within_cv)},
                      {"flags", c.flags}};
  }
  if (!c.inert_knobs.empty()) {
    j["inert_knobs"] = c.inert_knobs;
  }
  if (!c.effects.empty()) {
    j["effects"] = c.effects;
  }
  if (!c.attribution.empty()) {
    j["attribution"] = c.attribution;
  }
  if (c.cosine) {
    j["accuracy"] = {{"cosine", *c.cosine}, {"flagged", c.accuracy_flagged}};
  }
  return j;
}

void from_json(const node& n, preset_comparison& out) {
  read(n, "preset", out.preset);
  read_optional(n, "model", out.model);
  read(n, "batch", out.batch);
  out.ok = read_status(n);
  if (!out.ok) {
    read_optional(n, "error", out.error);
    return;
  }
  read(n, "repetitions", out.repetitions);
  read(n, "statistics_ns", out.summary_ns);
  read_optional(n, "throughput_samples_per_s", out.throughput);
  read_optional(n, "gflops", out.gflops);
  read_optional(n, "weight_gbps", out.weight_gbps);
  read_optional(n, "roofline", out.roofline);
  if (out.roofline) {
    out.roofline->achieved_gflops = out.gflops;
  }
  read_optional(n, "profiled_total_ns", out.profiled_total_ns);
  read_optional(n, "baseline", out.is_baseline);
  read_optional(n, "vs_baseline", out.vs_baseline);
  read_optional(n, "profiled_speedup", out.profiled_speedup);
  if (const auto p = n.find("processes")) {
    read_optional(*p, "estimates_ns", out.process_estimates_ns);
    read_optional(*p, "estimate_ns", out.estimate_ns);
    if (const auto ci = p->find("estimate_ci95_ns")) {
      const auto bounds = ci->elements();
      if (bounds.size() != 2) {
        ci->fail_type("[low, high]");
      }
      out.estimate_low_ns = bounds[0].number();
      out.estimate_high_ns = bounds[1].number();
    }
    read_optional(*p, "between_cv", out.between_cv);
    read_optional(*p, "within_cv", out.within_cv);
    read_optional(*p, "flags", out.flags);
  }
  read_optional(n, "inert_knobs", out.inert_knobs);
  read_optional(n, "effects", out.effects);
  read_optional(n, "attribution", out.attribution);
  if (const auto a = n.find("accuracy")) {
    read(*a, "cosine", out.cosine);
    read_optional(*a, "flagged", out.accuracy_flagged);
  }
}

nlohmann::json to_json(const report& r) {
  nlohmann::json j;
  j["schema"] = "graviton-bench-report";
  j["schema_version"] = schema_version;
  if (r.status != "complete") {
    j["status"] = r.status; // reports written before the status existed stay the same when read and written again
  }
  j["context"] = to_json(r.context);
  j["model"] = to_json(r.model);
  if (!r.models.empty()) {
    j["models"] = nlohmann::json::array();
    for (const auto& m : r.models) {
      j["models"].push_back(to_json(m));
    }
  }
  j["settings"] = to_json(r.settings);
  j["runs"] = nlohmann::json::array();
  for (const auto& run : r.runs) {
    j["runs"].push_back(to_json(run));
  }
  j["comparison"] = nlohmann::json::array();
  for (const auto& row : r.comparison) {
    j["comparison"].push_back(to_json(row));
  }
  if (r.conditions) {
    j["conditions"] = to_json(*r.conditions);
  }
  return j;
}

void from_json(const node& n, report& out) {
  n.expect_object();
  if (!n.json().contains("schema") && n.json().contains("benchmarks")) {
    n.fail("this is Google Benchmark JSON (e.g. from 'graviton-bench export'), not a graviton-bench report; compare "
           "the reports written by --json");
  }
  const auto schema = n.at("schema");
  if (const std::string name = schema.string(); name != "graviton-bench-report") {
    schema.fail(fmt::format("\"{}\" is not a graviton-bench report (expected \"graviton-bench-report\")", name));
  }
  const auto version_node = n.at("schema_version");
  const std::int64_t version = version_node.integer();
  if (version != schema_version && version != 1) {
    version_node.fail(version > schema_version
                          ? fmt::format("{} is newer than this graviton-bench reads ({}); use a newer graviton-bench",
                                        version, schema_version)
                          : fmt::format("{} is not a schema version (expected 1 or {})", version, schema_version));
  }
  read_optional(n, "status", out.status);
  if (out.status != "complete" && out.status != "interrupted") {
    n.at("status").fail(fmt::format("expected \"complete\" or \"interrupted\", found \"{}\"", out.status));
  }
  read(n, "context", out.context);
  read(n, "model", out.model);
  read_optional(n, "models", out.models);
  read(n, "settings", out.settings);
  read(n, "runs", out.runs);
  if (version == schema_version) {
    // Version 1 laid its comparison out otherwise; it is computed again from the runs when needed.
    read_optional(n, "comparison", out.comparison);
  }
  read_optional(n, "conditions", out.conditions);
}

report parse_report(const std::string& text, const std::string& name) {
  const nlohmann::json j = parse_document(text, name);
  report r;
  from_json(node(j, name), r);
  return r;
}

std::string read_report_text(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw report_error(fmt::format("{}: no such file", name));
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw report_error(fmt::format("{}: is a directory; expected a graviton-bench JSON report", name));
  }
  if (const auto too_large = util::file_size_violation(path, util::report_json_limits)) {
    throw report_error(fmt::format("{}: {}; not a report graviton-bench writes (refused before reading)", name,
                                   *too_large));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    throw report_error(fmt::format("{}: cannot be read; check its permissions", name));
  }
  auto text = util::read_bounded(in, util::report_json_limits.max_bytes);
  if (!text) {
    throw report_error(fmt::format("{}: more than {} MiB without an end; not a report graviton-bench writes", name,
                                   util::report_json_limits.max_bytes >> 20U));
  }
  return std::move(*text);
}

report load_report(const std::filesystem::path& path) {
  return parse_report(read_report_text(path), path.string());
}

} // namespace gbench::record

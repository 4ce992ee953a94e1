#include "gbench/record/report.hpp"

#include <cmath>
#include <limits>
#include <fstream>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/json_limits.hpp"
#include "gbench/record/peak.hpp"
#include "gbench/record/status.hpp"
#include "gbench/util/files.hpp"

namespace gbench::record {

model_info describe(const config::model_spec& spec) {
  return {.name = spec.name,
          .description = spec.description,
          .input_shape = spec.input_shape,
          .hidden = spec.hidden,
          .outputs = spec.outputs,
          .parameters = spec.parameter_count(),
          .weight_bytes = spec.weight_bytes(),
          .flops_per_sample = spec.flops_per_sample(),
          .flops_source = spec.flops_source,
          .kind = spec.kind,
          .file = spec.file,
          .sha256 = spec.sha256,
          .file_bytes = spec.file_bytes,
          .inputs = spec.inputs,
          .inputs_from = spec.inputs_from,
          .sidecar = spec.sidecar,
          .twin = spec.twin,
          .sidecar_flops = spec.sidecar_flops};
}

config::model_spec spec_of(const model_info& m) {
  // Field by field: the file fields below have defaults (-Wmissing-field-initializers).
  config::model_spec spec;
  spec.name = m.name;
  spec.description = m.description;
  spec.input_shape = m.input_shape;
  spec.hidden = m.hidden;
  spec.outputs = m.outputs;
  if (m.kind != config::model_kind::mlp) {
    spec.kind = m.kind;
    spec.file = m.file;
    spec.sha256 = m.sha256;
    spec.file_bytes = m.file_bytes;
    spec.inputs = m.inputs;
    spec.inputs_from = m.inputs_from;
    spec.sidecar = m.sidecar;
    spec.twin = m.twin;
    spec.file_parameters = m.parameters;
    spec.file_weight_bytes = m.weight_bytes;
    spec.file_flops = m.flops_per_sample;
    spec.flops_source = m.flops_source;
    spec.sidecar_flops = m.sidecar_flops;
  }
  return spec;
}

nlohmann::json to_json(const config::input_spec& in) {
  nlohmann::json j{{"name", in.name}, {"shape", in.shape}, {"dtype", in.dtype}};
  if (in.is_integer()) {
    j["range"] = {in.low, in.high};
  }
  return j;
}

void from_json(const node& n, config::input_spec& out) {
  read(n, "name", out.name);
  read(n, "shape", out.shape);
  read(n, "dtype", out.dtype);
  if (const auto range = n.find("range")) {
    const auto ends = range->elements();
    if (ends.size() != 2) {
      range->fail_type("[low, high]");
    }
    out.low = ends[0].integer();
    out.high = ends[1].integer();
  }
}

nlohmann::json to_json(const model_info& m) {
  nlohmann::json j{{"name", m.name},
          {"description", m.description},
          {"input_shape", m.input_shape},
          {"hidden", m.hidden},
          {"outputs", m.outputs},
          {"parameters", m.parameters},
          {"weight_bytes", m.weight_bytes},
          {"flops_per_sample", m.flops_per_sample}};
  if (m.kind == config::model_kind::mlp) {
    return j; // the MLP's FLOPs are its formula's; its reports stay as those of earlier versions
  }
  j["flops_source"] = m.flops_source;
  j["kind"] = config::to_string(m.kind);
  j["file"] = m.file;
  j["sha256"] = m.sha256;
  j["file_bytes"] = m.file_bytes;
  j["inputs"] = nlohmann::json::array();
  for (const auto& in : m.inputs) {
    j["inputs"].push_back(to_json(in));
  }
  j["inputs_from"] = m.inputs_from;
  j["sidecar"] = m.sidecar;
  j["twin"] = m.twin;
  j["sidecar_flops"] = or_null(m.sidecar_flops);
  return j;
}

void from_json(const node& n, model_info& out) {
  // The shape is what compare checks two reports by; the rest is read when there.
  read(n, "name", out.name);
  read(n, "input_shape", out.input_shape);
  read(n, "hidden", out.hidden);
  read(n, "outputs", out.outputs);
  read_optional(n, "description", out.description);
  read_optional(n, "parameters", out.parameters);
  read_optional(n, "weight_bytes", out.weight_bytes);
  read_optional(n, "flops_per_sample", out.flops_per_sample);
  read_optional(n, "flops_source", out.flops_source);
  if (const auto kind = n.find("kind")) {
    const std::string word = kind->string();
    if (word != "torchscript" && word != "aoti" && word != "mlp") {
      kind->fail(fmt::format("expected \"torchscript\", \"aoti\" or \"mlp\", found \"{}\"", word));
    }
    out.kind = word == "aoti" ? config::model_kind::aoti
                              : (word == "torchscript" ? config::model_kind::torchscript : config::model_kind::mlp);
  }
  read_optional(n, "file", out.file);
  read_optional(n, "sha256", out.sha256);
  read_optional(n, "file_bytes", out.file_bytes);
  read_optional(n, "inputs", out.inputs);
  read_optional(n, "inputs_from", out.inputs_from);
  read_optional(n, "sidecar", out.sidecar);
  read_optional(n, "twin", out.twin);
  read_optional(n, "sidecar_flops", out.sidecar_flops);
}

nlohmann::json to_json(const settings& s) {
  nlohmann::json j{{"batches", s.batches},
          {"warmup", s.warmup},
          {"iterations", s.iterations},
          {"seed", s.seed},
          {"repetitions", s.repetitions},
          {"baseline", s.baseline},
          {"alpha", s.alpha},
          {"cosine_threshold", s.cosine_threshold},
          {"threads", or_null(s.threads)},
          {"managed_env", s.managed_env},
          {"env_overrides", s.env_overrides}};
  if (s.warmup_auto) { // written only when asked for: reports of older versions read and written again stay the same
    j["warmup_auto"] = true;
  }
  if (s.timeout_s) {
    j["timeout_s"] = *s.timeout_s;
  }
  j["schedule"] = s.schedule;
  if (s.schedule != "rounds") {
    j["turn_s"] = s.turn_s;
    j["cycles"] = s.cycles;
  }
  return j;
}

void from_json(const node& n, settings& out) {
  read(n, "batches", out.batches);
  read_optional(n, "warmup", out.warmup);
  read_optional(n, "warmup_auto", out.warmup_auto);
  read_optional(n, "iterations", out.iterations);
  read_optional(n, "seed", out.seed);
  read_optional(n, "repetitions", out.repetitions);
  read_optional(n, "baseline", out.baseline);
  read_optional(n, "alpha", out.alpha);
  read_optional(n, "cosine_threshold", out.cosine_threshold);
  read_optional(n, "threads", out.threads);
  read_optional(n, "timeout_s", out.timeout_s);
  read_optional(n, "managed_env", out.managed_env);
  read_optional(n, "env_overrides", out.env_overrides);
  read_optional(n, "schedule", out.schedule);
  if (out.schedule != "rounds" && out.schedule != "lockstep" && out.schedule != "duet") {
    n.at("schedule").fail(fmt::format("expected \"rounds\", \"lockstep\" or \"duet\", found \"{}\"", out.schedule));
  }
  read_optional(n, "turn_s", out.turn_s);
  read_optional(n, "cycles", out.cycles);
}

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

nlohmann::json to_json(const precision_outcome& p) {
  return {{"target", p.target},
          {"reached", std::isfinite(p.reached) ? nlohmann::json(p.reached) : nlohmann::json(nullptr)},
          {"rounds", p.rounds},
          {"widest", p.widest},
          {"stopped", p.stopped}};
}

void from_json(const node& n, precision_outcome& out) {
  read(n, "target", out.target);
  out.reached = std::numeric_limits<double>::infinity();
  read_optional(n, "reached", out.reached);
  read(n, "rounds", out.rounds);
  read_optional(n, "widest", out.widest);
  read(n, "stopped", out.stopped);
}

nlohmann::json to_json(const run_conditions& c) {
  nlohmann::json j{{"cpus", c.cpus_mode},
                   {"cpu_order", c.cpu_order},
                   {"placement", c.placement_reason},
                   {"other_load_before", c.other_load_before},
                   {"steal_before", c.steal_before},
                   {"other_load_during", c.other_load_during},
                   {"steal_during", c.steal_during}};
  if (c.precision) {
    j["precision"] = to_json(*c.precision);
  }
  return j;
}

void from_json(const node& n, run_conditions& out) {
  read(n, "cpus", out.cpus_mode);
  read_optional(n, "cpu_order", out.cpu_order);
  read_optional(n, "placement", out.placement_reason);
  read_optional(n, "other_load_before", out.other_load_before);
  read_optional(n, "steal_before", out.steal_before);
  read_optional(n, "other_load_during", out.other_load_during);
  read_optional(n, "steal_during", out.steal_during);
  read_optional(n, "precision", out.precision);
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

#include "gbench/record/report.hpp"

#include <fmt/format.h>

#include "gbench/error.hpp"
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
  config::model_spec spec{.name = m.name, .description = m.description, .input_shape = m.input_shape,
                          .hidden = m.hidden, .outputs = m.outputs};
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
          {"flops_per_sample", m.flops_per_sample},
          {"flops_source", m.flops_source}};
  if (m.kind == config::model_kind::mlp) {
    return j;
  }
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
  return {{"batches", s.batches},
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
}

void from_json(const node& n, settings& out) {
  read(n, "batches", out.batches);
  read_optional(n, "warmup", out.warmup);
  read_optional(n, "iterations", out.iterations);
  read_optional(n, "seed", out.seed);
  read_optional(n, "repetitions", out.repetitions);
  read_optional(n, "baseline", out.baseline);
  read_optional(n, "alpha", out.alpha);
  read_optional(n, "cosine_threshold", out.cosine_threshold);
  read_optional(n, "threads", out.threads);
  read_optional(n, "managed_env", out.managed_env);
  read_optional(n, "env_overrides", out.env_overrides);
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
  j["profiled_total_ns"] = or_null(c.profiled_total_ns);
  j["baseline"] = c.is_baseline;
  if (c.speedup) {
    j["speedup"] = *c.speedup;
    j["speedup_ci95"] = {*c.ci_low, *c.ci_high};
    j["p_value"] = *c.p_value;
    j["p_value_runs"] = or_null(c.p_value_runs);
    j["verdict"] = c.verdict;
  }
  if (!c.effects.empty()) {
    j["effects"] = c.effects;
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
  read_optional(n, "profiled_total_ns", out.profiled_total_ns);
  read_optional(n, "baseline", out.is_baseline);
  if (const auto s = n.find("speedup")) {
    out.speedup = s->number();
    const auto ci = n.at("speedup_ci95");
    const auto bounds = ci.elements();
    if (bounds.size() != 2) {
      ci.fail_type("[low, high]");
    }
    out.ci_low = bounds[0].number();
    out.ci_high = bounds[1].number();
    read(n, "p_value", out.p_value);
    read_optional(n, "p_value_runs", out.p_value_runs);
    read(n, "verdict", out.verdict);
  }
  read_optional(n, "effects", out.effects);
  if (const auto a = n.find("accuracy")) {
    read(*a, "cosine", out.cosine);
    read_optional(*a, "flagged", out.accuracy_flagged);
  }
}

nlohmann::json to_json(const report& r) {
  nlohmann::json j;
  j["schema"] = "graviton-bench-report";
  j["schema_version"] = schema_version;
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
  if (const std::int64_t version = version_node.integer(); version != schema_version) {
    version_node.fail(version > schema_version
                          ? fmt::format("{} is newer than this graviton-bench reads ({}); use a newer graviton-bench",
                                        version, schema_version)
                          : fmt::format("{} is not a schema version (expected {})", version, schema_version));
  }
  read(n, "context", out.context);
  read(n, "model", out.model);
  read_optional(n, "models", out.models);
  read(n, "settings", out.settings);
  read(n, "runs", out.runs);
  read_optional(n, "comparison", out.comparison);
}

report parse_report(const std::string& text, const std::string& name) {
  const nlohmann::json j = parse_document(text, name);
  report r;
  from_json(node(j, name), r);
  return r;
}

report load_report(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw report_error(fmt::format("{}: no such file", name));
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw report_error(fmt::format("{}: is a directory; expected a graviton-bench JSON report", name));
  }
  std::string text;
  try {
    text = util::read_text_file(path);
  } catch (const error&) {
    throw report_error(fmt::format("{}: cannot be read; check its permissions", name));
  }
  return parse_report(text, name);
}

} // namespace gbench::record

#include "gbench/record/run.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gbench/record/status.hpp"

namespace gbench::record {

void compute_statistics(batch_result& r, const config::model_spec& model) {
  std::vector<double> samples(r.samples_ns.begin(), r.samples_ns.end());
  r.summary_ns = stats::summarize(samples);
  if (r.profile && !r.profile->samples_ns.empty()) {
    std::vector<double> profiled(r.profile->samples_ns.begin(), r.profile->samples_ns.end());
    r.profile->summary_ns = stats::summarize(profiled);
  }
  const auto x = rates_at(r.summary_ns.median, r.batch, model.flops_per_sample(), static_cast<double>(model.weight_bytes()));
  r.throughput = x.throughput;
  r.gflops = x.gflops;
  r.weight_gbps = x.weight_gbps;
}

rates rates_at(double median_ns, std::int64_t batch, double flops_per_sample, double weight_bytes) {
  rates r;
  const double seconds = median_ns * 1e-9;
  if (seconds > 0) {
    r.throughput = static_cast<double>(batch) / seconds;
    r.gflops = flops_per_sample * static_cast<double>(batch) / seconds * 1e-9;
    r.weight_gbps = weight_bytes / seconds * 1e-9;
  }
  return r;
}

bool preset_run::all_ok() const {
  return ok && std::all_of(batches.begin(), batches.end(), [](const batch_result& b) { return b.ok; });
}

nlohmann::json to_json(const config::torch_settings& s) {
  nlohmann::json j = nlohmann::json::object();
  if (s.matmul_precision) {
    j["matmul_precision"] = *s.matmul_precision;
  }
  if (s.mkldnn) {
    j["mkldnn"] = *s.mkldnn;
  }
  if (s.threads) {
    j["threads"] = *s.threads;
  }
  if (s.weights_dtype) {
    j["weights_dtype"] = *s.weights_dtype;
  }
  if (s.allocator) {
    j["allocator"] = *s.allocator;
  }
  if (s.fp32_precision) {
    j["fp32_precision"] = *s.fp32_precision;
  }
  if (s.quantized_engine) {
    j["quantized_engine"] = *s.quantized_engine;
  }
  if (s.int8_activations) {
    j["int8_activations"] = *s.int8_activations;
  }
  if (s.int4_group_size) {
    j["int4_group_size"] = *s.int4_group_size;
  }
  if (s.int4_fallback) {
    j["int4_fallback"] = *s.int4_fallback;
  }
  return j;
}

void from_json(const node& n, config::torch_settings& out) {
  read_optional(n, "matmul_precision", out.matmul_precision);
  read_optional(n, "mkldnn", out.mkldnn);
  read_optional(n, "threads", out.threads);
  read_optional(n, "weights_dtype", out.weights_dtype);
  read_optional(n, "allocator", out.allocator);
  read_optional(n, "fp32_precision", out.fp32_precision);
  read_optional(n, "quantized_engine", out.quantized_engine);
  read_optional(n, "int8_activations", out.int8_activations);
  read_optional(n, "int4_group_size", out.int4_group_size);
  read_optional(n, "int4_fallback", out.int4_fallback);
}

nlohmann::json to_json(const allocator_seen& a) { return {{"name", a.name}, {"library", a.library}}; }

void from_json(const node& n, allocator_seen& out) {
  read(n, "name", out.name);
  read_optional(n, "library", out.library);
}

nlohmann::json to_json(const config::preset& p) {
  return {{"name", p.name}, {"description", p.description}, {"env", p.env}, {"settings", to_json(p.settings)}};
}

void from_json(const node& n, config::preset& out) {
  read(n, "name", out.name);
  read_optional(n, "description", out.description);
  read_optional(n, "env", out.env);
  read_optional(n, "settings", out.settings);
}

namespace {

// Samples are whole nanoseconds; a report edited by hand may hold any positive number.
std::vector<std::int64_t> read_samples(const node& n) {
  const auto items = n.elements();
  if (items.empty()) {
    n.fail("is empty; an ok result holds one sample per timed forward");
  }
  std::vector<std::int64_t> out;
  out.reserve(items.size());
  for (const auto& item : items) {
    const auto& v = item.json();
    if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>())) {
      item.fail_type("a positive number of nanoseconds");
    }
    out.push_back(v.is_number_integer() ? v.get<std::int64_t>() : std::llround(v.get<double>()));
  }
  return out;
}

std::vector<double> as_doubles(const std::vector<std::int64_t>& v) { return {v.begin(), v.end()}; }

} // namespace

nlohmann::json to_json(const turn_plan& t) {
  return {{"cycles", t.cycles}, {"forwards", t.forwards}, {"discarded", t.discarded}, {"target_s", t.target_s}};
}

void from_json(const node& n, turn_plan& out) {
  read(n, "cycles", out.cycles);
  read(n, "forwards", out.forwards);
  read(n, "discarded", out.discarded);
  read(n, "target_s", out.target_s);
  if (out.cycles < 0 || out.forwards < 1 || out.discarded < 0) {
    n.fail("expected cycles >= 0, forwards >= 1 and discarded >= 0");
  }
}

nlohmann::json to_json(const batch_result& r) {
  nlohmann::json j{{"batch", r.batch}, {"status", status_word(r.ok)}};
  if (!r.ok) {
    j["error"] = r.error;
    return j;
  }
  // New fields only when they say something: reports of older versions read and written again stay the same.
  j["settings"] = {{"warmup", r.warmup}, {"iterations", r.samples_ns.size()}};
  if (!r.warmup_steady) {
    j["settings"]["warmup_steady"] = false;
  }
  if (r.chunk_size > 0) {
    j["settings"]["chunk_size"] = r.chunk_size;
  }
  if (r.turns) {
    j["settings"]["turns"] = to_json(*r.turns);
  }
  j["samples_ns"] = r.samples_ns;
  j["statistics_ns"] = to_json(r.summary_ns);
  j["throughput_samples_per_s"] = r.throughput;
  j["gflops"] = r.gflops;
  j["weight_gbps"] = r.weight_gbps;
  j["predicted_classes"] = r.predicted;
  if (r.profile) {
    // Profiling slows every op down: its figures stand beside the unprofiled ones, never in their place.
    const auto& p = *r.profile;
    const bool timed = !p.samples_ns.empty();
    j["profile"] = {{"iterations", p.samples_ns.size()},
                    {"samples_ns", p.samples_ns},
                    {"statistics_ns", timed ? to_json(p.summary_ns) : nlohmann::json(nullptr)},
                    {"unprofiled_median_ns", r.summary_ns.median},
                    {"profiled_median_ns", timed ? nlohmann::json(p.summary_ns.median) : nlohmann::json(nullptr)},
                    {"table", to_json(p.table)}};
    if (!p.trace_file.empty()) {
      j["profile"]["trace_file"] = p.trace_file;
    }
  }
  return j;
}

void from_json(const node& n, batch_result& out) {
  const auto batch = n.at("batch");
  out.batch = batch.integer();
  if (out.batch < 1) {
    batch.fail(fmt::format("{} is not a batch size", out.batch));
  }
  out.ok = read_status(n);
  if (!out.ok) {
    read_optional(n, "error", out.error);
    return;
  }
  out.samples_ns = read_samples(n.at("samples_ns"));
  if (const auto settings = n.find("settings")) {
    read_optional(*settings, "warmup", out.warmup);
    read_optional(*settings, "warmup_steady", out.warmup_steady);
    read_optional(*settings, "chunk_size", out.chunk_size);
    if (out.chunk_size < 0) {
      settings->at("chunk_size").fail("is negative; chunks hold 0 (one chunk) or more samples");
    }
    read_optional(*settings, "turns", out.turns);
  }
  if (const auto s = n.find("statistics_ns")) {
    from_json(*s, out.summary_ns);
  } else {
    out.summary_ns = stats::summarize(as_doubles(out.samples_ns));
  }
  read_optional(n, "throughput_samples_per_s", out.throughput);
  read_optional(n, "gflops", out.gflops);
  read_optional(n, "weight_gbps", out.weight_gbps);
  read_optional(n, "predicted_classes", out.predicted);
  if (const auto p = n.find("profile")) {
    auto& profile = out.profile.emplace();
    read(*p, "table", profile.table);
    read_optional(*p, "samples_ns", profile.samples_ns);
    read_optional(*p, "statistics_ns", profile.summary_ns);
    read_optional(*p, "trace_file", profile.trace_file);
  }
}

nlohmann::json to_json(const preset_run& r) {
  nlohmann::json j{{"preset", to_json(r.preset)},
                   {"repetition", r.repetition},
                   {"design", name_of(r.design)},
                   {"status", status_word(r.ok)}};
  if (!r.model.empty()) {
    j["model"] = r.model;
  }
  if (!r.build.empty()) {
    j["build"] = r.build;
  }
  if (!r.ok) {
    j["error"] = r.error;
    j["stderr_tail"] = r.stderr_tail;
  }
  j["effective_env"] = r.effective_env;
  if (!r.cpus.empty()) {
    j["cpus"] = r.cpus;
  }
  if (r.wall_s > 0) {
    j["wall_s"] = r.wall_s;
  }
  j["libtorch"] = r.libtorch ? to_json(*r.libtorch) : nlohmann::json::object();
  if (r.allocator) {
    j["allocator"] = to_json(*r.allocator);
  }
  j["results"] = nlohmann::json::array();
  for (const auto& b : r.batches) {
    j["results"].push_back(to_json(b));
  }
  if (r.evidence) {
    j["evidence"] = to_json(*r.evidence);
  }
  return j;
}

void from_json(const node& n, preset_run& out) {
  n.expect_object();
  read(n, "preset", out.preset);
  out.ok = read_status(n);
  read_optional(n, "repetition", out.repetition);
  read_optional(n, "design", out.design);
  read_optional(n, "model", out.model);
  read_optional(n, "build", out.build);
  read_optional(n, "error", out.error);
  read_optional(n, "stderr_tail", out.stderr_tail);
  read_optional(n, "effective_env", out.effective_env);
  read_optional(n, "cpus", out.cpus);
  read_optional(n, "wall_s", out.wall_s);
  // A process that died before saying anything recorded {}.
  if (const auto l = n.find("libtorch"); l && !(l->json().is_object() && l->json().empty())) {
    from_json(*l, out.libtorch.emplace());
  }
  // A process that died may have recorded no result at all.
  if (out.ok) {
    read(n, "results", out.batches);
  } else {
    read_optional(n, "results", out.batches);
  }
  read_optional(n, "evidence", out.evidence);
  read_optional(n, "allocator", out.allocator);
}

} // namespace gbench::record

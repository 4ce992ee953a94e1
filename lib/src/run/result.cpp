#include "gbench/run/result.hpp"

#include <algorithm>

namespace gbench::run {

nlohmann::json to_json(const job& j) {
  return {{"model", config::to_json(j.model)},
          {"preset", config::to_json(j.preset)},
          {"managed_env", j.managed_env},
          {"batches", j.batches},
          {"warmup", j.warmup},
          {"iterations", j.iterations},
          {"seed", j.seed},
          {"verbose", j.verbose},
          {"profile", j.profile},
          {"record_shapes", j.record_shapes},
          {"trace_dir", j.trace_dir},
          {"min_time", j.min_time},
          {"max_time", j.max_time},
          {"progress", j.progress},
          {"evidence", j.evidence}};
}

job job_from_json(const nlohmann::json& j) {
  job out;
  out.model = config::model_from_json(nlohmann::ordered_json::parse(j.at("model").dump()), "job: ", true);
  const auto& p = j.at("preset");
  out.preset.name = p.at("name").get<std::string>();
  out.preset.description = p.at("description").get<std::string>();
  out.preset.env = p.at("env").get<std::map<std::string, std::string>>();
  out.preset.settings = config::settings_from_json(p.at("settings"));
  out.managed_env = j.at("managed_env").get<std::vector<std::string>>();
  out.batches = j.at("batches").get<std::vector<std::int64_t>>();
  out.warmup = j.at("warmup").get<int>();
  out.iterations = j.at("iterations").get<int>();
  out.seed = j.at("seed").get<std::uint64_t>();
  out.verbose = j.at("verbose").get<bool>();
  out.evidence = j.value("evidence", false);
  out.profile = j.value("profile", false);
  out.record_shapes = j.value("record_shapes", false);
  out.trace_dir = j.value("trace_dir", "");
  out.min_time = j.value("min_time", 0.0);
  out.max_time = j.value("max_time", 0.0);
  out.progress = j.value("progress", false);
  return out;
}

void compute_statistics(batch_result& r, const config::model_spec& model) {
  std::vector<double> samples(r.samples_ns.begin(), r.samples_ns.end());
  r.summary_ns = stats::summarize(samples);
  if (!r.profiled_ns.empty()) {
    std::vector<double> profiled(r.profiled_ns.begin(), r.profiled_ns.end());
    r.profiled_summary_ns = stats::summarize(profiled);
  }
  const double seconds = r.summary_ns.median * 1e-9;
  if (seconds > 0) {
    r.throughput = static_cast<double>(r.batch) / seconds;
    r.gflops = model.flops_per_sample() * static_cast<double>(r.batch) / seconds * 1e-9;
    r.weight_gbps = static_cast<double>(model.weight_bytes()) / seconds * 1e-9;
  }
}

bool preset_run::all_ok() const {
  return ok && std::all_of(batches.begin(), batches.end(), [](const batch_result& b) { return b.ok; });
}

nlohmann::json to_json(const batch_result& r) {
  nlohmann::json j{{"batch", r.batch}, {"status", r.ok ? "ok" : "failed"}};
  if (!r.ok) {
    j["error"] = r.error;
    return j;
  }
  j["settings"] = {{"warmup", r.warmup}, {"iterations", r.samples_ns.size()}};
  j["samples_ns"] = r.samples_ns;
  j["statistics_ns"] = stats::to_json(r.summary_ns);
  j["throughput_samples_per_s"] = r.throughput;
  j["gflops"] = r.gflops;
  j["weight_gbps"] = r.weight_gbps;
  j["predicted_classes"] = r.predicted;
  if (!r.profile.is_null()) {
    // Profiling slows every op down: its figures stand beside the unprofiled ones, never in their place.
    j["profile"] = {{"iterations", r.profiled_ns.size()},
                    {"samples_ns", r.profiled_ns},
                    {"statistics_ns", r.profiled_ns.empty() ? nlohmann::json(nullptr) : stats::to_json(r.profiled_summary_ns)},
                    {"unprofiled_median_ns", r.summary_ns.median},
                    {"profiled_median_ns", r.profiled_ns.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.profiled_summary_ns.median)},
                    {"table", r.profile}};
    if (!r.trace_file.empty()) {
      j["profile"]["trace_file"] = r.trace_file;
    }
  }
  return j;
}

nlohmann::json to_json(const batch_evidence& e) {
  nlohmann::json j{{"batch", e.batch}, {"status", e.ok ? "ok" : "failed"}};
  if (!e.ok) {
    j["error"] = e.error;
    return j;
  }
  j["routes"] = e.routes;
  j["primitives"] = e.primitives;
  j["onednn_verbose"] = e.verbose_lines;
  if (!e.accuracy_unavailable.empty()) {
    j["accuracy"] = {{"unavailable", e.accuracy_unavailable}};
    return j;
  }
  j["accuracy"] = {{"cosine", e.cosine},
                   {"max_abs_error", e.max_abs_error},
                   {"max_rel_error", e.max_rel_error},
                   {"top1_agreement", e.top1_agreement}};
  return j;
}

nlohmann::json to_json(const preset_run& r) {
  nlohmann::json j{{"preset", config::to_json(r.preset)}, {"repetition", r.repetition}, {"status", r.ok ? "ok" : "failed"}};
  if (!r.model.empty()) {
    j["model"] = r.model;
  }
  if (!r.ok) {
    j["error"] = r.error;
    j["stderr_tail"] = r.stderr_tail;
  }
  j["effective_env"] = r.effective_env;
  j["libtorch"] = r.libtorch.is_null() ? nlohmann::json::object() : r.libtorch;
  j["results"] = nlohmann::json::array();
  for (const auto& b : r.batches) {
    j["results"].push_back(to_json(b));
  }
  if (!r.evidence.empty()) {
    auto& ev = j["evidence"];
    ev["batches"] = nlohmann::json::array();
    for (const auto& e : r.evidence) {
      ev["batches"].push_back(to_json(e));
    }
    ev["anon_huge_pages_before"] = r.huge_pages_before ? nlohmann::json(*r.huge_pages_before) : nlohmann::json(nullptr);
    ev["anon_huge_pages_after"] = r.huge_pages_after ? nlohmann::json(*r.huge_pages_after) : nlohmann::json(nullptr);
    ev["effects"] = r.effects;
  }
  return j;
}

} // namespace gbench::run

#include "gbench/run/orchestrator.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"

namespace gbench::run {

std::vector<std::string> child_environment(const std::vector<std::string>& parent,
                                           const std::vector<std::string>& managed,
                                           const std::map<std::string, std::string>& preset_env,
                                           const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> set = preset_env;
  for (const auto& [k, v] : overrides) {
    set[k] = v;
  }
  std::set<std::string> removed(managed.begin(), managed.end());
  for (const auto& [k, v] : set) {
    removed.insert(k);
  }
  std::vector<std::string> env;
  for (const auto& item : parent) {
    const std::string key = item.substr(0, item.find('='));
    if (removed.count(key) == 0) {
      env.push_back(item);
    }
  }
  for (const auto& [k, v] : set) {
    env.push_back(k + "=" + v);
  }
  return env;
}

config::preset effective_preset(const plan& p, const config::preset& preset) {
  config::preset out = preset;
  for (const auto& [k, v] : p.env_overrides) {
    out.env[k] = v;
  }
  if (p.threads) {
    out.settings.threads = p.threads;
  }
  return out;
}

namespace {

std::string gib(std::int64_t bytes) { return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024)); }

preset_run collect(const std::filesystem::path& out, const job& j) {
  preset_run run;
  run.preset = j.preset;
  std::ifstream in(out);
  bool done = false;
  for (std::string line; std::getline(in, line);) {
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      break; // a torn last line of a process that died mid-write
    }
    const std::string type = record.value("type", "");
    if (type == "context") {
      run.effective_env = record.at("effective_env").get<std::map<std::string, std::string>>();
      run.libtorch = record.at("libtorch");
    } else if (type == "batch") {
      batch_result b;
      b.batch = record.at("batch").get<std::int64_t>();
      b.ok = record.value("status", "") == "ok";
      if (b.ok) {
        b.warmup = record.at("warmup").get<int>();
        b.samples_ns = record.at("samples_ns").get<std::vector<std::int64_t>>();
        b.predicted = record.at("predicted_classes").get<std::vector<std::int64_t>>();
        compute_statistics(b, j.model);
      } else {
        b.error = record.value("error", "unknown error");
      }
      run.batches.push_back(std::move(b));
    } else if (type == "done") {
      done = true;
    }
  }
  run.ok = done;
  // Batches the process never reached are reported, not dropped.
  for (const std::int64_t batch : j.batches) {
    const bool seen = std::any_of(run.batches.begin(), run.batches.end(),
                                  [&](const batch_result& b) { return b.batch == batch; });
    if (!seen) {
      batch_result b;
      b.batch = batch;
      b.error = "not measured: the benchmark process ended before this batch";
      run.batches.push_back(std::move(b));
    }
  }
  return run;
}

} // namespace

void check_memory(const config::model_spec& model, const std::vector<std::int64_t>& batches,
                  std::int64_t available_bytes) {
  if (available_bytes <= 0) {
    return; // unknown: nothing to check against
  }
  for (const std::int64_t batch : batches) {
    const std::int64_t need = model.estimate_bytes(batch);
    if (need > available_bytes) {
      throw memory_error(fmt::format(
          "--batch {}: model '{}' needs about {} at this batch (weights {}), but only {} of memory is available; "
          "use a smaller batch",
          batch, model.name, gib(need), gib(model.weight_bytes()), gib(available_bytes)));
    }
  }
}

std::vector<preset_run> execute(const plan& p, const std::string& executable) {
  util::temp_dir tmp;
  const auto parent_env = util::current_environment();
  std::vector<preset_run> runs;
  for (std::size_t i = 0; i < p.presets.size(); ++i) {
    job j;
    j.model = p.model;
    j.preset = effective_preset(p, p.presets[i]);
    j.managed_env = p.managed_env;
    for (const auto& [k, v] : j.preset.env) {
      if (std::find(j.managed_env.begin(), j.managed_env.end(), k) == j.managed_env.end()) {
        j.managed_env.push_back(k);
      }
    }
    j.batches = p.batches;
    j.warmup = p.warmup;
    j.iterations = p.iterations;
    j.seed = p.seed;
    j.verbose = p.verbose;
    const auto job_file = tmp.path() / fmt::format("job-{}.json", i);
    const auto out_file = tmp.path() / fmt::format("result-{}.jsonl", i);
    util::write_file_atomically(job_file, to_json(j).dump());
    const auto env = child_environment(parent_env, p.managed_env, j.preset.env, {});
    const auto status =
        util::run_process({executable, "__worker", "--job", job_file.string(), "--out", out_file.string()}, env);
    preset_run run = collect(out_file, j);
    if (!status.ok()) {
      run.ok = false;
      run.error = fmt::format("the benchmark process for preset '{}' {}", j.preset.name, status.describe());
      run.stderr_tail = status.stderr_tail;
      for (auto& b : run.batches) {
        if (!b.ok && b.error.starts_with("not measured")) {
          b.error = fmt::format("not measured: {}", run.error);
        }
      }
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

} // namespace gbench::run

#include "gbench/run/orchestrator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/record/stream.hpp"
#include "gbench/run/worker.hpp"
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

// One line of a benchmark process's stream (record/stream.hpp) into the run.
void read_line(const record::node& n, record::preset_run& run, bool& done) {
  const std::string type = n.at("type").string();
  if (type == "context") {
    record::process_context context;
    from_json(n, context);
    run.effective_env = std::move(context.effective_env);
    run.libtorch = std::move(context.libtorch);
  } else if (type == "batch") {
    from_json(n, run.batches.emplace_back());
  } else if (type == "evidence") {
    if (!run.evidence) {
      run.evidence.emplace();
    }
    from_json(n, run.evidence->batches.emplace_back());
  } else if (type == "huge_pages") {
    record::huge_pages pages;
    from_json(n, pages);
    if (!run.evidence) {
      run.evidence.emplace();
    }
    run.evidence->huge_pages_before = pages.before;
    run.evidence->huge_pages_after = pages.after;
  } else if (type == "done") {
    done = true;
  }
}

// The records of the process's stream, in order. A torn last line (a process that died mid-write) ends it.
record::preset_run collect(const std::filesystem::path& out, const job& j) {
  record::preset_run run;
  run.preset = j.preset;
  std::ifstream in(out);
  bool done = false;
  const std::string name = out.string();
  for (std::string line; std::getline(in, line);) {
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      break;
    }
    try {
      read_line(record::node(value, name), run, done);
    } catch (const error& e) {
      run.error = fmt::format("the benchmark process wrote a record this graviton-bench cannot read: {}", e.what());
      break;
    }
  }
  run.ok = done && run.error.empty();
  // Batches the process never reached are reported, not dropped.
  for (const std::int64_t batch : j.evidence ? std::vector<std::int64_t>{} : j.batches) {
    const bool seen = std::any_of(run.batches.begin(), run.batches.end(),
                                  [&](const record::batch_result& b) { return b.batch == batch; });
    if (!seen) {
      record::batch_result b;
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

namespace {

// GBENCH_WORKER_WRAPPER, split on spaces: a command that runs each benchmark process, e.g.
// "qemu-aarch64-static -cpu max,sve256=on" to run an aarch64 build under emulation where the kernel has no
// binfmt handler for it. Empty (the default): the benchmark process is started directly.
std::vector<std::string> worker_wrapper() {
  std::vector<std::string> words;
  if (const char* w = std::getenv("GBENCH_WORKER_WRAPPER"); w != nullptr) {
    std::istringstream in(w);
    for (std::string word; in >> word;) {
      words.push_back(word);
    }
  }
  return words;
}

// oneDNN's exec lines between the markers of each batch, by batch.
std::map<std::int64_t, std::string> split_by_batch(const std::string& out) {
  std::map<std::int64_t, std::string> by_batch;
  std::istringstream in(out);
  std::optional<std::int64_t> current;
  const std::string begin = std::string(evidence_marker) + ",begin,";
  const std::string end = std::string(evidence_marker) + ",end,";
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(begin)) {
      current = std::stoll(line.substr(begin.size()));
    } else if (line.starts_with(end)) {
      current.reset();
    } else if (current && line.find(",exec,") != std::string::npos) {
      by_batch[*current] += line + "\n";
    }
  }
  return by_batch;
}

void attach_routes(record::preset_run& run, const std::string& stdout_text, const config::model_spec& model) {
  if (!run.evidence) {
    return;
  }
  const auto lines = split_by_batch(stdout_text);
  for (auto& e : run.evidence->batches) {
    if (!e.ok) {
      continue;
    }
    const auto it = lines.find(e.batch);
    const std::string text = it == lines.end() ? std::string{} : it->second;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      e.verbose_lines.push_back(line);
    }
    const auto execs = evidence::parse_onednn_verbose(text);
    e.primitives = evidence::summarize_primitives(execs);
    e.routes = evidence::route_layers(execs, e.batch, model.linear_layers(), 1);
  }
}

} // namespace

std::vector<record::preset_run> execute(const plan& p, const std::string& executable, bool evidence,
                                const std::function<void(const record::preset_run&)>& on_done) {
  util::temp_dir tmp;
  const auto parent_env = util::current_environment();
  std::vector<record::preset_run> runs;
  const int repetitions = evidence ? 1 : std::max(1, p.repetitions);
  const std::vector<config::model_spec> models = p.models.size() > 1 ? p.models : std::vector{p.model};
  const std::size_t per_round = p.presets.size() * models.size();
  const std::size_t total = per_round * static_cast<std::size_t>(repetitions);
  const auto started = std::chrono::steady_clock::now();
  // Interleaved (A B C A B C), so that drift on a noisy machine falls on every preset (and model) alike.
  for (std::size_t k = 0; k < total; ++k) {
    const std::size_t i = k % p.presets.size();
    const auto& model = models[(k / p.presets.size()) % models.size()];
    const int repetition = static_cast<int>(k / per_round) + 1;
    if (p.progress) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      const std::string eta = k == 0 ? std::string("?")
                                     : fmt::format("{:.0f} s", elapsed / static_cast<double>(k) * static_cast<double>(total - k));
      std::fprintf(stderr, "[%zu/%zu] %s%spreset %s, repetition %d/%d%s; elapsed %.0f s, ETA %s\n", k + 1, total,
                   models.size() > 1 ? model.name.c_str() : "", models.size() > 1 ? ", " : "", p.presets[i].name.c_str(), repetition, repetitions, evidence ? " (evidence)" : "", elapsed,
                   eta.c_str());
    }
    job j;
    j.model = model;
    j.preset = effective_preset(p, p.presets[i]);
    j.managed_env = p.managed_env;
    for (const auto& [name, value] : j.preset.env) {
      if (std::find(j.managed_env.begin(), j.managed_env.end(), name) == j.managed_env.end()) {
        j.managed_env.push_back(name);
      }
    }
    j.batches = p.batches;
    j.warmup = p.warmup;
    j.iterations = p.iterations;
    j.seed = p.seed;
    j.verbose = p.verbose;
    j.evidence = evidence;
    j.profile = p.profile && !evidence;
    j.record_shapes = p.record_shapes;
    j.trace_dir = p.trace_dir;
    j.min_time = p.min_time;
    j.max_time = p.max_time;
    j.progress = p.progress;
    const auto job_file = tmp.path() / fmt::format("job-{}.json", k);
    const auto out_file = tmp.path() / fmt::format("result-{}.jsonl", k);
    util::write_file_atomically(job_file, to_json(j).dump());
    const auto env = child_environment(parent_env, p.managed_env, j.preset.env,
                                       evidence ? std::map<std::string, std::string>{{"ONEDNN_VERBOSE", "1"}}
                                                : std::map<std::string, std::string>{});
    std::vector<std::string> argv = worker_wrapper();
    argv.insert(argv.end(), {executable, "__worker", "--job", job_file.string(), "--out", out_file.string()});
    const auto status = util::run_process(argv, env, {.forward_stderr = true, .capture_stdout = evidence});
    record::preset_run run = collect(out_file, j);
    run.repetition = repetition;
    if (models.size() > 1) {
      run.model = model.name;
    }
    if (evidence) {
      attach_routes(run, status.stdout_text, j.model);
    }
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
    if (on_done) {
      on_done(run);
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

} // namespace gbench::run

namespace gbench::run {

namespace {

bool any_bf16(const record::preset_run& r) {
  if (!r.evidence) {
    return false;
  }
  for (const auto& e : r.evidence->batches) {
    for (const auto& route : e.routes) {
      if (route.math == "bf16") {
        return true;
      }
    }
  }
  return false;
}

std::string backend_of(const record::preset_run& r, std::int64_t batch, std::size_t layer) {
  if (!r.evidence) {
    return {};
  }
  for (const auto& e : r.evidence->batches) {
    if (e.batch == batch && layer < e.routes.size()) {
      return e.routes[layer].backend;
    }
  }
  return {};
}

std::int64_t huge_page_growth(const record::preset_run& r) {
  return r.evidence && r.evidence->huge_pages_before && r.evidence->huge_pages_after
             ? *r.evidence->huge_pages_after - *r.evidence->huge_pages_before
             : 0;
}

} // namespace

void describe_effects(std::vector<record::preset_run>& runs, const record::preset_run* baseline) {
  for (auto& run : runs) {
    if (!run.evidence) {
      continue;
    }
    const auto& r = run;
    auto& effects = run.evidence->effects;
    effects.clear();
    const bool fast_math = r.preset.env.count("DNNL_DEFAULT_FPMATH_MODE") != 0 ||
                           r.preset.env.count("ONEDNN_DEFAULT_FPMATH_MODE") != 0 ||
                           r.preset.settings.matmul_precision.value_or("highest") == "medium";
    if (fast_math) {
      const bool seen = any_bf16(r) && (baseline == nullptr || !any_bf16(*baseline));
      effects.push_back(seen ? "bf16 fast-math: observed (a linear layer ran oneDNN with bf16 math)"
                               : "bf16 fast-math: no effect observed on this host (no linear layer ran with bf16 math)");
    }
    if (r.preset.env.count("TORCH_MKLDNN_MATMUL_MIN_DIM") != 0 || r.preset.env.count("TORCH_MKLDNN_MATMUL_MIN_SIZE") != 0) {
      std::vector<std::string> moved;
      if (baseline != nullptr) {
        for (const auto& e : r.evidence->batches) {
          for (std::size_t l = 0; l < e.routes.size(); ++l) {
            const std::string now = e.routes[l].backend;
            const std::string before = backend_of(*baseline, e.batch, l);
            if (!before.empty() && now != before) {
              moved.push_back(fmt::format("layer {} at batch {}: {} -> {}", l + 1, e.batch, before, now));
            }
          }
        }
      }
      effects.push_back(moved.empty()
                              ? std::string("matmul size threshold: no effect observed on this host (every layer ran "
                                            "where it runs under the default preset)")
                              : fmt::format("matmul size threshold: observed ({})", fmt::join(moved, "; ")));
    }
    if (r.preset.env.count("THP_MEM_ALLOC_ENABLE") != 0 && r.preset.env.at("THP_MEM_ALLOC_ENABLE") == "1") {
      const std::int64_t grew = huge_page_growth(r);
      const std::int64_t base = baseline != nullptr ? huge_page_growth(*baseline) : 0;
      effects.push_back(grew > base ? fmt::format("transparent huge pages: observed ({:.1f} MiB of huge pages, "
                                                    "default preset {:.1f} MiB)",
                                                    static_cast<double>(grew) / 1048576.0,
                                                    static_cast<double>(base) / 1048576.0)
                                      : "transparent huge pages: no effect observed on this host (no more huge pages "
                                        "than under the default preset)");
    }
  }
}

} // namespace gbench::run

#include "gbench/run/plan.hpp"

#include <unistd.h>

#include <sched.h>

#include <algorithm>

#include <charconv>
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/backend/libtorch.hpp"
#include "gbench/backend/model_file.hpp"
#include "gbench/error.hpp"

namespace gbench::run {

namespace {

// Far beyond any memory (a batch of the smallest model takes 4 bytes a feature), and small enough that byte
// estimates cannot overflow.
constexpr std::int64_t max_batch = std::int64_t{1} << 32;

// More threads than cores only make them wait for each other at every parallel region; far more is a typo.
void check_threads(const std::optional<int>& threads) {
  cpu_set_t set;
  CPU_ZERO(&set);
  const int cores = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
  if (!threads || cores <= 0 || *threads <= cores) {
    return;
  }
  if (*threads > 4 * cores) {
    throw input_error(fmt::format("--threads {}: this process may use {} cores; give at most {} (4 per core), "
                                  "or as many as there are cores for a timing that means something",
                                  *threads, cores, 4 * cores));
  }
  std::cerr << fmt::format("warning: --threads {} is more than the {} cores this process may use; the threads will "
                           "take turns, and timings will say more about the scheduler than about the model\n",
                           *threads, cores);
}

} // namespace

std::vector<std::int64_t> parse_batches(const std::vector<std::string>& items) {
  std::vector<std::int64_t> out;
  for (const auto& item : items) {
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec != std::errc() || ptr != item.data() + item.size()) {
      throw input_error(fmt::format("--batch: '{}' is not a whole number; write e.g. --batch 256,32,10", item));
    }
    if (value <= 0 || value > max_batch) {
      throw input_error(fmt::format("--batch: {} is not a batch size; batch sizes are whole numbers from 1 to {}",
                                    value, max_batch));
    }
    out.push_back(value);
  }
  if (out.empty()) {
    throw input_error("--batch: no batch size given; write e.g. --batch 256,32,10");
  }
  return out;
}

namespace {

// A whole number in [low, high] or the word `word`; a bad value is a command-line error (exit 2), as CLI11's
// range checks were.
std::optional<int> number_or_word(const std::string& text, const std::string& word, int low, int high,
                                  const std::string& option) {
  if (text == word) {
    return std::nullopt;
  }
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < low || value > high) {
    throw error(fmt::format("{}: '{}' is neither {} nor a whole number from {} to {}", option, text, word, low, high),
                exit_code::usage);
  }
  return value;
}

// --schedule, --turn-ms, --cycles.
void apply_schedule(const plan_options& opt, plan& out) {
  const std::size_t workers = out.presets.size() * std::max<std::size_t>(1, out.models.size()) *
                              std::max<std::size_t>(1, opt.worker_bins.size() + opt.worker_env.size());
  if (opt.schedule == "auto") {
    out.schedule = workers >= 2 ? schedule::lockstep : schedule::rounds;
  } else if (opt.schedule == "lockstep") {
    out.schedule = schedule::lockstep;
  } else if (opt.schedule == "duet") {
    out.schedule = schedule::duet;
  } else if (opt.schedule == "rounds") {
    out.schedule = schedule::rounds;
  } else {
    throw input_error(fmt::format("--schedule: unknown schedule '{}'; valid schedules: auto, lockstep, duet, rounds",
                                  opt.schedule));
  }
  if (!(opt.turn_ms >= 1 && opt.turn_ms <= 60000)) {
    throw input_error(fmt::format("--turn-ms: {} is not a turn length; give milliseconds from 1 to 60000, e.g. 100",
                                  opt.turn_ms));
  }
  if (opt.cycles < 1 || opt.cycles > 100000) {
    throw input_error(fmt::format("--cycles: {} is not a number of cycles; give 1 to 100000, e.g. 10", opt.cycles));
  }
  out.turn_s = opt.turn_ms / 1000.0;
  out.cycles = opt.cycles;
}

// --worker-bin and --worker-env: the builds of a lockstep run of several.
void apply_builds(const plan_options& opt, const config::preset_catalog& catalog, plan& out) {
  const auto find = [&](const std::string& label) {
    return std::find_if(out.builds.begin(), out.builds.end(), [&](const build& b) { return b.label == label; });
  };
  for (const auto& item : opt.worker_bins) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      throw input_error(fmt::format("--worker-bin: '{}' is not LABEL=PATH, e.g. baseline=build-main/graviton-bench", item));
    }
    const std::string label = item.substr(0, eq);
    if (find(label) != out.builds.end()) {
      throw input_error(fmt::format("--worker-bin: build '{}' is given twice; give each build a label of its own", label));
    }
    const std::string path = item.substr(eq + 1);
    if (::access(path.c_str(), X_OK) != 0) {
      throw input_error(fmt::format("--worker-bin {}: {} is not an executable graviton-bench; give the path of a built "
                                    "one",
                                    label, path));
    }
    out.builds.push_back({label, path, {}});
  }
  for (const auto& item : opt.worker_env) {
    const auto colon = item.find(':');
    const std::string label = colon == std::string::npos ? std::string() : item.substr(0, colon);
    auto it = find(label);
    if (colon == std::string::npos || label.empty()) {
      throw input_error(fmt::format("--worker-env: '{}' is not LABEL:KEY=VALUE, e.g. candidate:OMP_NUM_THREADS=1", item));
    }
    if (it == out.builds.end()) {
      out.builds.push_back({label, {}, {}}); // this executable under another environment
      it = out.builds.end() - 1;
    }
    auto [key, value] = config::parse_env_assignment(item.substr(colon + 1));
    if (catalog.find_knob(key) != nullptr) {
      catalog.check_value("--worker-env: ", key, value);
    }
    it->env[key] = value;
  }
  if (out.builds.size() == 1) {
    throw input_error(fmt::format("--worker-bin / --worker-env: one build ('{}') given; builds are compared with each "
                                  "other, give two or more",
                                  out.builds.front().label));
  }
  if (!out.builds.empty() && out.schedule == schedule::rounds) {
    throw input_error("--worker-bin / --worker-env run builds side by side: they need --schedule lockstep or duet");
  }
}

// --preset: names, or "all"; each once.
std::vector<config::preset> select_presets(const plan_options& opt, const config::preset_catalog& catalog) {
  std::vector<config::preset> presets;
  for (const auto& name : opt.presets) {
    if (name == "all") {
      for (const auto& p : catalog.presets()) {
        presets.push_back(p);
      }
    } else {
      presets.push_back(catalog.at(name));
    }
  }
  // A preset named twice (default,default, or all with a name) would make two rows of one key, and reports are
  // read by (preset, batch): refused, as a model named twice is. More runs of one preset: --repetitions.
  for (auto p = presets.begin(); p != presets.end(); ++p) {
    if (std::any_of(presets.begin(), p, [&](const config::preset& q) { return q.name == p->name; })) {
      throw input_error(fmt::format("--preset: '{}' is given twice; name each preset once (--repetitions runs it "
                                    "more than once)",
                                    p->name));
    }
  }
  return presets;
}

// --model a.pt,a.pt2: several models side by side (eager against compiled), each a row.
std::vector<config::model_spec> load_models(const plan_options& opt, const std::filesystem::path& models_dir) {
  std::vector<config::model_spec> models;
  for (std::size_t start = 0; start <= opt.model.size();) {
    const auto comma = std::min(opt.model.find(',', start), opt.model.size());
    auto model = config::load_model(opt.model.substr(start, comma - start), models_dir, opt.inputs);
    backend::inspect_model(model, opt.seed);
    for (const auto& other : models) {
      if (other.name == model.name) {
        throw input_error(fmt::format("--model: '{}' is given twice; each model of a list needs a name of its own",
                                      model.name));
      }
    }
    models.push_back(std::move(model));
    start = comma + 1;
  }
  return models;
}

} // namespace

plan make_plan(const plan_options& opt, const config::preset_catalog& catalog, const std::filesystem::path& models_dir) {
  plan out;
  out.models = load_models(opt, models_dir);
  out.model = out.models.front();
  if (out.models.size() == 1) {
    out.models.clear();
  }
  out.batches = parse_batches(opt.batches);
  out.presets = select_presets(opt, catalog);
  for (const auto& p : out.presets) {
    backend::check_settings(p.name, p.settings); // an engine this LibTorch lacks, before any process starts
  }
  for (const auto& k : catalog.knobs()) {
    out.managed_env.push_back(k.name);
  }
  for (const auto& item : opt.env) {
    auto [key, value] = config::parse_env_assignment(item);
    catalog.check_value("--env: ", key, value);
    out.env_overrides[key] = value;
  }
  const auto warmup = number_or_word(opt.warmup, "auto", 0, 1000000, "--warmup");
  out.warmup_auto = !warmup;
  out.warmup = warmup.value_or(0);
  out.iterations = opt.iterations;
  out.threads = opt.threads;
  check_threads(opt.threads);
  out.seed = opt.seed;
  out.verbose = opt.verbose;
  out.profile = opt.profile;
  const auto repetitions = number_or_word(opt.repetitions, "auto", 1, 1000, "--repetitions");
  out.repetitions = repetitions.value_or(0); // 0: until precise
  if (!repetitions && !opt.precision) {
    throw input_error("--repetitions auto needs --precision PCT: the half-width of the 95% intervals to reach, e.g. "
                      "--precision 3");
  }
  if (repetitions && opt.precision) {
    throw input_error(fmt::format("--precision {} needs --repetitions auto (it decides the number of repetitions); "
                                  "drop -r {} or --precision",
                                  *opt.precision, *repetitions));
  }
  if (opt.precision) {
    out.precision = *opt.precision / 100.0;
  }
  if (opt.baseline != "default" &&
      std::none_of(out.presets.begin(), out.presets.end(), [&](const config::preset& p) { return p.name == opt.baseline; })) {
    throw input_error(fmt::format("--baseline: preset '{}' is not among the presets run; add it to --preset", opt.baseline));
  }
  out.min_time = opt.min_time;
  out.max_time = opt.max_time;
  if (repetitions && opt.max_time > 0 && opt.max_time < opt.min_time) {
    throw input_error(fmt::format("--max-time {} is below --min-time {}; give a maximum at or above the minimum",
                                  opt.max_time, opt.min_time));
  }
  out.baseline = opt.baseline;
  out.alpha = opt.alpha;
  out.cosine_threshold = opt.cosine_threshold;
  out.record_shapes = opt.record_shapes;
  out.trace_dir = opt.trace_dir;
  out.timeout = opt.timeout;
  apply_schedule(opt, out);
  apply_builds(opt, catalog, out);
  return out;
}

std::string_view name_of(schedule s) {
  switch (s) {
  case schedule::rounds:
    return "rounds";
  case schedule::lockstep:
    return "lockstep";
  case schedule::duet:
    return "duet";
  }
  return "?";
}

double default_timeout(const plan& p, bool evidence) {
  constexpr double start_up_s = 120;
  constexpr double floor_flops_per_s = 1e9;
  double forwards_flops = 0;
  double per_batch_time = 0;
  for (const std::int64_t batch : p.batches) {
    const double per_forward = p.model.flops_per_sample() * static_cast<double>(batch);
    // Evidence runs one forward of the model and one of its float64 copy per batch.
    const double forwards = evidence ? 3.0
                                     : static_cast<double>(p.warmup) +
                                           static_cast<double>(p.iterations) * (p.profile ? 2.0 : 1.0);
    forwards_flops += per_forward * forwards;
    if (!evidence) {
      per_batch_time += std::max(p.min_time, p.max_time) * (p.profile ? 2.0 : 1.0);
      per_batch_time += p.warmup_auto ? p.max_warmup_s : 0.0; // warm-up until steady takes up to this long
    }
  }
  return std::ceil(start_up_s + forwards_flops / floor_flops_per_s + per_batch_time);
}

record::report begin_report(const plan& p, record::context context) {
  record::report r;
  r.context = std::move(context);
  r.model = record::describe(p.model);
  for (const auto& m : p.models) {
    r.models.push_back(record::describe(m));
  }
  r.settings = {.batches = p.batches,
                .warmup = p.warmup,
                .warmup_auto = p.warmup_auto,
                .iterations = p.iterations,
                .seed = p.seed,
                .threads = p.threads,
                .repetitions = p.repetitions,
                .baseline = p.baseline,
                .alpha = p.alpha,
                .cosine_threshold = p.cosine_threshold,
                .timeout_s = p.timeout < 0 ? default_timeout(p) : p.timeout,
                .managed_env = p.managed_env,
                .env_overrides = p.env_overrides,
                .schedule = std::string(name_of(p.schedule)),
                .turn_s = p.schedule == schedule::rounds ? 0.0 : p.turn_s,
                .cycles = p.schedule == schedule::rounds ? 0 : p.cycles};
  return r;
}

} // namespace gbench::run

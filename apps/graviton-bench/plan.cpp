#include "plan.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/ranges.h>

#include <fmt/format.h>

#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/util/subprocess.hpp"
#include "gbench/profile/aggregate.hpp"
#include "paths.hpp"

namespace gbench::app {

namespace {

std::vector<std::int64_t> parse_batches(const std::vector<std::string>& items) {
  std::vector<std::int64_t> out;
  for (const auto& item : items) {
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec != std::errc() || ptr != item.data() + item.size()) {
      throw input_error(fmt::format("--batch: '{}' is not a whole number; write e.g. --batch 256,32,10", item));
    }
    if (value <= 0) {
      throw input_error(fmt::format("--batch: {} is not a batch size; batch sizes are whole numbers from 1", value));
    }
    out.push_back(value);
  }
  if (out.empty()) {
    throw input_error("--batch: no batch size given; write e.g. --batch 256,32,10");
  }
  return out;
}

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

} // namespace

std::vector<record::preset_run> gather_evidence(const run::plan& plan, const std::string& configs,
                                             const std::string& presets_file) {
  auto evidence_plan = plan;
  const bool has_default = std::any_of(plan.presets.begin(), plan.presets.end(),
                                       [](const config::preset& p) { return p.name == "default"; });
  if (!has_default) {
    evidence_plan.presets.push_back(load_catalog(config_dir(configs), presets_file).at("default"));
  }
  auto found = run::execute(evidence_plan, util::self_executable(), true);
  const auto baseline = std::find_if(found.begin(), found.end(), [](const record::preset_run& r) {
    return r.preset.name == "default";
  });
  run::describe_effects(found, baseline == found.end() ? nullptr : &*baseline);
  if (!has_default) {
    found.pop_back();
  }
  return found;
}

run::plan make_plan(const run_options& opt) {
  const auto configs = config_dir(opt.configs);
  const auto catalog = load_catalog(configs, opt.presets_file);

  run::plan plan;
  plan.model = config::load_model(opt.model, configs / "models");
  plan.batches = parse_batches(opt.batches);
  for (const auto& name : opt.presets) {
    if (name == "all") {
      for (const auto& p : catalog.presets()) {
        plan.presets.push_back(p);
      }
    } else {
      plan.presets.push_back(catalog.at(name));
    }
  }
  for (const auto& k : catalog.knobs()) {
    plan.managed_env.push_back(k.name);
  }
  for (const auto& item : opt.env) {
    auto [key, value] = config::parse_env_assignment(item);
    catalog.check_value("--env: ", key, value);
    plan.env_overrides[key] = value;
  }
  const auto warmup = number_or_word(opt.warmup, "auto", 0, 1000000, "--warmup");
  plan.warmup_auto = !warmup;
  plan.warmup = warmup.value_or(0);
  plan.iterations = opt.iterations;
  plan.threads = opt.threads;
  plan.seed = opt.seed;
  plan.verbose = opt.verbose;
  plan.profile = !opt.no_profile;
  const auto repetitions = number_or_word(opt.repetitions, "auto", 1, 1000, "--repetitions");
  plan.repetitions = repetitions.value_or(0); // 0: until precise
  if (!repetitions && !opt.precision) {
    throw input_error("--repetitions auto needs --precision PCT: the half-width of the 95% intervals to reach, e.g. "
                      "--precision 3");
  }
  if (repetitions && opt.precision) {
    throw input_error(fmt::format("--precision {} needs --repetitions auto (it decides the number of repetitions); "
                                  "drop -r {} or --precision",
                                  *opt.precision, *repetitions));
  }
  if (opt.baseline != "default" &&
      std::none_of(plan.presets.begin(), plan.presets.end(), [&](const config::preset& p) { return p.name == opt.baseline; })) {
    throw input_error(fmt::format("--baseline: preset '{}' is not among the presets run; add it to --preset", opt.baseline));
  }
  plan.min_time = opt.min_time;
  plan.max_time = opt.max_time;
  if (repetitions && opt.max_time > 0 && opt.max_time < opt.min_time) {
    throw input_error(fmt::format("--max-time {} is below --min-time {}; give a maximum at or above the minimum",
                                  opt.max_time, opt.min_time));
  }
  plan.baseline = opt.baseline;
  plan.alpha = opt.alpha;
  plan.cosine_threshold = opt.cosine_threshold;
  plan.record_shapes = opt.group_by_input_shape;
  plan.trace_dir = opt.trace_dir;
  const auto keys = profile::sort_keys();
  if (std::find(keys.begin(), keys.end(), opt.sort_by) == keys.end()) {
    throw input_error(fmt::format("--sort-by: unknown key '{}'; valid keys: {}", opt.sort_by, fmt::join(keys, ", ")));
  }

  return plan;
}

} // namespace gbench::app

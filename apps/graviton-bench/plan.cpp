#include "plan.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/ranges.h>

#include <fmt/format.h>

#include "gbench/backend/model_file.hpp"
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
  // Each model's presets against that model's default preset.
  std::vector<std::string> models;
  for (const auto& r : found) {
    if (std::find(models.begin(), models.end(), r.model) == models.end()) {
      models.push_back(r.model);
    }
  }
  for (const auto& model : models) {
    std::vector<record::preset_run> group;
    for (const auto& r : found) {
      if (r.model == model) {
        group.push_back(r);
      }
    }
    const auto baseline = std::find_if(group.begin(), group.end(), [](const record::preset_run& r) {
      return r.preset.name == "default";
    });
    const std::optional<record::preset_run> base =
        baseline == group.end() ? std::nullopt : std::optional<record::preset_run>(*baseline);
    run::describe_effects(group, base ? &*base : nullptr);
    std::size_t next = 0;
    for (auto& r : found) {
      if (r.model == model) {
        r = group[next++];
      }
    }
  }
  if (!has_default) {
    found.erase(std::remove_if(found.begin(), found.end(),
                               [](const record::preset_run& r) { return r.preset.name == "default"; }),
                found.end());
  }
  return found;
}

run::plan make_plan(const run_options& opt) {
  const auto configs = config_dir(opt.configs);
  const auto catalog = load_catalog(configs, opt.presets_file);

  run::plan plan;
  // --model a.pt,a.pt2: several models side by side (eager against compiled), each a row.
  for (std::size_t start = 0; start <= opt.model.size();) {
    const auto comma = std::min(opt.model.find(',', start), opt.model.size());
    auto model = config::load_model(opt.model.substr(start, comma - start), configs / "models", opt.inputs);
    backend::inspect_model(model, opt.seed);
    for (const auto& other : plan.models) {
      if (other.name == model.name) {
        throw input_error(fmt::format("--model: '{}' is given twice; each model of a list needs a name of its own",
                                      model.name));
      }
    }
    plan.models.push_back(std::move(model));
    start = comma + 1;
  }
  plan.model = plan.models.front();
  if (plan.models.size() == 1) {
    plan.models.clear();
  }
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
  plan.warmup = opt.warmup;
  plan.iterations = opt.iterations;
  plan.threads = opt.threads;
  plan.seed = opt.seed;
  plan.verbose = opt.verbose;
  plan.profile = !opt.no_profile;
  plan.repetitions = opt.repetitions;
  if (opt.baseline != "default" &&
      std::none_of(plan.presets.begin(), plan.presets.end(), [&](const config::preset& p) { return p.name == opt.baseline; })) {
    throw input_error(fmt::format("--baseline: preset '{}' is not among the presets run; add it to --preset", opt.baseline));
  }
  plan.min_time = opt.min_time;
  plan.max_time = opt.max_time;
  if (opt.max_time > 0 && opt.max_time < opt.min_time) {
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

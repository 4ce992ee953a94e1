#include "gbench/run/plan.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/backend/model_file.hpp"
#include "gbench/error.hpp"

namespace gbench::run {

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

plan make_plan(const plan_options& opt, const config::preset_catalog& catalog, const std::filesystem::path& models_dir) {
  plan out;
  // --model a.pt,a.pt2: several models side by side (eager against compiled), each a row.
  for (std::size_t start = 0; start <= opt.model.size();) {
    const auto comma = std::min(opt.model.find(',', start), opt.model.size());
    auto model = config::load_model(opt.model.substr(start, comma - start), models_dir, opt.inputs);
    backend::inspect_model(model, opt.seed);
    for (const auto& other : out.models) {
      if (other.name == model.name) {
        throw input_error(fmt::format("--model: '{}' is given twice; each model of a list needs a name of its own",
                                      model.name));
      }
    }
    out.models.push_back(std::move(model));
    start = comma + 1;
  }
  out.model = out.models.front();
  if (out.models.size() == 1) {
    out.models.clear();
  }
  out.batches = parse_batches(opt.batches);
  for (const auto& name : opt.presets) {
    if (name == "all") {
      for (const auto& p : catalog.presets()) {
        out.presets.push_back(p);
      }
    } else {
      out.presets.push_back(catalog.at(name));
    }
  }
  for (const auto& k : catalog.knobs()) {
    out.managed_env.push_back(k.name);
  }
  for (const auto& item : opt.env) {
    auto [key, value] = config::parse_env_assignment(item);
    catalog.check_value("--env: ", key, value);
    out.env_overrides[key] = value;
  }
  out.warmup = opt.warmup;
  out.iterations = opt.iterations;
  out.threads = opt.threads;
  out.seed = opt.seed;
  out.verbose = opt.verbose;
  out.profile = opt.profile;
  out.repetitions = opt.repetitions;
  if (opt.baseline != "default" &&
      std::none_of(out.presets.begin(), out.presets.end(), [&](const config::preset& p) { return p.name == opt.baseline; })) {
    throw input_error(fmt::format("--baseline: preset '{}' is not among the presets run; add it to --preset", opt.baseline));
  }
  out.min_time = opt.min_time;
  out.max_time = opt.max_time;
  if (opt.max_time > 0 && opt.max_time < opt.min_time) {
    throw input_error(fmt::format("--max-time {} is below --min-time {}; give a maximum at or above the minimum",
                                  opt.max_time, opt.min_time));
  }
  out.baseline = opt.baseline;
  out.alpha = opt.alpha;
  out.cosine_threshold = opt.cosine_threshold;
  out.record_shapes = opt.record_shapes;
  out.trace_dir = opt.trace_dir;
  return out;
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
                .iterations = p.iterations,
                .seed = p.seed,
                .threads = p.threads,
                .repetitions = p.repetitions,
                .baseline = p.baseline,
                .alpha = p.alpha,
                .cosine_threshold = p.cosine_threshold,
                .managed_env = p.managed_env,
                .env_overrides = p.env_overrides};
  return r;
}

} // namespace gbench::run

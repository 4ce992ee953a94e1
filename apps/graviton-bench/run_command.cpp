#include <charconv>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/report/report.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "paths.hpp"

namespace gbench::app {

void setup_run(CLI::App& app, run_options& opt) {
  // A repeated single-valued option takes its last value, so that a wrapper's defaults can be overridden.
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
  app.add_option("--model", opt.model, "Model name in configs/models, or a model JSON file")->capture_default_str()->multi_option_policy(last);
  app.add_option("-b,--batch", opt.batches, "Batch sizes, e.g. 256,32,10")->delimiter(',')->capture_default_str();
  app.add_option("-p,--preset", opt.presets, "Presets to run, e.g. default,bf16 (or 'all'); see 'presets'")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--presets", opt.presets_file, "Also read presets from this JSON file")->check(CLI::ExistingFile)->multi_option_policy(last);
  app.add_option("--env", opt.env, "Set one knob in every preset's process, KEY=VALUE (repeatable)");
  app.add_option("--warmup", opt.warmup, "Untimed forwards before timing, per batch")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str()->multi_option_policy(last);
  app.add_option("--iters", opt.iterations, "Timed forwards per batch")->check(CLI::Range(1, 10000000))->capture_default_str()->multi_option_policy(last);
  app.add_option("--threads", opt.threads, "Intra-op threads (default: LibTorch's choice)")->check(CLI::Range(1, 4096))->multi_option_policy(last);
  app.add_option("--seed", opt.seed, "Seed of weights and inputs")->capture_default_str()->multi_option_policy(last);
  app.add_flag("-v,--verbose", opt.verbose, "Print the model and its predicted classes (stderr)");
  app.add_option("--json", opt.json_path, "Write the full report (context, samples, statistics) to this file")->multi_option_policy(last);
  app.add_option("--format", opt.format, "Output on stdout: table, markdown, csv, json")->capture_default_str()->multi_option_policy(last);
  app.add_option("--configs", opt.configs, "Folder holding presets.json and models/")->multi_option_policy(last);
}

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

int run_run(const run_options& opt) {
  const auto configs = config_dir(opt.configs);
  const auto catalog = load_catalog(configs, opt.presets_file);
  auto reporter = report::make_reporter(opt.format);

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
  plan.warmup = opt.warmup;
  plan.iterations = opt.iterations;
  plan.threads = opt.threads;
  plan.seed = opt.seed;
  plan.verbose = opt.verbose;

  const auto host = host::query_host();
  run::check_memory(plan.model, plan.batches, host.mem_available_bytes);
  if (!opt.json_path.empty()) {
    util::check_writable(opt.json_path, "--json");
  }

  report::run_report result;
  result.context = report::make_context(host, opt.command_line);
  result.plan = plan;
  result.runs = run::execute(plan, util::self_executable());

  reporter->write(result, std::cout);
  std::cout.flush();
  if (!opt.json_path.empty()) {
    util::write_file_atomically(opt.json_path, report::to_json(result).dump(2) + "\n");
    std::cerr << fmt::format("report written to {}\n", opt.json_path);
  }

  bool failed = false;
  for (const auto& r : result.runs) {
    if (!r.all_ok()) {
      failed = true;
      std::cerr << fmt::format("error: preset '{}' did not complete: {}\n", r.preset.name,
                               r.ok ? "a batch failed (see the status column)" : r.error);
      if (!r.ok && !r.stderr_tail.empty()) {
        std::cerr << fmt::format("  last lines of its stderr:\n{}\n", r.stderr_tail);
      }
    }
  }
  return failed ? static_cast<int>(exit_code::partial_failure) : 0;
}

} // namespace gbench::app

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gbench/error.hpp"
#include "gbench/session/serve.hpp"
#include "gbench/util/subprocess.hpp"
#include "plan.hpp"

namespace gbench::app {

namespace {

// How long each load is measured, and its intervals.
void add_window_options(CLI::App& sub_app, serve_options& opt) {
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
  auto* sub = &sub_app;
  sub->add_option("--duration", opt.duration, "Seconds of each load's measurement window, at least")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--min-requests", opt.min_requests, "A window lasts long enough for this many requests at its rate")
      ->check(CLI::Range(0, 100000000))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--max-duration", opt.max_duration, "Seconds a window lasts at most")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--load-warmup", opt.load_warmup, "Seconds of each load before its window, not measured")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--windows", opt.windows, "Slices of a window, resampled for the 95% intervals")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--search-steps", opt.search_steps, "With --p99: bisection steps over the rate (peak / 2^steps)")
      ->check(CLI::Range(1, 20))
      ->capture_default_str()
      ->multi_option_policy(last);
}

} // namespace

CLI::App* setup_serve(CLI::App& app, serve_options& opt) {
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
  auto* sub = app.add_subcommand(
      "serve",
      "Serve requests from worker processes split over the CPUs (P processes x T threads), under a closed or "
      "an open (Poisson) load: throughput, p50/p90/p99/p99.9 latency, and the split to run within a p99 target");
  sub->add_option("--model", opt.model, "Model name in configs/models, a model JSON, .pt or .pt2 file")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--input", opt.inputs, "A model file's input, SHAPE[:DTYPE[:LOW..HIGH]] (repeatable)");
  sub->add_option("-b,--batch", opt.batch, "Samples per request")->capture_default_str()->multi_option_policy(last);
  sub->add_option("-p,--preset", opt.preset, "The preset every worker runs (its knobs)")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--presets", opt.presets_file, "Also read presets from this JSON file")
      ->check(CLI::ExistingFile)
      ->multi_option_policy(last);
  sub->add_option("--configs", opt.configs, "Folder holding presets.json and models/")->multi_option_policy(last);
  sub->add_option("--env", opt.env, "Set one knob in every worker, KEY=VALUE (repeatable)");
  sub->add_option("--warmup", opt.warmup, "Each worker's forwards before serving, or 'auto': until steady state")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--split", opt.split,
                  "PxT processes x threads, a list (1x2,2x1), or auto: every P x T over the divisors of the CPUs")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--concurrency", opt.concurrency, "A closed loop of N requests in flight")
      ->check(CLI::Range(1, 100000))
      ->multi_option_policy(last);
  sub->add_option("--rate", opt.rates, "Open loops of Poisson arrivals at these requests/s, e.g. 50,100")
      ->delimiter(',')
      ->check(CLI::Range(0.001, 1e7));
  sub->add_option("--p99", opt.p99_ms,
                  "p99 latency target in ms: searches each split for the highest rate within it and recommends a split")
      ->check(CLI::Range(0.001, 1e7))
      ->multi_option_policy(last);
  add_window_options(*sub, opt);
  sub->add_option("--seed", opt.seed, "Seed of the weights, inputs and arrivals, a whole number from 0 to 2^64-1")
      ->check(seed_validator())
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--cpus", opt.cpus, "The CPUs the whole run may use: auto (all allowed), none (no pinning) or a list")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--price-per-hour", opt.price_per_hour, "This instance's price per hour in USD: cost per million")
      ->check(CLI::Range(1e-9, 1e6))
      ->multi_option_policy(last);
  sub->add_option("--prices", opt.prices_file, "A JSON file of instance type to USD per hour ({\"c7g.xlarge\": 0.145})")
      ->check(CLI::ExistingFile)
      ->multi_option_policy(last);
  sub->add_option("--instance-type", opt.instance_type, "This host's instance type (default: its DMI product name)")
      ->multi_option_policy(last);
  sub->add_option("--json", opt.json_path, "Write the full report (every request's times) to this file")
      ->multi_option_policy(last);
  sub->add_option("--format", opt.format, "Output on stdout: table or json")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_flag("-q,--quiet", opt.quiet, "No progress on stderr");
  sub->footer("Exit codes: 0 ok, 2 bad command line, 3 invalid input, 4 the split's copies of the model do not fit in\n"
              "memory, 5 output not writable, 6 a worker died (the other splits still ran), 130/143 interrupted\n"
              "(what finished is reported). docs/serve.md says what it measures and how.");
  return sub;
}

namespace {

serve::search_options search_of(const serve_options& opt) {
  if (opt.concurrency && !opt.rates.empty()) {
    throw input_error("--concurrency and --rate: give one, a closed loop (--concurrency) or open loops (--rate)");
  }
  if (opt.price_per_hour && !opt.prices_file.empty()) {
    throw input_error("--price-per-hour and --prices: give one, the price of this instance or a table of prices");
  }
  if (opt.max_duration < opt.duration) {
    throw input_error(fmt::format("--max-duration {} is below --duration {}; give a maximum at or above it",
                                  opt.max_duration, opt.duration));
  }
  serve::search_options s;
  s.mode = opt.concurrency      ? serve::mode::closed
           : !opt.rates.empty() ? serve::mode::open
           : opt.p99_ms         ? serve::mode::search
                                : serve::mode::curve;
  s.concurrency = opt.concurrency;
  s.rates = opt.rates;
  s.target_ms = opt.p99_ms;
  s.steps = opt.search_steps;
  s.base.warmup_s = opt.load_warmup;
  s.base.duration_s = opt.duration;
  s.base.min_requests = opt.min_requests;
  s.base.max_duration_s = opt.max_duration;
  s.base.windows = opt.windows;
  s.base.seed = opt.seed;
  return s;
}

} // namespace

int run_serve(const serve_options& opt) {
  if (opt.format != "table" && opt.format != "json") {
    throw input_error(fmt::format("--format: unknown format '{}'; serve writes table or json", opt.format));
  }
  for (const auto& [option, value] : {std::pair{"--model", opt.model}, std::pair{"--batch", opt.batch}}) {
    if (value.find(',') != std::string::npos) {
      throw input_error(fmt::format("{} {}: serve takes one; run it once per {}", option, value,
                                    option == std::string("--model") ? "model" : "batch size"));
    }
  }
  run::plan_options po;
  po.model = opt.model;
  po.inputs = opt.inputs;
  po.batches = {opt.batch};
  po.presets = {opt.preset};
  po.env = opt.env;
  po.warmup = opt.warmup;
  po.seed = opt.seed;
  po.profile = false;
  session::serve_request request{.plan = make_plan(po, opt.configs, opt.presets_file),
                                 .cpus = opt.cpus,
                                 .splits = opt.split,
                                 .search = search_of(opt),
                                 .price_per_hour = opt.price_per_hour,
                                 .prices_file = opt.prices_file,
                                 .instance_type = opt.instance_type,
                                 .json_path = opt.json_path,
                                 .format = opt.format,
                                 .progress = !opt.quiet && ::isatty(STDERR_FILENO) != 0,
                                 .command_line = opt.command_line,
                                 .executable = util::self_executable()};
  if (request.plan.presets.size() != 1) {
    throw input_error(fmt::format("--preset {}: serve runs one preset; run it once per preset", opt.preset));
  }
  return session::serve_session(request, std::cout);
}

} // namespace gbench::app

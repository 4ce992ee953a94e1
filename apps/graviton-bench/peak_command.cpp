#include <iostream>

#include "commands.hpp"
#include "gbench/backend/libtorch.hpp"
#include "gbench/peak/peak.hpp"
#include "gbench/session/peak.hpp"
#include "gbench/util/subprocess.hpp"
#include "paths.hpp"

namespace gbench::app {

CLI::App* setup_peak(CLI::App& app, peak_options& opt) {
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
  auto* sub = app.add_subcommand(
      "peak", "Measure this machine's ceilings with LibTorch: fp32, bf16 and int8 GEMM GFLOP/s (GOP/s), STREAM triad GB/s");
  sub->add_option("--json", opt.json_path, "Also write the figures to this file (for --peak FILE elsewhere)")
      ->multi_option_policy(last);
  sub->add_option("--gemm-size", opt.gemm_n, "Side of the square matrices")
      ->check(CLI::Range(16, 32768))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--repeats", opt.repeats, "Timed products and triads; the median is reported")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--warmup", opt.warmup, "Untimed products and triads before timing")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--triad-mib", opt.triad_mib,
                  "MiB per triad array (default: 4x the last-level cache, at least 256)")
      ->check(CLI::Range(1, 1 << 20))
      ->multi_option_policy(last);
  sub->add_option("--threads", opt.threads, "LibTorch threads (default: LibTorch's choice, all cores)")
      ->check(CLI::Range(1, 4096))
      ->multi_option_policy(last);
  sub->add_flag("--use-cache", opt.use_cache,
                "Print this host's cached figures when there are some instead of measuring again");
  sub->add_option("--configs", opt.configs, "Folder holding presets.json (the knobs unset while measuring)")
      ->multi_option_policy(last);
  sub->footer("The figures are written to a per-host cache ($XDG_CACHE_HOME/graviton-bench/peak-HOST.json, else\n"
              "~/.cache/...), from which every later run takes its roofline; --peak FILE gives a run other figures.");
  return sub;
}

int run_peak(const peak_options& opt) {
  session::peak_request request;
  request.measure.gemm_n = opt.gemm_n;
  request.measure.repeats = opt.repeats;
  request.measure.warmup = opt.warmup;
  if (opt.triad_mib) {
    request.measure.triad_bytes = *opt.triad_mib * 1024 * 1024;
  }
  request.measure.threads = opt.threads;
  const auto catalog = load_catalog(config_dir(opt.configs), "");
  for (const auto& k : catalog.knobs()) {
    request.measure.managed_env.push_back(k.name);
  }
  request.use_cache = opt.use_cache;
  request.json_path = opt.json_path;
  request.executable = util::self_executable();
  return session::run_peak(request, std::cout);
}

CLI::App* setup_peak_worker(CLI::App& app, peak_worker_options& opt) {
  auto* sub = app.add_subcommand("__peak", "Time the peak kernels (internal)")->group("");
  sub->add_option("--gemm-size", opt.gemm_n)->required();
  sub->add_option("--triad-bytes", opt.triad_bytes)->required();
  sub->add_option("--warmup", opt.warmup)->required();
  sub->add_option("--repeats", opt.repeats)->required();
  sub->add_option("--threads", opt.threads);
  sub->add_flag("--bf16", opt.bf16);
  sub->add_flag("--int8", opt.int8);
  sub->add_option("--out", opt.out)->required();
  return sub;
}

int run_peak_worker(const peak_worker_options& opt) {
  if (opt.threads) {
    config::torch_settings settings;
    settings.threads = opt.threads;
    backend::apply_settings(settings);
  }
  peak::run_kernels(opt.gemm_n, opt.bf16, opt.int8, opt.triad_bytes, opt.warmup, opt.repeats, opt.out);
  return 0;
}

} // namespace gbench::app

#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gbench/backend/libtorch.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/peak/peak.hpp"
#include "gbench/record/peak.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "gbench/util/json_text.hpp"
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
  const auto host = host::query_host();
  if (!opt.json_path.empty()) {
    util::check_writable(opt.json_path, "--json");
  }
  if (opt.use_cache) {
    std::string why;
    if (const auto cached = peak::read_cache(host, why)) {
      std::cout << peak::describe(*cached) << fmt::format("(cached in {})\n", cached->file);
      if (!opt.json_path.empty()) {
        util::write_file_atomically(opt.json_path, util::json_dump(record::to_json(*cached), 2) + "\n");
      }
      return 0;
    }
    std::cerr << fmt::format("peak: {}; measuring\n", why);
  }
  if (host.load_average > 0.5 * host.cores) {
    std::cerr << fmt::format("warning: the machine is busy (1-minute load average {:.1f} on {} cores); the peak "
                             "figures will be low, and every roofline percentage held against them high\n",
                             host.load_average, host.cores);
  }
  peak::request r;
  r.gemm_n = opt.gemm_n;
  r.repeats = opt.repeats;
  r.warmup = opt.warmup;
  if (opt.triad_mib) {
    r.triad_bytes = *opt.triad_mib * 1024 * 1024;
  }
  r.threads = opt.threads;
  const auto catalog = load_catalog(config_dir(opt.configs), "");
  for (const auto& k : catalog.knobs()) {
    r.managed_env.push_back(k.name);
  }
  auto figures = peak::measure(r, host, util::self_executable());

  const auto cache = peak::cache_file(host);
  std::error_code ec;
  std::filesystem::create_directories(cache.parent_path(), ec);
  try {
    figures.file = cache.string();
    util::write_file_atomically(cache, util::json_dump(record::to_json(figures), 2) + "\n");
  } catch (const output_error& e) {
    figures.file.clear();
    std::cerr << fmt::format("warning: the per-host cache cannot be written ({}); runs will not find these figures "
                             "unless given --peak FILE\n",
                             e.what());
  }
  std::cout << peak::describe(figures);
  if (!figures.file.empty()) {
    std::cout << fmt::format("(cached in {})\n", figures.file);
  }
  if (!opt.json_path.empty()) {
    util::write_file_atomically(opt.json_path, util::json_dump(record::to_json(figures), 2) + "\n");
    std::cerr << fmt::format("peak figures written to {}\n", opt.json_path);
  }
  return 0;
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

#include "gbench/peak/peak.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "gbench/backend/kernels.hpp"
#include "gbench/backend/libtorch.hpp"
#include "gbench/error.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/record/context.hpp"
#include "gbench/record/peak.hpp"
#include "gbench/record/report.hpp"
#include "gbench/record/run.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/stats/summary.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::peak {

namespace {

constexpr const char* marker = "graviton-bench-peak";
constexpr std::int64_t mib = 1024 * 1024;

double median_of(const std::vector<std::int64_t>& samples) {
  std::vector<double> values(samples.begin(), samples.end());
  return stats::summarize(values).median;
}

std::string text_of(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// sysfs sizes read "480M", "32768K" or "1024".
std::int64_t parse_cache_size(const std::string& text) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || value <= 0) {
    return 0;
  }
  switch (*end) {
  case 'K':
    return value * 1024;
  case 'M':
    return value * mib;
  case 'G':
    return value * 1024 * mib;
  default:
    return value;
  }
}

// Who computed the products between one pair of markers: oneDNN's matmul implementation when it printed an
// execution, else the BLAS LibTorch was built with (which prints nothing).
std::string route_between(const std::string& out, const std::string& dtype, const std::string& blas) {
  const std::string begin = fmt::format("{},begin,{}", marker, dtype);
  const std::string end = fmt::format("{},end,{}", marker, dtype);
  const auto b = out.find(begin);
  const auto e = out.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) {
    return "unknown (no markers in the worker's output)";
  }
  const auto execs = evidence::parse_onednn_verbose(out.substr(b, e - b));
  for (const auto& x : execs) {
    if (x.kind == "matmul" || x.kind == "inner_product" || x.kind == "gemm_api") {
      return fmt::format("oneDNN {} ({} src, {} weights{})", x.implementation.empty() ? x.kind : x.implementation, x.src_dtype, x.wei_dtype,
                         x.fpmath.empty() ? "" : ", fpmath " + x.fpmath);
    }
  }
  return fmt::format("BLAS ({}: no oneDNN execution)", blas.empty() ? "unknown" : blas);
}

record::gemm_figure gemm_from(const nlohmann::json& samples, const std::string& dtype, std::int64_t n) {
  record::gemm_figure g;
  g.dtype = dtype;
  g.n = n;
  g.samples_ns = samples.get<std::vector<std::int64_t>>();
  g.median_ns = median_of(g.samples_ns);
  g.gflops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n) / g.median_ns;
  return g;
}

} // namespace

std::string bf16_hardware(const host::host_info& host) {
  std::vector<std::string> parts;
  if (host.arch == "aarch64") {
    if (host.has_feature("bf16")) {
      parts.emplace_back(host.has_feature("sve") ? "SVE BF16 (bfmmla)" : "Armv8.6 BF16 (bfmmla)");
    }
  } else {
    if (host.has_feature("amx_bf16")) {
      parts.emplace_back("AMX (amx_bf16)");
    }
    if (host.has_feature("avx512_bf16")) {
      parts.emplace_back("AVX-512 BF16 (avx512_bf16)");
    }
    if (host.has_feature("avx_ne_convert")) {
      parts.emplace_back("AVX-NE-CONVERT (bf16 converted to fp32 for the math)");
    }
  }
  std::string out;
  for (const auto& p : parts) {
    out += (out.empty() ? "" : " and ") + p;
  }
  return out;
}

std::string int8_hardware(const host::host_info& host) {
  const std::vector<std::pair<const char*, const char*>> features =
      host.arch == "aarch64" ? std::vector<std::pair<const char*, const char*>>{{"i8mm", "I8MM (smmla)"},
                                                                                 {"asimddp", "dot product (sdot)"}}
                             : std::vector<std::pair<const char*, const char*>>{{"amx_int8", "AMX (amx_int8)"},
                                                                                 {"avx512_vnni", "AVX-512 VNNI (avx512_vnni)"},
                                                                                 {"avx_vnni", "AVX-VNNI (avx_vnni)"}};
  std::string out;
  for (const auto& [flag, words] : features) {
    if (host.has_feature(flag)) {
      out += (out.empty() ? "" : " and ") + std::string(words);
    }
  }
  return out;
}

std::int64_t last_level_cache_bytes() {
  std::int64_t best = 0;
  int best_level = 0;
  for (int index = 0; index < 8; ++index) {
    const std::filesystem::path dir = fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}", index);
    if (!std::filesystem::exists(dir)) {
      break;
    }
    const int level = std::atoi(text_of(dir / "level").c_str());
    const std::string type = text_of(dir / "type");
    if (type.starts_with("Instruction")) {
      continue;
    }
    if (level > best_level) {
      best_level = level;
      best = parse_cache_size(text_of(dir / "size"));
    }
  }
  return best;
}

record::peak_figures measure(const request& r, const host::host_info& host, const std::string& executable) {
  record::peak_figures f;
  f.date = record::rfc3339_now();
  f.hostname = host.hostname;
  f.arch = host.arch;
  f.cpu_model = host.cpu_model;
  f.cores = host.cores;
  f.load_average_before = host.load_average;
  f.bf16_hardware = bf16_hardware(host);
  const bool bf16 = !f.bf16_hardware.empty();
  if (!bf16) {
    f.bf16_hardware = fmt::format("none: this {} CPU has no native bf16 (no AMX, AVX-512 BF16 or AVX-NE-CONVERT{}); "
                                  "a bf16 product would be emulated, so none was measured",
                                  host.arch, host.arch == "aarch64" ? ", BF16 extension" : "");
  }
  f.int8_hardware = int8_hardware(host);
  const bool int8 = !f.int8_hardware.empty();
  if (!int8) {
    f.int8_hardware = fmt::format("none: this {} CPU has no int8 dot-product instructions ({}); an int8 product "
                                  "would be widened to 16 or 32 bits, so none was measured",
                                  host.arch, host.arch == "aarch64" ? "no SDOT, no I8MM" : "no VNNI, no AMX-INT8");
  }
  const std::int64_t llc = last_level_cache_bytes();
  // STREAM's rule: each array at least 4 times the last-level cache, so that no pass is served from it.
  const std::int64_t bytes = r.triad_bytes.value_or(std::max<std::int64_t>(4 * llc, 256 * mib));
  const std::int64_t need = 3 * bytes + 2 * r.gemm_n * r.gemm_n * 4;
  if (host.mem_available_bytes > 0 && need > host.mem_available_bytes * 9 / 10) {
    throw memory_error(fmt::format("peak: the triad's three arrays of {} MiB need {:.1f} GiB, but only {:.1f} GiB of "
                                   "memory is available; give a smaller --triad-mib (arrays below 4x the {} MiB "
                                   "last-level cache measure the cache, not memory)",
                                   bytes / mib, static_cast<double>(need) / (1024.0 * mib),
                                   static_cast<double>(host.mem_available_bytes) / (1024.0 * mib), llc / mib));
  }

  util::temp_dir tmp;
  const auto out_file = tmp.path() / "peak.json";
  auto env = run::child_environment(util::current_environment(), r.managed_env, {}, {{"ONEDNN_VERBOSE", "1"}});
  std::vector<std::string> args{executable, "__peak", "--gemm-size", std::to_string(r.gemm_n), "--triad-bytes",
                                std::to_string(bytes), "--warmup", std::to_string(r.warmup), "--repeats",
                                std::to_string(r.repeats), "--out", out_file.string()};
  if (bf16) {
    args.emplace_back("--bf16");
  }
  if (int8) {
    args.emplace_back("--int8");
  }
  if (r.threads) {
    args.insert(args.end(), {"--threads", std::to_string(*r.threads)});
  }
  const auto argv = util::wrapped_command(std::move(args));
  const auto status = util::run_process(argv, env, {.forward_stderr = true, .capture_stdout = true});
  if (!status.ok() || !std::filesystem::exists(out_file)) {
    throw error(fmt::format("peak: the measuring process {}; last lines of its stderr:\n{}", status.describe(),
                            status.stderr_tail));
  }
  const auto j = nlohmann::json::parse(util::read_text_file(out_file));
  f.libtorch_version = j.at("libtorch").at("version").get<std::string>();
  f.threads = j.at("libtorch").at("threads").get<int>();
  const std::string blas = j.at("libtorch").at("blas").get<std::string>();
  f.fp32 = gemm_from(j.at("float32"), "float32", r.gemm_n);
  f.fp32.route = route_between(status.stdout_text, "float32", blas);
  if (j.contains("bfloat16")) {
    f.bf16 = gemm_from(j.at("bfloat16"), "bfloat16", r.gemm_n);
    f.bf16->route = route_between(status.stdout_text, "bfloat16", blas);
  }
  if (j.contains("int8")) {
    f.int8 = gemm_from(j.at("int8"), "int8", r.gemm_n);
    f.int8->route = route_between(status.stdout_text, "int8", blas);
  }
  f.triad.bytes_per_array = bytes;
  f.triad.llc_bytes = llc;
  f.triad.samples_ns = j.at("triad").get<std::vector<std::int64_t>>();
  f.triad.median_ns = median_of(f.triad.samples_ns);
  f.triad.gbps = 3.0 * static_cast<double>(bytes) / f.triad.median_ns;
  f.load_average_after = host::query_host().load_average;
  return f;
}

void run_kernels(std::int64_t gemm_n, bool bf16, bool int8, std::int64_t triad_bytes, int warmup, int repeats,
                 const std::filesystem::path& out) {
  nlohmann::json j;
  j["libtorch"] = record::to_json(backend::query_libtorch());
  const auto product = [&](backend::gemm_dtype dtype, const char* name) {
    std::fflush(stdout);
    std::printf("%s,begin,%s\n", marker, name);
    std::fflush(stdout);
    j[name] = backend::time_gemm(gemm_n, dtype, warmup, repeats);
    std::fflush(stdout);
    std::printf("%s,end,%s\n", marker, name);
    std::fflush(stdout);
  };
  product(backend::gemm_dtype::float32, "float32");
  if (bf16) {
    product(backend::gemm_dtype::bfloat16, "bfloat16");
  }
  if (int8) {
    product(backend::gemm_dtype::int8, "int8");
  }
  j["triad"] = backend::time_triad(triad_bytes / 4, warmup, repeats);
  util::write_file_atomically(out, util::json_dump(j) + "\n");
}

std::filesystem::path cache_file(const host::host_info& host, int threads) {
  std::filesystem::path dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    dir = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    dir = std::filesystem::path(home) / ".cache";
  } else {
    dir = std::filesystem::temp_directory_path();
  }
  return dir / "graviton-bench" /
         fmt::format("peak-{}-{}t.json", host.hostname.empty() ? "localhost" : host.hostname, threads);
}

namespace {

input_error unusable_peak_file(const error& e) {
  return input_error(fmt::format("--peak {}; give a file written by 'graviton-bench peak --json', or a report that "
                                 "holds peak figures",
                                 e.what()));
}

} // namespace

record::peak_figures read_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  // A peak file, or a whole report that holds peak figures: read as a report is, within its limits.
  std::string text;
  try {
    text = record::read_report_text(path);
  } catch (const error& e) {
    throw unusable_peak_file(e);
  }
  record::peak_figures f = parse_figures(text, name);
  f.file = std::filesystem::absolute(path).string();
  f.source = "file";
  return f;
}

record::peak_figures parse_figures(const std::string& text, const std::string& name) {
  record::peak_figures f;
  try {
    const auto j = record::parse_document(text, name);
    const record::node root(j, name);
    // A whole report carries its peak in its context: take it from there.
    if (j.is_object() && j.contains("context") && j.contains("schema") && j["schema"] == "graviton-bench-report") {
      const auto peak = root.at("context").find("peak");
      if (!peak) {
        throw report_error(fmt::format("{}: this report holds no peak figures (context.peak is null)", name));
      }
      record::from_json(*peak, f);
    } else {
      record::from_json(root, f);
    }
  } catch (const error& e) {
    throw unusable_peak_file(e);
  }
  return f;
}

std::optional<record::peak_figures> read_cache(const host::host_info& host, int threads, std::string& why) {
  const auto path = cache_file(host, threads);
  if (!std::filesystem::exists(path)) {
    why = fmt::format("no peak figures for this host on {} thread{} ({} does not exist)", threads,
                      threads == 1 ? "" : "s", path.string());
    return std::nullopt;
  }
  record::peak_figures f;
  try {
    f = read_file(path);
  } catch (const error& e) {
    why = fmt::format("the peak cache cannot be used: {}", e.what());
    return std::nullopt;
  }
  if (f.arch != host.arch || f.cpu_model != host.cpu_model || f.cores != host.cores) {
    why = fmt::format("the peak cache {} was measured on another machine ({} {}, {} cores)", path.string(), f.arch,
                      f.cpu_model, f.cores);
    return std::nullopt;
  }
  if (f.threads != threads) {
    why = fmt::format("the peak cache {} holds figures of {} threads, not {}", path.string(), f.threads, threads);
    return std::nullopt;
  }
  f.source = "cache";
  return f;
}

std::string describe(const record::peak_figures& f) {
  std::string out = fmt::format("peak of {} ({}, {} cores), LibTorch {} on {} thread{}, {}\n", f.hostname, f.cpu_model,
                                f.cores, f.libtorch_version, f.threads, f.threads == 1 ? "" : "s", f.date);
  const auto gemm = [](const record::gemm_figure& g) {
    return fmt::format("{:.1f} GFLOP/s  ({}x{} matmul, median of {}, {})", g.gflops, g.n, g.n, g.samples_ns.size(),
                       g.route);
  };
  out += fmt::format("  fp32 GEMM   {}\n", gemm(f.fp32));
  out += f.bf16 ? fmt::format("  bf16 GEMM   {}\n              bf16 hardware: {}\n", gemm(*f.bf16), f.bf16_hardware)
                : fmt::format("  bf16 GEMM   not measured: {}\n", f.bf16_hardware);
  out += f.int8 ? fmt::format("  int8 GEMM   {} (GOP/s)\n              int8 hardware: {}\n", gemm(*f.int8),
                              f.int8_hardware)
                : fmt::format("  int8 GEMM   not measured: {}\n", f.int8_hardware.empty() ? "figures measured before "
                                                                                             "int8 was" : f.int8_hardware);
  out += fmt::format("  bandwidth   {:.1f} GB/s  (STREAM triad, 3 arrays of {} MiB, last-level cache {}, median of {})\n",
                     f.triad.gbps, f.triad.bytes_per_array / (1024 * 1024),
                     f.triad.llc_bytes > 0 ? fmt::format("{} MiB", f.triad.llc_bytes / (1024 * 1024)) : "unknown",
                     f.triad.samples_ns.size());
  out += fmt::format("  load        1-minute load average {:.2f} before, {:.2f} after", f.load_average_before,
                     f.load_average_after);
  if (f.triad.llc_bytes > 0 && f.triad.bytes_per_array < 4 * f.triad.llc_bytes) {
    out += "\n  note        the triad's arrays are smaller than 4x the last-level cache: part of the traffic may be "
           "served by the cache";
  }
  return out + "\n";
}

} // namespace gbench::peak

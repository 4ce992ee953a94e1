#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/host/host_info.hpp"

/// What this machine can do at most, measured with LibTorch in a process of its own: the ceilings of the
/// roofline that every result is held against.
namespace gbench::peak {

/// A square matrix product's rate.
struct gemm_figure {
  std::string dtype; ///< "float32" or "bfloat16"
  std::int64_t n = 0;
  std::vector<std::int64_t> samples_ns; ///< one product each
  double median_ns = 0;
  double gflops = 0;  ///< 2 n^3 / median
  std::string route;  ///< who computed it: oneDNN's implementation from its verbose lines, or the BLAS
};

/// A STREAM triad's rate: a = b + s * c over float32 vectors.
struct triad_figure {
  std::int64_t bytes_per_array = 0;
  std::int64_t llc_bytes = 0; ///< the last-level cache the arrays must dwarf; 0 when sysfs does not say
  std::vector<std::int64_t> samples_ns;
  double median_ns = 0;
  double gbps = 0; ///< 3 arrays (two read, one written, STREAM's count) / median
};

/// The peak figures of one host, and where they came from.
struct figures {
  std::string date;               ///< RFC 3339 UTC of the measurement
  std::string hostname;
  std::string arch;
  std::string cpu_model;
  int cores = 0;
  std::string libtorch_version;
  int threads = 0;                ///< LibTorch threads the kernels ran on
  double load_average_before = 0; ///< 1-minute load average: figures taken on a busy machine are low
  double load_average_after = 0;
  gemm_figure fp32;
  std::optional<gemm_figure> bf16; ///< measured only where the CPU computes bf16 natively
  std::string bf16_hardware;       ///< what computes bf16 here (AMX, AVX-512 BF16, ...), or why it was not measured
  triad_figure triad;
  std::string source = "measured"; ///< measured, cache (the per-host file) or file (--peak FILE)
  std::string file;                ///< the file they were read from or written to
};

/// How to measure.
struct request {
  std::int64_t gemm_n = 4096;
  int warmup = 2;
  int repeats = 10;
  std::optional<std::int64_t> triad_bytes; ///< per array; default 4x the last-level cache, at least 256 MiB
  std::optional<int> threads;              ///< default: LibTorch's
  std::vector<std::string> managed_env;    ///< knobs removed from the measuring process's environment
};

/// Runs the kernels in a child process of `executable` (its hidden `__peak` command) with every managed knob
/// unset, and returns the figures. Throws error when the process fails, memory_error when the triad's arrays
/// would not fit in available memory.
figures measure(const request& r, const host::host_info& host, const std::string& executable);

/// What computes bf16 on this CPU in words ("AMX (amx_bf16) and AVX-512 BF16"), or empty when nothing does
/// and a bf16 product would be emulated.
std::string bf16_hardware(const host::host_info& host);

/// The last-level cache in bytes from sysfs, 0 when unknown.
std::int64_t last_level_cache_bytes();

/// The per-host cache: $XDG_CACHE_HOME/graviton-bench/peak-HOSTNAME.json, else ~/.cache/graviton-bench/...
std::filesystem::path cache_file(const host::host_info& host);

/// Reads a peak file (--peak FILE or the cache), or a report's context.peak. Throws input_error naming the file
/// and the field when it cannot be used.
figures read_file(const std::filesystem::path& path);
/// The same for text already read; `name` stands for the file in messages. `file` and `source` are left empty.
figures parse_figures(const std::string& text, const std::string& name);

/// The cache when it exists and was measured on this kind of host (arch, CPU model, cores); else nullopt
/// with `why` saying what was found.
std::optional<figures> read_cache(const host::host_info& host, std::string& why);

/// Human summary, several lines.
std::string describe(const figures& f);

/// The hidden worker's side: runs the kernels and writes their samples as JSON to `out`. Prints markers
/// around each product on stdout, where oneDNN's verbose lines go, so the parent can tell who computed it.
void run_kernels(std::int64_t gemm_n, bool bf16, std::int64_t triad_bytes, int warmup, int repeats,
                 const std::filesystem::path& out);

} // namespace gbench::peak

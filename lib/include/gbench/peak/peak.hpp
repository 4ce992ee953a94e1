#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/host/host_info.hpp"
#include "gbench/record/peak.hpp"

/// What this machine can do at most, measured with LibTorch in a process of its own: the ceilings of the
/// roofline that every result is held against.
namespace gbench::peak {

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
record::peak_figures measure(const request& r, const host::host_info& host, const std::string& executable);

/// What computes bf16 on this CPU in words ("AMX (amx_bf16) and AVX-512 BF16"), or empty when nothing does
/// and a bf16 product would be emulated.
std::string bf16_hardware(const host::host_info& host);

/// What computes int8 dot products on this CPU in words ("AMX (amx_int8) and AVX-512 VNNI (avx512_vnni)",
/// "I8MM (smmla) and dot product (sdot)"), or empty when nothing does and an int8 product would be widened.
std::string int8_hardware(const host::host_info& host);

/// The last-level cache in bytes from sysfs, 0 when unknown.
std::int64_t last_level_cache_bytes();

/// The per-host cache of figures measured on `threads` LibTorch threads:
/// $XDG_CACHE_HOME/graviton-bench/peak-HOSTNAME-Nt.json, else ~/.cache/graviton-bench/...
std::filesystem::path cache_file(const host::host_info& host, int threads);

/// Reads a peak file (--peak FILE or the cache), or a report's context.peak. Throws input_error naming the file
/// and the field when it cannot be used.
record::peak_figures read_file(const std::filesystem::path& path);
/// The same for text already read; `name` stands for the file in messages. `file` and `source` are left empty.
record::peak_figures parse_figures(const std::string& text, const std::string& name);

/// The cache of `threads` threads when it exists and was measured on this kind of host (arch, CPU model,
/// cores); else nullopt with `why` saying what was found.
std::optional<record::peak_figures> read_cache(const host::host_info& host, int threads, std::string& why);

/// Human summary, several lines.
std::string describe(const record::peak_figures& f);

/// The hidden worker's side: runs the kernels and writes their samples as JSON to `out`. Prints markers
/// around each product on stdout, where oneDNN's verbose lines go, so the parent can tell who computed it.
void run_kernels(std::int64_t gemm_n, bool bf16, bool int8, std::int64_t triad_bytes, int warmup, int repeats,
                 const std::filesystem::path& out);

} // namespace gbench::peak

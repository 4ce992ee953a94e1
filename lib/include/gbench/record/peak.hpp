#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// A square matrix product's rate.
struct gemm_figure {
  std::string dtype; ///< "float32", "bfloat16" or "int8" (int8 operands, int32 sums: gflops is then GOP/s)
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
struct peak_figures {
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
  std::optional<gemm_figure> int8; ///< measured only where the CPU has int8 dot-product instructions
  std::string int8_hardware;       ///< which (VNNI, AMX-INT8, SDOT, I8MM), or why none was measured
  triad_figure triad;
  std::string source = "measured"; ///< measured, cache (the per-host file) or file (--peak FILE)
  std::string file;                ///< the file they were read from or written to
};

/// Where one (preset, batch) result stands against the machine's ceilings.
struct roofline {
  double flops = 0;          ///< per forward: 2*in*out per Linear per sample
  double bytes = 0;          ///< per forward, see bytes_per_forward
  double intensity = 0;      ///< flops / bytes
  std::string ceiling;       ///< the compute peak used: "fp32", "bf16" or "int8"
  /// Why that ceiling and these bytes: what the evidence showed ran (the math of the layers, the weights' stored
  /// type), or the preset's settings when the run has no evidence; and a ceiling that was wanted but not measured.
  std::string basis;
  double peak_gflops = 0;    ///< that peak
  double bandwidth_gbps = 0; ///< the triad's
  double bound_gflops = 0;   ///< min(peak, intensity * bandwidth)
  bool memory_bound = false; ///< intensity * bandwidth is the smaller
  double achieved_gflops = 0;
  double percent_of_bound = 0; ///< achieved / bound * 100
};


/// Name and version of the peak figures' layout (docs/peak-and-reports.md).
inline constexpr const char* peak_schema = "graviton-bench-peak";
inline constexpr int peak_schema_version = 1;

nlohmann::json to_json(const gemm_figure& g);
void from_json(const node& n, gemm_figure& out);
/// The figures with their schema and version first: a file of `peak --json`, the cache, or a report's
/// context.peak.
nlohmann::json to_json(const peak_figures& f);
void from_json(const node& n, peak_figures& out);
nlohmann::json to_json(const roofline& r);
void from_json(const node& n, roofline& out);

} // namespace gbench::record

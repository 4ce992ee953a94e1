#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>


namespace gbench::host {

/// Facts of the machine that decide what the knobs can do here.
struct host_info {
  std::string arch;            ///< uname machine: x86_64, aarch64
  std::string cpu_model;       ///< "AMD EPYC", "Neoverse-V1", ...
  std::string microarchitecture; ///< e.g. "Neoverse V1 (Graviton3)" where known, else empty
  std::string kernel;          ///< uname release
  int cores = 0;               ///< online logical CPUs
  std::vector<std::string> isa_features; ///< the features that matter for these knobs, present on this CPU
  std::optional<int> sve_vector_bits;    ///< aarch64 with SVE: the vector length
  std::string thp_mode;        ///< kernel THP: always, madvise, never, or "unavailable"
  std::int64_t mem_available_bytes = 0;
  std::int64_t mem_total_bytes = 0;
  double load_average = 0;     ///< 1-minute load average when the run started: a busy machine times badly

  [[nodiscard]] bool has_feature(const std::string& name) const;
};

/// Reads /proc/cpuinfo, /proc/meminfo, uname and sysfs.
host_info query_host();

/// The parts of query_host() that parse text, exposed for tests on captured files.
struct cpuinfo_facts {
  std::string cpu_model;
  std::string microarchitecture;
  std::vector<std::string> flags; ///< every flag or feature word listed
};
cpuinfo_facts parse_cpuinfo(const std::string& text);
/// The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled ("always [madvise] never" -> "madvise").
std::string parse_thp_mode(const std::string& text);
/// A field of /proc/meminfo in bytes, or nullopt.
std::optional<std::int64_t> parse_meminfo_bytes(const std::string& text, const std::string& field);

/// Bytes of this process's anonymous memory backed by transparent huge pages (AnonHugePages of
/// /proc/self/smaps_rollup), or nullopt where the kernel does not say.
std::optional<std::int64_t> anon_huge_pages_bytes();

} // namespace gbench::host

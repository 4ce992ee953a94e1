#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

/// Where benchmark processes run (CPU affinity) and how busy those CPUs are with other work.
namespace gbench::host {

/// Cumulative time of one CPU from /proc/stat, in clock ticks.
struct cpu_times {
  std::int64_t busy = 0;  ///< user, nice, system, irq, softirq
  std::int64_t idle = 0;  ///< idle, iowait
  std::int64_t steal = 0; ///< taken by the hypervisor for other guests
};

/// The per-CPU lines ("cpuN ...") of /proc/stat's text, by CPU number.
std::map<int, cpu_times> parse_proc_stat(const std::string& text);
/// /proc/stat now; empty where it cannot be read.
std::map<int, cpu_times> read_proc_stat();

/// How busy a CPU was between two snapshots.
struct cpu_load {
  int cpu = 0;
  double busy = 0;  ///< fraction of the interval spent running something
  double steal = 0; ///< fraction taken by the hypervisor
};
std::vector<cpu_load> load_between(const std::map<int, cpu_times>& before, const std::map<int, cpu_times>& after);

/// How busy some CPUs were with work other than this process and its finished children (the tool's own
/// benchmark processes), between its construction and a call of others(): the CPUs' busy time from
/// /proc/stat minus this process's and its waited-for children's CPU time (getrusage).
class load_monitor {
public:
  load_monitor();
  /// Over `cpus` (every CPU when empty): busy = other work's share of their time, steal = the hypervisor's.
  /// `cpu` is -1 (a summary). All zero where /proc/stat cannot be read.
  [[nodiscard]] cpu_load others(const std::vector<int>& cpus) const;

private:
  std::map<int, cpu_times> start_;
  double own_cpu_s_ = 0;
};

/// The arithmetic of load_monitor: other work's share of `cpus` (all when empty) between two /proc/stat
/// snapshots, given that this process and its children used `own_cpu_s` seconds of CPU in between.
cpu_load other_load(const std::map<int, cpu_times>& before, const std::map<int, cpu_times>& after, double own_cpu_s,
                    const std::vector<int>& cpus, double tick_s);

/// This process's and its waited-for children's CPU time (user + system), in seconds.
double own_cpu_seconds();

/// "0-3,6" -> {0, 1, 2, 3, 6}; throws input_error naming `what` on anything else.
std::vector<int> parse_cpu_list(const std::string& text, const std::string& what);
/// {0, 1, 2, 3, 6} -> "0-3,6".
std::string format_cpu_list(const std::vector<int>& cpus);

/// The CPUs this process may run on (sched_getaffinity), sorted.
std::vector<int> allowed_cpus();

/// Where every benchmark process of a run is placed.
struct placement {
  std::string mode;       ///< "auto", "none" or "list"
  std::vector<int> order; ///< CPUs in order of preference; a process of n threads gets the first n
  std::string reason;     ///< how the order was chosen

  /// The CPUs of a process with `threads` threads (all of `order` when threads is 0 or exceeds it); empty
  /// for mode "none".
  [[nodiscard]] std::vector<int> cpus_for(int threads) const;
};

/// --cpus: "auto" (the least busy allowed CPUs first, ties to the highest number since CPU 0 takes most
/// of the interrupts), "none" (no pinning) or a list ("1", "0-1", "2,3"), every CPU of which must be
/// allowed. `load` is the allowed CPUs' load just before the run. Throws input_error naming --cpus.
placement choose_placement(const std::string& spec, const std::vector<int>& allowed, const std::vector<cpu_load>& load);

/// Sets the calling thread's affinity to `cpus` for its lifetime (nothing when empty), then restores it.
/// A child started meanwhile inherits the set from its first instruction: OpenMP (libgomp) reads the affinity
/// once, when the library loads, before the child's main() could pin anything. With OMP_PROC_BIND=true,
/// libgomp also binds this process's own first thread to its first place at load time; a child started
/// without this would inherit that single CPU and run all its threads on it.
class scoped_thread_affinity {
public:
  explicit scoped_thread_affinity(const std::vector<int>& cpus);
  ~scoped_thread_affinity();
  scoped_thread_affinity(const scoped_thread_affinity&) = delete;
  scoped_thread_affinity& operator=(const scoped_thread_affinity&) = delete;

private:
  std::vector<int> saved_;
};

/// The CPUs that are online (/sys/devices/system/cpu/online), or allowed_cpus() when that cannot be read.
std::vector<int> online_cpus();

/// Pins the calling process (every thread it starts afterwards inherits it) to `cpus`; throws error on failure.
void pin_current_process(const std::vector<int>& cpus);

nlohmann::json to_json(const placement& p);

} // namespace gbench::host

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

/// Statistics of timings grouped by process (Kalibera and Jones, "Rigorous benchmarking in reasonable time",
/// ISMM 2013; Chen and Revels, "Robust benchmarking in noisy environments", 2016).
///
/// Samples of one process share its luck: CPU placement, memory layout, and slow episodes of the machine
/// (a few hundred milliseconds at +35-45% on a shared VM) that fall into its timed window. So a process's
/// samples are kept in time order and cut into chunks; a process is summarised by its lowest chunk median
/// (an episode slows chunks down, never speeds them up), and the processes of a group, not its samples, are
/// the units of every test and interval.
namespace gbench::stats {

/// One process's samples in the order they were taken, cut into chunks of `chunk_size` (0: one chunk; the
/// last chunk may be shorter).
struct process_samples {
  std::vector<double> samples;
  std::size_t chunk_size = 0;
  /// The round of interleaved processes it ran in (1, 2, ...); 0 when unknown. Processes of two groups that
  /// ran in the same round ran next to each other, so the machine's slow drift (its speed wanders by several
  /// percent over seconds) fell on both alike: compare_groups pairs them.
  std::size_t round = 0;
  /// A co-resident worker that took turns with the others (lockstep): `round` is its process set and chunk k
  /// is its turn in cycle k of that set, next to the same cycle's turns of the other workers.
  bool lockstep = false;
};

/// The median of each chunk, in order.
std::vector<double> chunk_medians(std::span<const double> samples, std::size_t chunk_size);

/// A process's robust estimate: its lowest chunk median. Throws input_error when there are no samples.
double process_estimate(const process_samples& p);

/// Variance components of a group (one-way random-effects ANOVA on chunk medians, processes as the
/// random factor): between processes, and between chunks within a process.
struct variance_components {
  std::size_t processes = 0;
  std::size_t chunks = 0;        ///< all processes' chunks
  double grand_mean = 0;         ///< of the chunk medians
  double between = 0;            ///< variance between process means, beyond what the chunks explain (>= 0)
  double within = 0;             ///< variance of a chunk median within a process
  double samples_per_chunk = 0;  ///< mean chunk size
  /// Both as coefficients of variation (standard deviation / grand mean).
  [[nodiscard]] double between_cv() const;
  [[nodiscard]] double within_cv() const;
};

/// ANOVA estimates (method of moments, negative between-variance truncated at 0). With one process the
/// between component is unknown and left at 0; with one chunk per process the within component is 0.
variance_components estimate_components(std::span<const process_samples> group);

/// What the processes of one group say about its central value.
struct group_estimate {
  std::vector<double> process_estimates; ///< each process's lowest chunk median, in order
  double estimate = 0;                   ///< their mean
  double ci_low = 0;                     ///< hierarchical bootstrap interval of the estimate
  double ci_high = 0;
  variance_components components;
};

/// Options of the bootstrap and tests.
struct process_test_options {
  double alpha = 0.05;
  double confidence = 0.95;
  double power = 0.80;     ///< of the minimal detectable effect
  int resamples = 2000;
  std::uint64_t seed = 0;  ///< the same data and seed give the same intervals on every standard library
  double trim = 0.2;       ///< share cut at each end by the trimmed tests (stats/robust.hpp)
};

/// Estimate and interval of one group. The bootstrap resamples processes with replacement, then the
/// samples of each chunk of each drawn process (a chunk's resampled median drawn directly for chunks up to
/// 200 samples, else from its asymptotic normal distribution around the chunk's quantiles), and recomputes
/// every estimate; the percentile interval of the draws is recentred (in logs) on the estimate, because the
/// lowest of resampled chunk medians is biased low. Throws input_error when the group is empty or holds a process without samples.
group_estimate estimate_group(std::span<const process_samples> group, const process_test_options& o);

/// Chunks per process that minimise the cost of a given precision (Kalibera and Jones): more processes when
/// the variance lies between them, longer processes when it lies within. `process_overhead_s` is a process's
/// cost beyond its timed chunks (start, model build, warm-up), `chunk_s` a chunk's. Clamped to [min, max].
int optimal_chunks(const variance_components& c, double process_overhead_s, double chunk_s, int min_chunks,
                   int max_chunks);

/// Variance of the logarithms of values (sample variance, n - 1); 0 with fewer than two.
double log_variance(std::span<const double> values);

} // namespace gbench::stats

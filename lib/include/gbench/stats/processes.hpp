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
};

/// Estimate and interval of one group. The bootstrap resamples processes with replacement, then the
/// samples of each chunk of each drawn process (a chunk's resampled median drawn directly for chunks up to
/// 200 samples, else from its asymptotic normal distribution around the chunk's quantiles), and recomputes
/// every estimate; the percentile interval of the draws is recentred (in logs) on the estimate, because the
/// lowest of resampled chunk medians is biased low. Throws input_error when the group is empty or holds a process without samples.
group_estimate estimate_group(std::span<const process_samples> group, const process_test_options& o);

/// A comparison of two groups, a and b, on their estimates.
struct group_comparison {
  double ratio = 1;            ///< estimate(a) / estimate(b)
  double ci_low = 1;           ///< hierarchical bootstrap interval of the ratio
  double ci_high = 1;
  /// Whether the processes were paired by round: every process of both groups has a round, each round holds
  /// one process of each group, and both groups hold the same two rounds or more. Then the test is the paired
  /// t-test on the differences of log estimates within rounds, and the bootstrap resamples rounds.
  bool paired = false;
  /// Welch's t-test on the logarithms of the process estimates (a ratio is a difference of logs), or the
  /// paired t-test when paired, when each side has at least two processes; else absent: the variance between
  /// processes is unknown.
  std::optional<double> p_value;
  std::optional<double> df;              ///< Welch-Satterthwaite degrees of freedom, or rounds - 1 when paired
  std::optional<double> t_low;           ///< the t interval of the ratio at `confidence`
  std::optional<double> t_high;
  /// The smallest relative change (e.g. 0.041 for 4.1%) the test would detect with probability `power` at
  /// `alpha`, from the observed variance of process estimates.
  std::optional<double> mde;
  bool significant = false;    ///< p_value < alpha and the bootstrap interval excludes 1
  /// Variances of the log process estimates the test rests on: of each group, and when paired of the
  /// differences within rounds. What one more process a side (round) would buy follows from them.
  double log_var_a = 0;
  double log_var_b = 0;
  double log_var_diff = 0;
};

group_comparison compare_groups(std::span<const process_samples> a, std::span<const process_samples> b,
                                const process_test_options& o);

/// Processes a side that make `mde` at most `target` (relative), given the variance of log process
/// estimates `var_a`, `var_b` (per process): the smallest n >= 2 with (t_{1-alpha/2} + t_power) *
/// sqrt((var_a + var_b) / n) <= log(1 + target), or `cap` when none up to it does.
int processes_needed(double var_a, double var_b, double target, double alpha, double power, int cap = 1000);

/// The search behind processes_needed: the smallest n >= 2 with (t_{1-alpha/2} + t_power) * sqrt(var / n) <=
/// log(1 + target) at sides * (n - 1) degrees of freedom, or `cap` when none up to it does. `sides` is 1 for
/// one group or pairs, 2 for two independent groups (var the sum of theirs). With power 0.5 (t_power = 0) it is
/// the n whose t interval at confidence 1 - alpha is within +-target.
int processes_for(double var, int sides, double target, double alpha, double power, int cap = 1000);

/// The same for the test `c` made: from the variances of its groups, or when paired of its differences
/// (then the answer is rounds: n - 1 degrees of freedom on var_diff / n).
int processes_needed(const group_comparison& c, double target, double alpha, double power, int cap = 1000);

/// Chunks per process that minimise the cost of a given precision (Kalibera and Jones): more processes when
/// the variance lies between them, longer processes when it lies within. `process_overhead_s` is a process's
/// cost beyond its timed chunks (start, model build, warm-up), `chunk_s` a chunk's. Clamped to [min, max].
int optimal_chunks(const variance_components& c, double process_overhead_s, double chunk_s, int min_chunks,
                   int max_chunks);

/// Variance of the logarithms of values (sample variance, n - 1); 0 with fewer than two.
double log_variance(std::span<const double> values);

} // namespace gbench::stats

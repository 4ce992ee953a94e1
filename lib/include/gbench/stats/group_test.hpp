#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "gbench/stats/processes.hpp"

/// The test that decides whether two groups of processes differ, chosen by how the processes ran (never by
/// which p-value is smaller; docs/statistics.md):
///  - lockstep: co-resident workers took turns, so the two sides of each cycle shared the same seconds. Each
///    cycle gives the log ratio of the neighbouring turns' medians; each process set is summarised by the
///    20%-trimmed mean of its cycles (a cycle that straddles the edge of a slow episode is cut); the sets, which
///    carry each process's own luck (memory layout), are the units of a one-sample t-test.
///  - rounds: processes one after the other, paired by round: Yuen's trimmed t on the rounds' differences of
///    log process estimates (Tukey-McLaughlin), so that a round whose one process ran through an episode is
///    cut instead of swamping the test.
///  - independent: Yuen's trimmed two-sample t on the log process estimates.
/// Fewer than five units cut nothing: two to four processes a side give the plain paired t or Welch's t.
namespace gbench::stats {

enum class pairing { independent, rounds, lockstep };

/// A unit the robust test set aside or that lies beyond the robust fences: a process (`side` 0 for the first
/// group, 1 for the second; `round` its round) or, under lockstep, the cycles of one set.
struct outlier {
  int side = 0;            ///< 0: first group, 1: second, 2: a pair (a round's difference, a set's cycles)
  std::size_t round = 0;   ///< the process's round or set; 0 when unknown
  std::size_t count = 1;   ///< cycles of that set beyond the fences (lockstep), else 1
  std::size_t of = 1;      ///< out of so many
  double deviation = 0;    ///< relative distance from the median of its kind (+0.31: 31% slower)
};

/// A comparison of two groups, a and b, on the test their design calls for.
struct group_comparison {
  stats::pairing pairing = pairing::independent;
  double ratio = 1;                ///< a / b: exp of the test's estimate of the log difference
  double ci_low = 1;               ///< its t interval at `confidence` (the ratio itself without a test)
  double ci_high = 1;
  std::size_t units = 0;           ///< process sets, rounds, or the smaller group's processes
  std::size_t trimmed = 0;         ///< units cut at each end
  std::optional<double> p_value;   ///< absent when the test cannot be made (fewer than two units)
  std::optional<double> df;
  std::optional<double> mde;       ///< smallest relative change detectable with `power` at `alpha`
  bool significant = false;        ///< p_value < alpha
  std::vector<outlier> outliers;   ///< beyond the robust fences
  /// The squared standard error times the units: what planning divides by more units.
  double unit_variance = 0;
  int sides = 1;                   ///< 1: one sample (pairs, sets); 2: two independent groups
};

/// Compares a with b. Throws input_error when a group is empty or holds a process without samples.
group_comparison compare_groups(std::span<const process_samples> a, std::span<const process_samples> b,
                                const process_test_options& o);

/// How the groups pair: lockstep when every process of both is a lockstep worker with its set and each set
/// holds one of each; rounds when every process has a round, each round one of each, two rounds or more;
/// else independent.
pairing pairing_of(std::span<const process_samples> a, std::span<const process_samples> b);

/// The smallest n >= 2 with (t_{1-alpha/2} + t_power) * sqrt(var / n) <= log(1 + target) at sides * (n - 1)
/// degrees of freedom, or `cap`. `sides` is 1 for one group, pairs or sets, 2 for two independent groups
/// (var the sum of theirs). With power 0.5 (t_power = 0) it is the n whose t interval is within +-target.
int processes_for(double var, int sides, double target, double alpha, double power, int cap = 1000);

/// The units (processes a side, rounds or process sets) that would bring `c`'s minimal detectable effect (or
/// with power 0.5 its interval) to `target`.
int units_needed(const group_comparison& c, double target, double alpha, double power, int cap = 1000);

} // namespace gbench::stats

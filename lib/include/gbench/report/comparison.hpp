#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gbench/record/report.hpp"

namespace gbench::report {

/// How a candidate compares with a baseline: the comparison engine of presets (and of `tune`'s rounds).
struct sample_comparison {
  double speedup = 0;                 ///< baseline median / candidate median: above 1 the candidate is faster
  double ci_low = 0;                  ///< 95% bootstrap interval of the speedup
  double ci_high = 0;
  double p_value = 1;                 ///< two-sided Mann-Whitney U on the raw samples
  std::optional<double> p_value_runs; ///< the same test on the processes' medians, when they are enough
  std::string verdict; ///< faster, slower (with " (samples only)"), no significant difference, too few samples
};

/// Compares two groups of samples, each given pooled and as its processes' medians. `seed` fixes the bootstrap.
sample_comparison compare_samples(const std::vector<double>& baseline, const std::vector<double>& baseline_run_medians,
                                  const std::vector<double>& candidate, const std::vector<double>& candidate_run_medians,
                                  double alpha, std::uint64_t seed);

/// The same on samples grouped by process (one vector per process).
sample_comparison compare_processes(const std::vector<std::vector<double>>& baseline,
                                    const std::vector<std::vector<double>>& candidate, double alpha, std::uint64_t seed);

/// The rows of a report, in preset order then batch order, each compared with the report's baseline
/// preset at its batch (no comparison when the baseline preset was not run), at the report's alpha.
std::vector<record::preset_comparison> compare_presets(const record::report& r);

/// The recipe's way of saying it: "bf16 vs default @256: 2.23x (7.262 s vs 16.201 s)", on the profiled
/// totals (the recipe's basis) when both were profiled, else on the median per forward.
std::string recipe_line(const record::preset_comparison& row, const record::preset_comparison& baseline);

} // namespace gbench::report

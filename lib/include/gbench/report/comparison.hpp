#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/run/result.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::report {

struct run_report;

/// One preset at one batch size, its repetitions pooled, and how it compares with the baseline preset.
struct comparison_row {
  std::string model;                 ///< when the report has several models (else empty)
  std::string preset;
  std::int64_t batch = 0;
  bool ok = false;
  std::string error;                 ///< of the first failed repetition, when !ok
  int repetitions = 0;               ///< repetitions that measured this batch
  std::vector<double> samples_ns;    ///< all repetitions' samples
  std::vector<double> run_medians;   ///< each repetition's own median
  stats::summary summary_ns;
  double throughput = 0;             ///< samples/s at the pooled median
  double gflops = 0;
  double weight_gbps = 0;
  std::optional<double> profiled_total_ns; ///< median over repetitions of the profile's self CPU time total
  bool is_baseline = false;
  // Against the baseline at the same batch (absent for the baseline itself or when either failed):
  std::optional<double> speedup;     ///< baseline median / this median: above 1 is faster
  std::optional<double> ci_low;      ///< 95% bootstrap interval of the speedup
  std::optional<double> ci_high;
  std::optional<double> p_value;     ///< two-sided Mann-Whitney U on the raw samples
  std::optional<double> p_value_runs; ///< the same test on the repetitions' medians, when they are enough
  std::string verdict;               ///< faster, slower, no significant difference, too few samples
  std::vector<std::string> effects;  ///< from --verify: what the preset's knobs were seen to do
  std::optional<double> cosine;      ///< from --verify: logits' cosine similarity to float64 at this batch
  bool accuracy_flagged = false;     ///< cosine below the report's threshold
};

/// The rows of a report, in preset order then batch order, each compared with `baseline` at its batch
/// (no comparison when the baseline preset was not run). With several models (eager against compiled), one
/// row per model, preset and batch, each compared with the first model under the same preset at its batch.
/// `alpha` is the significance level.
std::vector<comparison_row> compare_presets(const run_report& r, const std::string& baseline, double alpha = 0.05);

/// The recipe's way of saying it: "bf16 vs default @256: 2.23x (7.262 s vs 16.201 s)", on the profiled
/// totals (the recipe's basis) when both were profiled, else on the median per forward.
std::string recipe_line(const comparison_row& row, const comparison_row& baseline);

nlohmann::json to_json(const comparison_row& row);

} // namespace gbench::report

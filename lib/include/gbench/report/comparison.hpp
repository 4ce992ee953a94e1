#pragma once

#include <string>
#include <vector>

#include "gbench/record/report.hpp"

namespace gbench::report {

/// The rows of a report, in preset order then batch order, each compared with the report's baseline
/// preset at its batch (no comparison when the baseline preset was not run), at the report's alpha. With
/// several models (eager against compiled): a row per model, preset and batch, each compared with the first
/// model under the same preset at its batch.
std::vector<record::preset_comparison> compare_presets(const record::report& r);

/// The recipe's way of saying it: "bf16 vs default @256: 2.23x (7.262 s vs 16.201 s)", on the profiled
/// totals (the recipe's basis) when both were profiled, else on the median per forward.
std::string recipe_line(const record::preset_comparison& row, const record::preset_comparison& baseline);

} // namespace gbench::report

#pragma once

#include <vector>

#include "gbench/compare/engine.hpp"
#include "gbench/record/report.hpp"

namespace gbench::compare {

/// The rows of a report, in preset order then batch order, each compared by the engine with the report's
/// baseline preset at its batch (no comparison when the baseline preset was not run), at the report's
/// alpha. The speed-up is baseline median / preset median; its interval the inverse of the engine's.
std::vector<record::preset_comparison> compare_presets(const record::report& r, settings s = {});

/// The engine's verdict in the words of a preset comparison: faster, slower ("(samples only)" when too few
/// processes to test across them), no significant difference, too few samples.
std::string preset_verdict(const change& c);

} // namespace gbench::compare

#pragma once

#include <vector>

#include "gbench/compare/engine.hpp"
#include "gbench/record/report.hpp"

namespace gbench::compare {

/// The rows of a report, in model, preset then batch order. Each row is compared by the engine with its
/// baseline at its batch, at the report's alpha: the report's baseline preset of the same model; or, for forms
/// of one network (same_network: eager against compiled), the first model under the same preset. No comparison
/// when the baseline was not run. The speed-up is the baseline's estimate over the row's; its interval the
/// inverse of the engine's.
std::vector<record::preset_comparison> compare_presets(const record::report& r, settings s = {});

/// Whether two models take the same inputs and give the same outputs, i.e. may be forms of one network (a
/// TorchScript module and its AOTInductor package), so that timing one against the other means something.
bool same_network(const record::model_info& a, const record::model_info& b);

} // namespace gbench::compare

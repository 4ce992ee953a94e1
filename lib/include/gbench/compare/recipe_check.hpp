#pragma once

#include <string>
#include <vector>

#include "gbench/config/recipe.hpp"
#include "gbench/record/recipe.hpp"
#include "gbench/record/report.hpp"

namespace gbench::compare {

/// The recipe's published ratios against a report of its study run here (with --verify for the reasons): per
/// claim, the measured speed-up of its preset over its baseline at its batch and a verdict. A claim one of whose
/// knobs is inert on this host (the report's knob verdicts) is "not applicable", with the verdict's reason and
/// the routes the evidence shows; where the recipe names a stand-in for this architecture that the report ran, a
/// row of the stand-in follows, judged against the same published ratio.
record::recipe_check check_recipe(const config::recipe& recipe, const record::report& report);

/// "reproduced" when `published` lies in [low, high], else "different"; "different" too without an interval
/// unless the speed-up equals it.
std::string ratio_verdict(double published, double speedup, std::optional<double> low, std::optional<double> high);

} // namespace gbench::compare

#pragma once

#include <ostream>

#include "gbench/record/recipe.hpp"

namespace gbench::report {

/// The recipe's rows for people: per claim the published ratio, the measured speed-up with its interval, the
/// verdict, and its reason on the line below.
void print_recipe(const record::recipe_check& check, std::ostream& out);

} // namespace gbench::report

#pragma once

#include <ostream>
#include <string>

#include "gbench/tune/search.hpp"
#include "gbench/tune/space.hpp"

/// `tune`'s output for people, on stdout: the space before the search, then what it found.
namespace gbench::tune {

/// The search's opening lines: the model, batches and strategy, every dimension searched and every one pruned.
void write_space_text(const search_space& space, const std::string& model, const search_options& options,
                      std::ostream& out);

/// Per batch: the winner against default with the basis of the comparison, the finalists, the eliminated and
/// the rejected; then how each stage raced (lockstep or rounds, and why), the routes and accuracy each
/// candidate's screening saw, and the time against the full grid's estimate.
void write_result_text(const search_result& r, std::ostream& out);

} // namespace gbench::tune

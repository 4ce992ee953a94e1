#pragma once

#include <cstdint>
#include <string>

#include "gbench/run/plan.hpp"
#include "gbench/tune/search.hpp"

namespace gbench::tune {

/// The search's processes as a run's (run::execute): each candidate the one preset of a copy of `plan` (placement,
/// warm-up until steady, samples in chunks, the time limit, the interrupt path), at the request's batches.
process_runner process_runner_of(const run::plan& plan, const std::string& executable);

/// The search's process sets as a lockstep run's (run::execute_lockstep): the candidates the presets of one set
/// of `plan`, with its turn length and cycles. `fits` asks run::coresident_fit whether so many workers of the
/// plan's model fit in `available_bytes` together (0: unknown, which fits), and says how much was available when
/// they do not.
lockstep_runner lockstep_runner_of(const run::plan& plan, const std::string& executable,
                                   std::int64_t available_bytes);

} // namespace gbench::tune

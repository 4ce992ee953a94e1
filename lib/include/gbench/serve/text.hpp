#pragma once

#include <string>

#include "gbench/serve/result.hpp"

/// serve's output for people: a table per split as it finishes, then the splits side by side and the answer.
namespace gbench::serve {

/// What the run is about to measure, in one line.
std::string heading(const serve_report& r);

/// One split's points: load, offered and served rate, latency percentiles with the p99's interval, service and
/// queueing, the workers' shares and busy time, the target, the load average; notes below it.
std::string split_table(const split_result& s, const settings& st);

/// The splits' best points side by side, the recommendation with its line to copy (or why there is none) and the
/// machine's load beside the figures.
std::string answer(const serve_report& r);

} // namespace gbench::serve

#pragma once

#include <ostream>
#include <string>

#include "gbench/record/report.hpp"

namespace gbench::report {

/// How the operator tables are shown.
struct profile_view {
  std::string sort_by = "self_cpu_time_total"; ///< profile::sort_keys
  int row_limit = 100;                         ///< -1: all
  bool by_shape = false;                       ///< a row per (operator, input shapes)
};

/// PyTorch's key_averages().table() of each preset and batch, as the recipe prints it (first repetition or
/// process set), with the profiled median beside the unprofiled one.
void write_profile_tables(const record::report& r, const profile_view& view, std::ostream& out);

} // namespace gbench::report

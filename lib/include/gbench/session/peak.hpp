#pragma once

#include <ostream>
#include <string>

#include "gbench/peak/peak.hpp"

namespace gbench::session {

/// What `graviton-bench peak` is asked for.
struct peak_request {
  peak::request measure;  ///< how to measure (the knobs unset while measuring among them)
  bool use_cache = false; ///< --use-cache: this host's cached figures when there are some
  std::string json_path;  ///< --json: the figures also written here
  std::string executable; ///< whose `__peak` measures
};

/// Measures this machine's ceilings (or, with use_cache, reads them from the per-host cache when it fits this
/// host), writes them to the cache and --json, and describes them on `out`. Warns on stderr when the machine is
/// busy. Returns 0.
int run_peak(const peak_request& request, std::ostream& out);

} // namespace gbench::session

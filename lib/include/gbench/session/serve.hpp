#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gbench/run/plan.hpp"
#include "gbench/serve/search.hpp"

/// A whole serve session (docs/serve.md), from its request to the report: what `graviton-bench serve` does, for
/// any front end.
namespace gbench::session {

struct serve_request {
  run::plan plan;               ///< one model, one batch, one preset (run::make_plan's); threads per split
  std::string cpus = "auto";    ///< --cpus: the CPUs the whole run may use
  std::string splits = "auto";  ///< --split
  serve::search_options search; ///< which loads, the target, the window
  std::optional<double> price_per_hour;
  std::string prices_file;
  std::string instance_type;
  std::string json_path;
  std::string format = "table"; ///< table, or json (the whole report on stdout)
  bool progress = false;        ///< each load as it starts, on stderr
  std::vector<std::string> command_line;
  std::string executable; ///< whose `__worker` serves
};

/// Places the run, checks that every split's copies of the model fit (refused with the figures, exit 4; with
/// --split auto a split that does not fit is left out with a note), starts each split's workers, measures its
/// loads, recommends a split, prints the tables on `out` as each split finishes, and writes the JSON report.
/// Returns the exit code: 0, 6 when a worker died (the other splits still ran), 130/143 after an interrupt (what
/// finished is reported). Throws gbench::error for bad input before any worker starts.
int serve_session(const serve_request& request, std::ostream& out);

} // namespace gbench::session

#pragma once

// The staged search's state and its parts, internal to lib/src/tune: the stages and the confirmation
// (search.cpp), racing one stage in rounds (stage_race.cpp) or in process sets of co-resident workers
// (stage_sets.cpp), starting processes within the budget and the accuracy screening (search_processes.cpp).
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gbench/tune/search.hpp"

namespace gbench::tune::detail {

/// What the accuracy screening said of a candidate at one batch.
struct screening {
  bool failed = false; ///< its process or batch failed: eliminated
  bool rejected = false;
  std::string reason;
};

using field_map = std::map<std::int64_t, std::vector<assignment>>;
using entrant_map = std::map<std::int64_t, std::vector<entrant>>;
using record_map = std::map<std::int64_t, stage_record>;

/// A process's samples at each of its batches to its entrant there, or the failure that eliminates it; `set` is
/// its process set under lockstep (the engine then pairs its turns with the others' of the same set), else 0.
void record_process(const record::preset_run& run, const std::string& name, const std::vector<std::int64_t>& batches,
                    entrant_map& entrants, int set = 0);

class searcher {
public:
  searcher(const search_space& space, const search_options& options, const process_runner& runner,
           const std::function<double()>& now, const std::function<void(const std::string&)>& say,
           const lockstep_runner& sets);

  search_result run();

private:
  const search_space& space_;
  const search_options& opt_;
  const process_runner& runner_;
  const std::function<double()>& now_;
  const std::function<void(const std::string&)>& say_;
  const lockstep_runner& sets_;
  search_result result_;
  std::map<std::string, std::map<std::int64_t, screening>> screened_;
  bool first_stage_done_ = false;
  bool first_round_done_ = false;

  // search.cpp: the stages in order, the confirmation against default, what the grid would have cost.
  void check_race_sizes(const std::vector<std::string>& groups) const;
  void say(const std::string& line) const;
  batch_outcome& outcome(std::int64_t b);
  std::string register_candidate(const assignment& a);
  compare::sample_groups processes_of(const std::string& name, std::int64_t b, const std::string& stage = {}) const;
  void confirm(const std::map<std::int64_t, assignment>& base);
  void settle_winner(batch_outcome& o, std::int64_t b, bool confirmed_here);
  void estimate_grid(const std::map<std::int64_t, assignment>& winners);

  // search_processes.cpp: processes within the budget, and the accuracy guard before a candidate is timed.
  double mean_process_s() const;
  bool affordable(std::size_t processes = 1);
  record::preset_run launch(const std::string& stage, int round, const std::string& name,
                            std::vector<std::int64_t> batches, bool evidence);
  void screen(const std::string& stage, const std::string& name);

  // stage_race.cpp: one stage's race, each batch's field of candidates in interleaved rounds.
  std::map<std::int64_t, std::string> race(const std::string& stage, const field_map& fields,
                                           bool confirmation = false);
  record_map open_stage(const std::string& stage, const field_map& fields);
  entrant_map admit_screened(const std::string& stage, const record_map& records);
  bool run_round(const std::string& stage, int round, const std::set<std::int64_t>& open, entrant_map& entrants);
  bool choose_design(const std::set<std::int64_t>& open, const entrant_map& entrants, record_map& records);
  bool run_sets(const std::string& stage, int round, const std::set<std::int64_t>& open, entrant_map& entrants);
  void judge_round(const std::string& stage, int round, bool confirmation, std::set<std::int64_t>& open,
                   entrant_map& entrants, record_map& records);
  std::vector<entrant> survivors(const std::string& stage, int round, std::int64_t b, const judgement& j,
                                 const std::vector<entrant>& field);
  std::string why_closed(const judgement& j, int round) const;
  std::string simplest_of(const judgement& j) const;
  std::map<std::int64_t, std::string> close_stage(record_map& records, const field_map& fields, bool confirmation);
};

} // namespace gbench::tune::detail

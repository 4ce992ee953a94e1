#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/record/run.hpp"
#include "gbench/tune/race.hpp"
#include "gbench/tune/space.hpp"

namespace gbench::tune {

struct search_options {
  std::vector<std::int64_t> batches;
  std::string strategy =
      "staged"; ///< "staged": one group at a time, then a confirmation; "joint": the whole grid raced
  race_rules rules;
  double budget_s = 0;            ///< wall time for the whole search; 0: no limit
  int max_rounds = 10;            ///< per stage; then the best by estimate is taken, said as such
  double cosine_threshold = 0.99; ///< accuracy guard: rejected below this cosine similarity to float64
  double min_top1 = 0;            ///< accuracy guard: rejected below this top-1 agreement with float64 (0: off)
};

/// One benchmark process the search asks for: a configuration at some batches, timed or as evidence.
struct process_request {
  config::preset preset;
  std::vector<std::int64_t> batches;
  bool evidence = false; ///< one forward per batch with oneDNN verbose: routes and accuracy against float64
};

/// Runs a process; the command uses run::execute (placement, time limit, warm-up, interrupts), the tests
/// recorded samples.
using process_runner = std::function<record::preset_run(const process_request&)>;

/// Every process the search ran.
struct process_record {
  std::string stage;
  int round = 0; ///< 0: the accuracy screening (evidence)
  std::string candidate;
  bool evidence = false;
  double wall_s = 0;
  record::preset_run run;
};

/// A candidate taken out at one batch: in which stage and round, and why.
struct elimination {
  std::string candidate;
  std::int64_t batch = 0;
  std::string stage;
  int round = 0;
  std::string reason;
};

/// One stage's race at one batch.
struct stage_record {
  std::string name; ///< the group raced, "all" (joint) or "confirm" (the winner against default)
  std::int64_t batch = 0;
  std::vector<std::string> candidates;
  int rounds = 0;
  std::string winner;
  std::string why; ///< why it ended
  std::vector<standing> standings;
};

/// What the search found at one batch.
struct batch_outcome {
  std::int64_t batch = 0;
  std::string winner;
  assignment winner_assignment;
  config::preset winner_preset;
  std::optional<record::comparison> vs_default; ///< default as baseline, the winner as candidate
  std::string basis;                ///< which processes vs_default rests on
  std::string note;                 ///< e.g. why default was kept
  std::vector<standing> finalists;  ///< the last race's survivors, best first
  std::vector<elimination> eliminated;
  std::vector<elimination> rejected; ///< by the accuracy guard
};

struct search_result {
  search_space space;
  search_options options;
  std::vector<process_record> processes;
  std::vector<stage_record> stages;
  std::vector<batch_outcome> outcomes;
  std::map<std::string, assignment> candidates; ///< every configuration that ran, by name
  double wall_s = 0;
  bool budget_spent = false;
  bool interrupted = false;      ///< SIGINT or SIGTERM (util::interrupt_signal()): no further process was started
  bool budget_too_small = false; ///< spent before the first round of the first stage was complete
  int processes_per_point = 0;   ///< processes the winner was timed in before the confirmation (the fewest over the
                                 ///< batches, at least min_processes): the grid at the search's precision
  double grid_estimate_s = 0;    ///< the full grid at that many processes a point, from measured process costs
};

/// Searches the space for the fastest configuration at each batch that passes the accuracy guard, racing
/// candidates in interleaved processes (docs/tune.md). `now` gives seconds since the search began; `say`
/// receives progress lines. Deterministic for a deterministic runner and clock.
search_result search(const search_space& space, const search_options& options, const process_runner& runner,
                     const std::function<double()>& now, const std::function<void(const std::string&)>& say = {});

nlohmann::json to_json(const search_result& r);

} // namespace gbench::tune

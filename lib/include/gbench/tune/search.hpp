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
  /// "lockstep": each round of a stage is one process set, its candidates co-resident workers taking turns
  /// (run/lockstep.hpp), judged by the lockstep test, when a set_runner is given and they fit in memory together;
  /// "rounds": a process per candidate, one after another.
  std::string schedule = "rounds";
  double turn_s = 0;  ///< lockstep: a turn's length, as the set runner's plan has it (for the report)
  int cycles = 0;     ///< lockstep: cycles per batch in each process set (for the report)
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

/// Runs process set `set` (1, 2, ... within a stage): every request's candidate as a co-resident worker, all at the
/// same batches, taking turns (run::execute_lockstep, the set's own turn order); a run per request, in order (fewer
/// when an interrupt stopped it before they started).
using set_runner = std::function<std::vector<record::preset_run>(const std::vector<process_request>&, int set)>;

/// Whether so many co-resident workers fit in memory together at these batches (run::coresident_fit): empty when
/// they do, else why not, in a few words.
using fit_check = std::function<std::string(std::size_t workers, const std::vector<std::int64_t>& batches)>;

/// What a lockstep race needs: the process sets and the memory check before each stage.
struct lockstep_runner {
  set_runner run;
  fit_check fits;
};

/// Every process the search ran.
struct process_record {
  std::string stage;
  int round = 0; ///< 0: the accuracy screening (evidence); under lockstep, the process set
  std::string candidate;
  bool evidence = false;
  double wall_s = 0; ///< under lockstep, its share of its set's wall time (the set's over its workers)
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
  std::string design = "rounds"; ///< "lockstep": each round a process set of co-resident workers; "rounds"
  std::string note;              ///< why a lockstep search raced this stage in rounds; empty otherwise
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
/// candidates in interleaved processes, or with options.schedule "lockstep" in process sets of co-resident
/// workers from `sets` (docs/tune.md). `runner` runs the screening's processes and the races in rounds. `now`
/// gives seconds since the search began; `say` receives progress lines. Deterministic for deterministic runners
/// and clock.
search_result search(const search_space& space, const search_options& options, const process_runner& runner,
                     const std::function<double()>& now, const std::function<void(const std::string&)>& say = {},
                     const lockstep_runner& sets = {});

nlohmann::json to_json(const search_result& r);

} // namespace gbench::tune

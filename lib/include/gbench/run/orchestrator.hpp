#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gbench/config/model_spec.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/record/run.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/run/result.hpp"

namespace gbench::run {

/// The environment of a preset's process: `parent` without any managed knob, then the preset's
/// knobs, then the overrides. Nothing else is changed.
std::vector<std::string> child_environment(const std::vector<std::string>& parent,
                                           const std::vector<std::string>& managed,
                                           const std::map<std::string, std::string>& preset_env,
                                           const std::map<std::string, std::string>& overrides);

/// The preset as its process runs it: overrides and --threads applied.
config::preset effective_preset(const plan& p, const config::preset& preset);

/// Runs every preset of the plan in a child process of `executable` (its hidden `__worker` command).
/// A preset whose process fails is reported as failed with its stderr's tail; the others still run.
/// With `evidence`, each process instead runs one forward per batch with ONEDNN_VERBOSE=1 and reports who
/// served each layer, the accuracy against float64 and the process's huge pages (record::run_evidence).
/// `on_done` is called as each process finishes (streaming output). A process that runs past the plan's timeout is
/// stopped (its process group: SIGTERM, then SIGKILL) and reported as failed. After an interrupt
/// (util::interrupt_signal()), the running process is stopped, reported with the batches it finished, and no
/// further process starts: the caller decides what to keep.
/// With repetitions 0, after every round (every preset once): what the next round runs, or nothing to stop.
/// `rounds` is the number of rounds run so far.
struct next_round {
  int iterations = 0;                ///< timed forwards per process (rounds; lockstep counts cycles instead)
  std::vector<std::int64_t> batches; ///< the batches still to measure (empty: every batch of the plan)
};
using next_round_fn = std::function<std::optional<next_round>(const std::vector<record::preset_run>& runs, int rounds)>;

std::vector<record::preset_run> execute(const plan& p, const std::string& executable, bool evidence = false,
                                        const std::function<void(const record::preset_run&)>& on_done = {},
                                        const next_round_fn& next_round = {});

/// Refuses, before anything is allocated, a batch whose tensors would not fit in `available_bytes`.
void check_memory(const config::model_spec& model, const std::vector<std::int64_t>& batches,
                  std::int64_t available_bytes);

} // namespace gbench::run

#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gbench/record/run.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/run/plan.hpp"

/// Lockstep: every preset (of every model) in a worker process of its own, all loaded at once and pinned to the
/// same CPUs; the orchestrator hands out short turns of forwards to one worker at a time, in a balanced random
/// order, so that the machine's drift over seconds falls on every preset alike (docs/statistics.md, "Lockstep").
/// Each cycle gives every worker one turn; the workers' k-th turns ran side by side. All workers started
/// again make a process set: the sets carry each process's own luck (memory layout), the cycles the drift.
namespace gbench::run {

/// The turn order of one batch: `cycles` cycles of `workers` turns, every worker once a cycle. In each block of
/// `workers` cycles every worker takes every position once (a Latin square whose rows and symbols are shuffled),
/// so that no worker always goes first; the same seed gives the same order.
std::vector<std::vector<std::size_t>> turn_order(std::size_t workers, int cycles, std::uint64_t seed);

/// Forwards a worker runs a turn: the turn length over its time per forward, at least one.
std::int64_t forwards_per_turn(double turn_s, double forward_ns);

/// Whether the workers of a lockstep run fit in `available_bytes` together: every model once per preset, at the
/// largest batch (config::model_spec::estimate_bytes). Unknown memory (0) fits.
bool coresident_fit(const plan& p, std::int64_t available_bytes);

/// Fits the plan's schedule to the machine, once its placement is known: lockstep or duet workers that would not fit
/// in `available_bytes` together fall back to rounds, said in one line on stderr; a duet whose workers cannot have
/// CPUs of their own (threads x workers above the CPUs this run may use) is refused (input_error naming --schedule
/// and the fix).
void settle_schedule(plan& p, std::int64_t available_bytes);

/// Runs the plan in lockstep, `p.repetitions` process sets (0: until `next_set` says stop, as next_round_fn).
/// A worker that fails (exits, is killed, stops answering) fails its preset's batches from there on; the others go
/// on. After an interrupt every worker is stopped and what finished is returned. `on_done` as in execute.
std::vector<record::preset_run> execute_lockstep(const plan& p, const std::string& executable,
                                                 const std::function<void(const record::preset_run&)>& on_done = {},
                                                 const next_round_fn& next_set = {});

} // namespace gbench::run

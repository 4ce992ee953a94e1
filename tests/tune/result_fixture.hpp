#pragma once
// A small search result written by hand, for the tests of what tune writes (tune/text, tune/files): one batch,
// a stage raced in lockstep, one that fell back to rounds with its note, a winner, an elimination, a rejection.

#include "gbench/tune/search.hpp"
#include "gbench/tune/space.hpp"
#include "tune/space_file.hpp"

namespace gbench_test {

inline gbench::record::comparison faster_by(double speedup, gbench::record::design design) {
  gbench::record::comparison c;
  c.metric = "median";
  c.speedup = speedup;
  c.ratio = 1.0 / speedup;
  c.speedup_low = speedup * 0.98;
  c.speedup_high = speedup * 1.02;
  c.p_value = 0.001;
  c.significant = true;
  c.verdict = gbench::record::verdict::better;
  c.design = design;
  c.test = "t across 3 process sets of the 20%-trimmed mean of each set's cycle log ratios";
  c.units = 3;
  c.processes_baseline = c.processes_candidate = 3;
  c.baseline_value = 100000;
  c.candidate_value = c.baseline_value / speedup;
  c.ratio_low = 1.0 / *c.speedup_high;
  c.ratio_high = 1.0 / *c.speedup_low;
  c.mde = 0.02;
  c.enough_samples = true;
  c.samples_baseline = c.samples_candidate = 90;
  return c;
}

inline gbench::tune::search_result hand_made_result() {
  gbench::tune::search_result r;
  r.space = gbench::tune::build_space(catalog_of(space_file), facts({{"MIN_DIM", false, "inert"}}));
  r.options.batches = {8};
  r.options.schedule = "lockstep";
  r.options.turn_s = 0.05;
  r.options.cycles = 6;
  gbench::tune::stage_record math;
  math.name = "math";
  math.batch = 8;
  math.candidates = {"default", "FAST=ON"};
  math.rounds = 3;
  math.design = "lockstep";
  math.winner = "FAST=ON";
  math.why = "one candidate left";
  gbench::tune::stage_record step = math;
  step.name = "STEP";
  step.candidates = {"FAST=ON", "FAST=ON STEP=1", "FAST=ON STEP=5", "FAST=ON STEP=9"};
  step.rounds = 2;
  step.design = "rounds";
  step.note = "the 4 candidates' workers would not fit in memory together (0.5 GiB available): the candidates race in "
              "rounds";
  r.stages = {math, step};
  gbench::tune::batch_outcome o;
  o.batch = 8;
  o.winner = "FAST=ON";
  o.winner_assignment = {{"FAST", "ON"}};
  o.winner_preset = gbench::tune::preset_of(r.space, o.winner_assignment, "tuned-b8");
  o.vs_default = faster_by(1.4, gbench::record::design::lockstep);
  o.basis = "confirmation race in lockstep: 3 process sets of default and the winner taking turns";
  gbench::tune::standing best;
  best.id = "FAST=ON";
  best.estimate_ns = 70000;
  best.processes = 3;
  o.finalists = {best};
  o.eliminated = {{"default", 8, "math", 2, "slower than FAST=ON: 1.43x its time"}};
  o.rejected = {{"matmul_precision=medium", 8, "math", 0, "accuracy: cosine similarity to float64 0.95"}};
  r.outcomes = {o};
  r.candidates = {{"default", {}}, {"FAST=ON", {{"FAST", "ON"}}}};
  r.wall_s = 12;
  r.processes_per_point = 3;
  r.grid_estimate_s = 120;
  return r;
}

} // namespace gbench_test

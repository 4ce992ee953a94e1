#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "gbench/backend/libtorch.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/run.hpp"
#include "gbench/run/orchestrator.hpp"

namespace gbench::evidence {

/// Evidence runs (run::execute with evidence) of the plan's presets, in order, judged (evidence::judge) against
/// the `default` preset's evidence, which is gathered too when the plan lacks it (`default_preset`).
/// `executable` is the program whose `__worker` command runs each process.
std::vector<record::preset_run> gather_evidence(const run::plan& plan, const config::preset& default_preset,
                                             const std::string& executable);

/// Copies the evidence found for each preset onto every repetition of that preset in `runs`.
void attach_evidence(std::vector<record::preset_run>& runs, const std::vector<record::preset_run>& found);

/// Per preset: who served each layer and how it computed, accuracy against float64 (flagged below
/// `cosine_threshold`, compared with the default preset's), what changed, contradictions, huge pages, and
/// what the preset's knobs were seen to change.
void print_evidence(const std::vector<record::preset_run>& runs, double cosine_threshold, std::ostream& out);

/// The knob verdicts of assess_knobs, with those of the bf16 settings (matmul_precision, the fpmath mode,
/// bf16 weights) decided by a probe instead: one small matmul (a 256->256 Linear at batch 64) per setting and
/// one without, each in a worker process with ONEDNN_VERBOSE=1, compared for backend, math and error.
/// The plan supplies the managed knobs, --env overrides and threads.
std::vector<knob_verdict> probe_knobs(const run::plan& plan, const std::string& executable,
                                      const host::host_info& host, const backend::libtorch_info& torch);

/// One line per verdict: knob, effective/inert/emulated, basis, reason.
void print_knob_verdicts(const std::vector<knob_verdict>& verdicts, std::ostream& out);

} // namespace gbench::evidence

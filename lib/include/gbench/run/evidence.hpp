#pragma once

#include <string>
#include <vector>

#include "gbench/backend/libtorch.hpp"
#include "gbench/config/preset.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/run.hpp"
#include "gbench/run/orchestrator.hpp"

namespace gbench::run {

/// Evidence runs (execute with evidence) of the plan's presets, in order, judged (evidence::judge) against
/// the `default` preset's evidence, which is gathered too when the plan lacks it (`default_preset`).
/// `executable` is the program whose `__worker` command runs each process.
std::vector<record::preset_run> gather_evidence(const plan& plan, const config::preset& default_preset,
                                             const std::string& executable);

/// Copies the evidence found for each preset onto every repetition of that preset in `runs`.
void attach_evidence(std::vector<record::preset_run>& runs, const std::vector<record::preset_run>& found);

/// The knob verdicts of assess_knobs, with those of the bf16 settings (matmul_precision, the fpmath mode,
/// bf16 weights) decided by a probe instead: one small matmul (a 256->256 Linear at batch 64) per setting and
/// one without, each in a worker process with ONEDNN_VERBOSE=1, compared for backend, math and error.
/// The plan supplies the managed knobs, --env overrides and threads.
std::vector<record::knob_verdict> probe_knobs(const plan& plan, const std::string& executable,
                                      const host::host_info& host, const backend::libtorch_info& torch);

} // namespace gbench::run

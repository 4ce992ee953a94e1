#pragma once

#include <ostream>
#include <vector>

#include "gbench/backend/libtorch.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/context.hpp"
#include "gbench/record/run.hpp"

namespace gbench::report {

/// Per preset: who served each layer and how it computed, accuracy against float64 (flagged below
/// `cosine_threshold`, compared with the default preset's), what changed, contradictions, huge pages, and
/// what the preset's knobs were seen to change.
void print_evidence(const std::vector<record::preset_run>& runs, double cosine_threshold, std::ostream& out);

/// The host and LibTorch facts a knob's verdict rests on (doctor).
void print_host_facts(const host::host_info& host, const backend::libtorch_info& torch, std::ostream& out);

/// One line per verdict: knob, effective/inert/emulated, basis, reason.
void print_knob_verdicts(const std::vector<record::knob_verdict>& verdicts, std::ostream& out);

} // namespace gbench::report

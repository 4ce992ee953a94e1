#pragma once

#include <filesystem>

namespace gbench::run {

/// Printed on stdout around each batch's forward in evidence mode.
inline constexpr const char* evidence_marker = "graviton-bench-evidence";

/// The benchmark process: reads a job file, applies the preset's LibTorch settings, times every batch and
/// appends one JSON line per finished record to `out` (context, then each batch, then "done"), so that a
/// crash loses nothing already measured. A failing batch is recorded and the next one runs.
/// Its environment must already hold the preset's knobs: LibTorch reads them once, lazily.
void run_worker(const std::filesystem::path& job_file, const std::filesystem::path& out);

} // namespace gbench::run

#pragma once

#include <nlohmann/json.hpp>

#include "gbench/compare/stored_report.hpp"

namespace gbench::report {

/// A report in Google Benchmark's JSON output format (--benchmark_out_format=json), so that
/// google/benchmark's tools/compare.py and the CI services that read that format take it unchanged.
///
/// One benchmark per (preset, batch), named "MODEL/PRESET/batch:B" (family: the preset, instance: the
/// batch). Each timed forward is one repetition of one iteration (run_type "iteration", real_time in ns,
/// items_per_second = batch / time), so compare.py's U test runs on the same samples as
/// `graviton-bench compare`; repetitions of the report are pooled. Then the aggregates Google Benchmark
/// writes for repetitions (mean, median, stddev, cv) and p90, p99. graviton-bench measures wall-clock time
/// only: cpu_time repeats real_time, which the format requires. A failed (preset, batch) is one entry with
/// error_occurred and error_message, as Google Benchmark writes a benchmark that called SkipWithError.
nlohmann::json to_google_benchmark_json(const compare::stored_report& r);

} // namespace gbench::report

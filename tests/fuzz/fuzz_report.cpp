// libFuzzer target: a stored report, read as `compare` and `export` read one (compare::parse_stored_report, the
// record model's from_json), then everything they do with it: pooled with itself as rounds of a CI job, compared
// with itself in every output format, exported for Google Benchmark's tools. The same bytes are read as a
// --peak file (peak figures, or a report that holds them).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "gbench/compare/report_diff.hpp"
#include "gbench/error.hpp"
#include "gbench/peak/peak.hpp"
#include "gbench/report/google_benchmark.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/compare/stored_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto r = gbench::compare::parse_stored_report(text, "fuzz.json");
    (void)gbench::report::to_google_benchmark_json(r).dump();
    const auto pooled = gbench::compare::pool_reports({r, r}, false);
    gbench::compare::diff_options options;
    options.allow_mismatch = true;
    const auto diff = gbench::compare::diff_reports(r, pooled, options);
    (void)gbench::compare::to_json(diff).dump();
    for (const auto& format : gbench::report::diff_formats()) {
      std::ostringstream out;
      gbench::report::make_diff_reporter(format)->write(diff, out);
    }
  } catch (const gbench::error&) {
  }
  try {
    (void)gbench::peak::describe(gbench::peak::parse_figures(text, "fuzz.json"));
  } catch (const gbench::error&) {
  }
  return 0;
}

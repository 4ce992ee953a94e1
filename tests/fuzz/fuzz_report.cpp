// libFuzzer target: a stored report (compare, export), then everything compare and export do with it.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "gbench/error.hpp"
#include "gbench/report/google_benchmark.hpp"
#include "gbench/report/regression.hpp"
#include "gbench/report/stored_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto r = gbench::report::parse_stored_report(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    (void)gbench::report::to_google_benchmark_json(r).dump();
    gbench::report::regression_options options;
    options.allow_mismatch = true;
    const auto pooled = gbench::report::pool_reports({r, r}, true);
    const auto diff = gbench::report::compare_reports(r, pooled, options);
    for (const auto& format : gbench::report::regression_formats()) {
      std::ostringstream out;
      gbench::report::write_regression_report(diff, format, out);
    }
  } catch (const gbench::error&) {
  }
  return 0;
}

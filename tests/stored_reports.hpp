#pragma once
// Reports as graviton-bench writes them, built as JSON with chosen samples, for the tests of what reads stored
// reports: compare, export and the CI job around them.

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "gbench/compare/report_diff.hpp"
#include "gbench/compare/stored_report.hpp"
#include "gbench/report/reporter.hpp"

namespace gbench_test {

// n values spread over center * [0.9, 1.1]: one in each of n equal strata, jittered within it by a fixed LCG
// (the same on every platform), so that the median is center within 0.2/n and two seeds give two draws.
inline std::vector<double> spread(std::size_t n, double center, std::uint64_t seed) {
  std::uint64_t x = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double jitter = static_cast<double>(x >> 11U) * 0x1.0p-53;
    out.push_back(std::round(center * (0.9 + 0.2 * (static_cast<double>(i) + jitter) / static_cast<double>(n))));
  }
  return out;
}

inline nlohmann::json result(std::int64_t batch, const std::vector<double>& samples) {
  return {{"batch", batch}, {"status", "ok"}, {"samples_ns", samples}};
}

inline nlohmann::json run(const std::string& preset, std::vector<nlohmann::json> results, int repetition = 1) {
  return {{"preset", {{"name", preset}, {"env", nlohmann::json::object()}}},
          {"repetition", repetition},
          {"status", "ok"},
          {"libtorch", {{"version", "2.13.0"}, {"blas", "mkl"}, {"acl", false}, {"onednn_version", "3.12.0"}}},
          {"results", std::move(results)}};
}

// A report as graviton-bench writes it, cut down to what compare and export read (and a little more).
inline nlohmann::json report(std::vector<nlohmann::json> runs, std::vector<std::int64_t> batches = {8}) {
  return {{"schema", "graviton-bench-report"},
          {"schema_version", 1},
          {"context",
           {{"tool", {{"name", "graviton-bench"}, {"version", "0.1.0"}, {"git_sha", "abc"}}},
            {"date", "2026-11-25T12:00:00Z"},
            {"host", {{"arch", "aarch64"}, {"cpu_model", "Neoverse-V1"}, {"cores", 2}}}}},
          {"model", {{"name", "tiny-mlp"}, {"input_shape", {16, 16}}, {"hidden", {128, 344}}, {"outputs", 10}}},
          {"settings", {{"batches", batches}, {"warmup", 5}, {"iterations", 30}}},
          {"runs", std::move(runs)}};
}

inline gbench::compare::stored_report stored(const nlohmann::json& j, const std::string& name = "r.json") {
  return gbench::compare::parse_stored_report(j.dump(), name);
}

inline gbench::compare::report_diff compare(const nlohmann::json& base, const nlohmann::json& cand,
                                            gbench::compare::diff_options o = {}) {
  return gbench::compare::diff_reports(stored(base, "base.json"), stored(cand, "new.json"), o);
}

// The samples dealt round-robin to five runs of `preset`, each scaled by its own luck, as processes on a shared
// machine are: run i takes (1 + luck * (i - 2)) times as long.
inline std::vector<nlohmann::json> runs_of(const std::string& preset, const std::vector<double>& samples,
                                           double luck = 0.01) {
  constexpr int processes = 5;
  std::vector<nlohmann::json> out;
  for (int i = 0; i < processes; ++i) {
    std::vector<double> mine;
    for (std::size_t k = static_cast<std::size_t>(i); k < samples.size(); k += processes) {
      mine.push_back(std::round(samples[k] * (1.0 + luck * (i - 2))));
    }
    out.push_back(run(preset, {result(8, mine)}, i + 1));
  }
  return out;
}

// One (default, 8) on each side with these samples, measured by five processes a side.
inline gbench::compare::diff_row compare_one(const std::vector<double>& base, const std::vector<double>& cand,
                                             gbench::compare::diff_options o = {}, double luck = 0.01) {
  const auto r = compare(report(runs_of("default", base, luck)), report(runs_of("default", cand, luck)), o);
  REQUIRE(r.rows.size() == 1);
  return r.rows.front();
}

inline std::string text_of(const gbench::compare::report_diff& r, const std::string& format) {
  std::ostringstream out;
  gbench::report::make_diff_reporter(format)->write(r, out);
  return out.str();
}

} // namespace gbench_test

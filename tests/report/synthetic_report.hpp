#pragma once
// A report with fixed samples, rendered by each reporter: the subject of the reporters' tests and their golden
// files (tests/baselines/).

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "gbench/compare/preset_comparison.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/record/report.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/util/files.hpp"

namespace gbench_test {

// Two presets, two batches, fixed samples; one batch failed. No clock and no date reach the output.
inline gbench::record::report synthetic_report() {
  gbench::record::report r;
  r.context = gbench::record::make_context(gbench::host::host_info{}, {"graviton-bench"});
  const auto model = gbench::config::load_model("tiny-mlp", GBENCH_CONFIGS "/models");
  r.model = gbench::record::describe(model);
  r.settings.batches = {32, 10};
  r.settings.warmup = 2;
  r.settings.iterations = 4;
  const std::vector<std::vector<std::int64_t>> samples{
      {1'200'000, 1'000'000, 1'100'000, 1'300'000}, {400'000, 410'000, 395'000, 600'000}, {850, 900, 1'000, 950}};
  const char* names[] = {"default", "bf16"};
  std::size_t k = 0;
  for (const char* name : names) {
    gbench::record::preset_run pr;
    pr.preset.name = name;
    pr.ok = true;
    for (const std::int64_t batch : r.settings.batches) {
      gbench::record::batch_result b;
      b.batch = batch;
      if (std::string(name) == "bf16" && batch == 10) {
        b.error = "not measured: the benchmark process ended before this batch";
      } else {
        b.ok = true;
        b.warmup = 2;
        b.samples_ns = samples.at(k++);
        gbench::record::compute_statistics(b, model);
      }
      pr.batches.push_back(b);
    }
    r.runs.push_back(pr);
  }
  // Fixed ceilings: the roofline columns are part of the golden output.
  gbench::record::peak_figures f;
  f.date = "2026-01-01T00:00:00Z";
  f.threads = 2;
  f.source = "file";
  f.file = "peak.json";
  f.fp32 = {.dtype = "float32",
            .n = 1024,
            .samples_ns = {10'737'418},
            .median_ns = 10'737'418,
            .gflops = 200,
            .route = "BLAS (mkl: no oneDNN execution)"};
  f.bf16 = gbench::record::gemm_figure{.dtype = "bfloat16",
                                       .n = 1024,
                                       .samples_ns = {5'368'709},
                                       .median_ns = 5'368'709,
                                       .gflops = 400,
                                       .route = "oneDNN brg_matmul:avx512_core_amx (bf16 src, bf16 weights)"};
  f.triad = {.bytes_per_array = 1 << 30,
             .llc_bytes = 1 << 25,
             .samples_ns = {161'061'274},
             .median_ns = 161'061'274,
             .gbps = 20};
  r.context.peak = f;
  r.comparison = gbench::compare::compare_presets(r);
  return r;
}

inline std::string render(const std::string& format) {
  std::ostringstream out;
  gbench::report::make_reporter(format)->write(synthetic_report(), out);
  return out.str();
}

inline void check_baseline(const std::string& name, const std::string& actual) {
  const std::filesystem::path path = std::filesystem::path(GBENCH_BASELINES) / name;
  if (const char* update = std::getenv("GBENCH_UPDATE_BASELINES"); update != nullptr && std::string(update) == "1") {
    std::ofstream(path) << actual;
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK(gbench::util::read_text_file(path) == actual);
}

} // namespace gbench_test

// report/columns: the columns every reporter shares: units of durations, the default table's width, --columns.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "gbench/compare/preset_comparison.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/record/report.hpp"
#include "gbench/report/columns.hpp"
#include "gbench/report/reporter.hpp"
#include "report/synthetic_report.hpp"

using namespace gbench;
using gbench_test::synthetic_report;

namespace {

// The recipe's study as a run reports it: `presets` at batches 256, 32 and 10, three processes each in lockstep, the
// host's peak figures, and with `verified` the accuracy and what the evidence says changed.
record::report recipe_report(const std::vector<std::string>& presets, bool verified) {
  record::report r = synthetic_report();
  r.runs.clear();
  r.settings.batches = {256, 32, 10};
  const auto model = config::load_model("recipe-mlp", GBENCH_CONFIGS "/models");
  r.model = record::describe(model);
  double factor = 1.0;
  for (const auto& name : presets) {
    for (int set = 1; set <= 3; ++set) {
      record::preset_run pr;
      pr.preset.name = name;
      pr.repetition = set;
      pr.design = record::design::lockstep;
      pr.ok = true;
      for (const std::int64_t batch : r.settings.batches) {
        record::batch_result b;
        b.batch = batch;
        b.ok = true;
        b.chunk_size = 4;
        for (int i = 0; i < 40; ++i) {
          b.samples_ns.push_back(static_cast<std::int64_t>(batch * 123'456 * factor * (1.0 + 0.01 * (i % 5) + 0.003 * set)));
        }
        record::compute_statistics(b, model);
        pr.batches.push_back(b);
      }
      if (verified) {
        pr.evidence.emplace();
        pr.evidence->effects = {"bf16 math: seen"};
        for (const std::int64_t batch : r.settings.batches) {
          record::batch_evidence e;
          e.batch = batch;
          e.ok = true;
          e.accuracy.cosine = 0.99998;
          e.attribution = "backend MKL -> oneDNN brg_matmul:avx512_core_amx; math fp32 -> bf16";
          pr.evidence->batches.push_back(e);
        }
      }
      r.runs.push_back(pr);
    }
    factor *= 0.8;
  }
  r.comparison = compare::compare_presets(r);
  return r;
}

report::reporter_options with_columns(std::vector<std::string> columns) {
  report::reporter_options o;
  o.columns = std::move(columns);
  return o;
}

std::size_t widest_table_line(const std::string& text) {
  // The table: from its header to the line before the first blank line or note.
  std::istringstream in(text);
  std::size_t widest = 0;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("preset", 0) == 0) {
      inside = true;
    } else if (inside && (line.empty() || line.front() == '[')) {
      break;
    }
    if (inside) {
      widest = std::max(widest, line.size());
    }
  }
  return widest;
}

} // namespace

TEST_CASE("durations take the largest unit that keeps them above one", "[report]") {
  CHECK(report::format_duration_ns(999) == "999 ns");
  CHECK(report::format_duration_ns(1'234) == "1.234 us");
  CHECK(report::format_duration_ns(7'262'000'000) == "7.262 s");
  CHECK(report::format_duration_ns(16'201'400) == "16.201 ms");
}

TEST_CASE("the default table fits 120 characters for the recipe's scenario, and --columns all shows every column",
          "[report]") {
  for (const bool verified : {false, true}) {
    for (const auto& presets : {std::vector<std::string>{"default"}, std::vector<std::string>{"default", "thp", "x86-bf16"}}) {
      INFO(presets.size() << " preset(s), verified " << verified);
      const auto r = recipe_report(presets, verified);
      std::ostringstream narrow;
      report::make_reporter("table")->write(r, narrow);
      CHECK(widest_table_line(narrow.str()) <= 120);
      CHECK_THAT(narrow.str(), Catch::Matchers::Contains("median"));
      // Comparison columns only with something to compare; evidence only with --verify.
      CHECK((narrow.str().find("speedup") != std::string::npos) == (presets.size() > 1));
      CHECK((narrow.str().find("cosine") != std::string::npos) == verified);
      std::ostringstream wide;
      report::make_reporter("table", with_columns({"all"}))->write(r, wide);
      CHECK(widest_table_line(wide.str()) > 200);
      for (const char* header : {"IQR", "p90", "GB/s", "between", "within", "FLOP/B", "roof GFLOP/s", "% roof",
                                 "speedup", "95% CI", "verdict", "cosine", "changed (evidence)", "note", "status"}) {
        CHECK_THAT(wide.str(), Catch::Matchers::Contains(header));
      }
    }
  }
  std::ostringstream chosen;
  report::make_reporter("table", with_columns({"preset", "batch", "p90"}))->write(recipe_report({"default"}, false), chosen);
  CHECK_THAT(chosen.str(), Catch::Matchers::Contains("preset   batch        p90"));
  CHECK_THROWS_WITH(report::make_reporter("table", with_columns({"median", "latency"})),
                    Catch::Matchers::Contains("--columns: unknown column 'latency'"));
}

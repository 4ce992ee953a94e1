// report/profile_text: the operator table of each preset and batch, as the recipe prints it, with the profiled
// median beside the unprofiled one.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "gbench/config/model_spec.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/record/report.hpp"
#include "gbench/report/profile_text.hpp"

using Catch::Matchers::Contains;
using namespace gbench;

namespace {

// A run of `preset` at batch 8 whose forwards took 1 ms, profiled at 1.1 ms, with one operator in its table.
record::preset_run profiled_run(const std::string& preset, int repetition, const std::string& op) {
  const auto model = config::load_model("tiny-mlp", GBENCH_CONFIGS "/models");
  record::preset_run run;
  run.preset.name = preset;
  run.repetition = repetition;
  run.ok = true;
  record::batch_result b;
  b.batch = 8;
  b.ok = true;
  b.samples_ns = {1'000'000, 1'000'000, 1'000'000};
  b.profile = record::batch_profile{.table = profile::aggregate({{op, 0, 1'100'000, 1, false, false, ""}}, false),
                                    .samples_ns = {1'100'000, 1'100'000},
                                    .summary_ns = {},
                                    .trace_file = ""};
  record::compute_statistics(b, model);
  run.batches.push_back(b);
  record::batch_result failed;
  failed.batch = 2;
  failed.error = "out of memory";
  run.batches.push_back(failed);
  return run;
}

} // namespace

TEST_CASE("profile tables: one per preset and batch of the first repetition, the profiler's overhead beside it",
          "[report]") {
  record::report r;
  r.runs = {profiled_run("default", 1, "aten::addmm"), profiled_run("default", 2, "aten::from_repetition_two"),
            profiled_run("bf16", 1, "aten::mm")};
  std::ostringstream out;
  report::write_profile_tables(r, {}, out);
  const auto text = out.str();
  CHECK_THAT(text,
             Contains("default @ batch 8: 2 profiled forwards inside record_function(\"mymodel_inference\")") &&
                 Contains("aten::addmm") && Contains("bf16 @ batch 8:") && Contains("aten::mm") &&
                 Contains("Self CPU time total: 1.100ms") &&
                 Contains("median per forward: 1.100 ms profiled, 1.000 ms unprofiled (+10.0% profiler overhead)"));
  CHECK_THAT(text, !Contains("aten::from_repetition_two") && !Contains("batch 2")); // later repetitions, failed batches
  std::ostringstream none;
  report::write_profile_tables(record::report{}, {}, none);
  CHECK(none.str().empty());
}

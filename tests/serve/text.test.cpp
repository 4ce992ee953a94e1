#include <catch2/catch.hpp>

#include "gbench/serve/text.hpp"
#include "serve/sample_report.hpp"

using Catch::Matchers::Contains;
using gbench_test::sample_report;
namespace serve = gbench::serve;

TEST_CASE("serve: the heading names the model, the splits and the target", "[serve]") {
  auto r = sample_report();
  CHECK_THAT(serve::heading(r), Contains("model tiny-mlp") && Contains("splits 1x2, 2x1") &&
                                    Contains("p99 target 100 ms"));
  r.settings.target_ms.reset();
  CHECK_THAT(serve::heading(r), Contains("no p99 target"));
}

TEST_CASE("serve: a split's table shows its CPUs, the percentiles with the p99's interval, and what stopped early",
          "[serve]") {
  auto r = sample_report();
  auto& s = r.splits.front();
  const auto table = serve::split_table(s, r.settings);
  CHECK_THAT(table, Contains("split 2x1: 2 processes of 1 thread, CPUs 0"));
  CHECK_THAT(table, Contains("5.000") && Contains("[4.000, 6.000]")); // the p99 and its interval
  CHECK_THAT(table, Contains("unbounded"));                           // the p99.9 that no request bounded
  CHECK_THAT(table, Contains("p99<=100") && Contains("yes"));
  CHECK_THAT(table, !Contains("stopped early"));
  s.points.front().stopped = "every worker died";
  s.status = "failed";
  s.error = "worker 0 failed: killed by signal 6";
  CHECK_THAT(serve::split_table(s, r.settings), Contains("point 1: stopped early: every worker died") &&
                                                    Contains("split failed: worker 0 failed: killed by signal 6"));
}

TEST_CASE("serve: the answer gives the line to copy and its cost, or says why there is none", "[serve]") {
  auto r = sample_report();
  r.settings.price_per_hour = 0.5;
  r.settings.instance_type = "c7g.xlarge";
  r.recommendation->processes = 2;
  r.recommendation->throughput = 10;
  r.recommendation->samples_per_s = 10;
  r.recommendation->target_ms = 100;
  r.recommendation->cost_per_million = 13.889;
  const auto text = serve::answer(r);
  CHECK_THAT(text, Contains("recommended: 2x1 (2 processes of 1 thread): 10.0 requests/s") &&
                       Contains("p99 5.000 ms [4.000, 6.000] within the 100 ms target") &&
                       Contains("USD 13.889 per million inferences at USD 0.5/h (c7g.xlarge)"));
  CHECK_THAT(text, Contains("  OMP_NUM_THREADS=1 YOUR_SERVER\n"));
  CHECK_THAT(text, !Contains("interrupted"));
  r.recommendation.reset();
  r.status = "interrupted";
  CHECK_THAT(serve::answer(r), Contains("no split served any rate within the p99 target of 100 ms") &&
                                   Contains("interrupted: the splits and loads above are what finished"));
  r.settings.target_ms.reset();
  CHECK_THAT(serve::answer(r), Contains("no split completed a load"));
}

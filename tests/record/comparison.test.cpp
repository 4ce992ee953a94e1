// record/comparison: the one record every comparison is carried in, and its JSON.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/record/comparison.hpp"

using Catch::Matchers::Contains;
using namespace gbench;

TEST_CASE("a comparison survives its own to_json, and a bad design or verdict is named", "[record]") {
  record::comparison c;
  c.design = record::design::lockstep;
  c.test = "t across 3 process sets";
  c.baseline_value = 2e6;
  c.candidate_value = 1e6;
  c.ratio = 0.5;
  c.ratio_low = 0.48;
  c.ratio_high = 0.52;
  c.speedup = 2.0;
  c.speedup_low = 1.92;
  c.speedup_high = 2.08;
  c.processes_baseline = 3;
  c.processes_candidate = 3;
  c.units = 3;
  c.samples_baseline = 300;
  c.samples_candidate = 310;
  c.p_value = 0.001;
  c.mde = 0.02;
  c.p_value_samples = 1e-9;
  c.z_samples = -5;
  c.enough_samples = true;
  c.significant = true;
  c.verdict = record::verdict::better;
  c.outliers = {"set 2: 1 of 40 cycles beyond the robust fences"};
  const auto j = record::to_json(c);
  CHECK(j["design"] == "lockstep");
  CHECK(j["verdict"] == "better");
  CHECK(j["change"] == -0.5);
  CHECK_FALSE(j.contains("runs_needed")); // only an inconclusive comparison says what would decide
  record::comparison back;
  const std::string file = "c.json";
  from_json(record::node(j, file), back);
  CHECK(record::to_json(back) == j);

  auto bad = j;
  bad["design"] = "interleaved";
  CHECK_THROWS_WITH(from_json(record::node(bad, file), back),
                    Contains("c.json: design: unknown value \"interleaved\"") && Contains("lockstep, duet, rounds"));
  bad = j;
  bad["processes"] = {3};
  CHECK_THROWS_AS(from_json(record::node(bad, file), back), report_error);
}

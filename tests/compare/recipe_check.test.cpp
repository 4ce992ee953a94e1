// compare/recipe_check: the recipe's published ratios against a report, each reproduced, different or not
// applicable with the knob verdict's reason and the routes the evidence showed, and a stand-in's row.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "gbench/compare/preset_comparison.hpp"
#include "gbench/compare/recipe_check.hpp"
#include "gbench/config/model_spec.hpp"

using Catch::Matchers::Contains;

namespace {

// `preset` measured by five processes at batch 32, each with ten forwards around `ns` and a luck of its own
// (+-6% by process set, differing between presets), so that the speed-ups have an interval of a few percent.
void add_runs(gbench::record::report& r, const gbench::config::model_spec& model, const std::string& preset,
              double centre) {
  for (int rep = 1; rep <= 5; ++rep) {
    const double ns = centre * (1.0 + 0.03 * static_cast<double>((rep + static_cast<int>(preset.size())) % 5 - 2));
    gbench::record::preset_run pr;
    pr.preset.name = preset;
    pr.repetition = rep;
    pr.ok = true;
    gbench::record::batch_result b;
    b.batch = 32;
    b.ok = true;
    for (int i = 0; i < 10; ++i) {
      b.samples_ns.push_back(static_cast<std::int64_t>(ns * (1.0 + 0.002 * ((i * 7 + rep * 3) % 10 - 5))));
    }
    gbench::record::compute_statistics(b, model);
    pr.batches.push_back(b);
    if (rep == 1 && preset == "bf16") { // the evidence: every layer on MKL's BLAS in fp32
      pr.evidence = gbench::record::run_evidence{};
      gbench::record::batch_evidence e;
      e.batch = 32;
      e.ok = true;
      gbench::record::layer_route route;
      route.in_features = 256;
      route.out_features = 128;
      route.backend = "blas";
      route.math = "f32";
      route.math_basis = "f32 data";
      e.routes.push_back(route);
      pr.evidence->batches.push_back(e);
    }
    r.runs.push_back(pr);
  }
}

gbench::config::recipe_claim claim(const std::string& preset, const std::string& baseline, double before,
                                   std::vector<std::string> needs) {
  gbench::config::recipe_claim c;
  c.name = preset + " claim";
  c.preset = preset;
  c.baseline = baseline;
  c.batch = 32;
  c.before_s = before;
  c.after_s = 1.0;
  c.published = "words";
  c.needs = std::move(needs);
  return c;
}

} // namespace

TEST_CASE("ratio_verdict: reproduced only within the interval", "[compare][recipe]") {
  CHECK(gbench::compare::ratio_verdict(2.0, 1.9, 1.8, 2.1) == "reproduced");
  CHECK(gbench::compare::ratio_verdict(2.23, 1.9, 1.8, 2.1) == "different");
  CHECK(gbench::compare::ratio_verdict(1.08, 1.2, 1.1, 1.3) == "different");
  CHECK(gbench::compare::ratio_verdict(1.5, 1.5, std::nullopt, std::nullopt) == "reproduced");
  CHECK(gbench::compare::ratio_verdict(1.5, 1.4, std::nullopt, std::nullopt) == "different");
}

TEST_CASE("check_recipe: inert knobs make a claim not applicable, a stand-in is judged instead", "[compare][recipe]") {
  const auto model = gbench::config::load_model("tiny-mlp", GBENCH_CONFIGS "/models");
  gbench::record::report r;
  r.context.host.arch = "x86_64";
  r.context.host.cpu_model = "a CPU";
  r.context.knobs = {{"DNNL_DEFAULT_FPMATH_MODE", false, "fp32 Linear goes to MKL here", "facts", false},
                     {"THP_MEM_ALLOC_ENABLE", true, "acts on any Linux", "facts", false}};
  r.model = gbench::record::describe(model);
  r.settings.batches = {32};
  add_runs(r, model, "default", 2'000'000);
  add_runs(r, model, "bf16", 2'000'000);
  add_runs(r, model, "thp", 1'000'000);     // 2x over bf16
  add_runs(r, model, "stand", 1'000'000);   // 2x over default
  gbench::config::recipe recipe;
  recipe.source = "the recipe";
  recipe.claims = {claim("bf16", "default", 2.0, {"DNNL_DEFAULT_FPMATH_MODE"}),
                   claim("thp", "bf16", 1.08, {"THP_MEM_ALLOC_ENABLE"}),
                   claim("thp", "default", 2.0, {}), claim("missing", "default", 2.0, {})};
  recipe.claims[0].stand_in = {{"x86_64", "stand"}, {"aarch64", "nothing"}};
  const auto check = gbench::compare::check_recipe(recipe, r);
  REQUIRE(check.rows.size() == 5);
  CHECK(check.arch == "x86_64");
  const auto& bf16 = check.rows[0];
  CHECK(bf16.verdict == "not applicable");
  CHECK_THAT(bf16.reason, Contains("DNNL_DEFAULT_FPMATH_MODE is inert here (fp32 Linear goes to MKL here)") &&
                              Contains("256->128 BLAS") && Contains("stand stands in"));
  CHECK(bf16.published_ratio == Approx(2.0));
  const auto& stand = check.rows[1];
  CHECK(stand.preset == "stand");
  CHECK(stand.stands_in_for == "bf16 claim");
  REQUIRE(stand.speedup);
  CHECK(*stand.speedup == Approx(2.0).epsilon(0.02));
  CHECK(stand.verdict == "reproduced");
  CHECK_THAT(stand.reason, Contains("no evidence"));
  // Measured against the claim's own baseline (bf16), not the report's (default).
  const auto& thp = check.rows[2];
  CHECK(thp.baseline == "bf16");
  REQUIRE(thp.speedup);
  CHECK(*thp.speedup == Approx(2.0).epsilon(0.05));
  CHECK(thp.verdict == "different");
  // The verdict is the interval's: reproduced exactly when the published ratio lies in it.
  const auto& plain = check.rows[3];
  REQUIRE(plain.speedup_low);
  CHECK(plain.verdict == gbench::compare::ratio_verdict(2.0, *plain.speedup, plain.speedup_low, plain.speedup_high));
  CHECK(check.rows[4].verdict == "not measured");
  CHECK_THAT(check.rows[4].reason, Contains("no missing against default at batch 32"));
}

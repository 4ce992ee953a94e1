// compare/preset_comparison: presets compared side by side within a report: pooled repetitions, the speed-up
// with its interval and verdict, several models, too few samples or processes. The runs themselves:
// tests/app/preset_comparison.test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/compare/preset_comparison.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/evidence/routes.hpp"
#include "gbench/report/columns.hpp"
#include "gbench/util/files.hpp"
#include "peak_figures.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;
using namespace gbench;

namespace {

record::preset_run synthetic_run(const std::string& name, int repetition, std::int64_t batch, std::vector<std::int64_t> ns) {
  record::preset_run r;
  r.preset.name = name;
  r.repetition = repetition;
  r.ok = true;
  record::batch_result b;
  b.batch = batch;
  b.ok = true;
  b.samples_ns = std::move(ns);
  r.batches.push_back(b);
  return r;
}

std::vector<std::int64_t> around(std::int64_t centre, int n) {
  std::vector<std::int64_t> v;
  for (int i = 0; i < n; ++i) {
    v.push_back(centre + (i % 7) * centre / 100); // +0..6%: a spread, no two groups overlapping by accident
  }
  return v;
}

} // namespace

TEST_CASE("repetitions pool, and the speed-up is the ratio of medians with an interval and a verdict", "[comparison]") {
  record::report r;
  r.model = record::describe(config::load_model("tiny-mlp", GBENCH_CONFIGS "/models"));
  r.runs = {synthetic_run("default", 1, 8, around(2'000'000, 30)), synthetic_run("fast", 1, 8, around(1'000'000, 30)),
            synthetic_run("default", 2, 8, around(2'000'000, 30)), synthetic_run("fast", 2, 8, around(1'000'000, 30)),
            synthetic_run("same", 1, 8, around(2'000'000, 30)),    synthetic_run("same", 2, 8, around(2'000'000, 30))};
  const auto rows = compare::compare_presets(r);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].preset == "default");
  CHECK(rows[0].is_baseline);
  CHECK(rows[0].repetitions == 2);
  CHECK(rows[0].summary_ns.count == 60);
  CHECK_FALSE(rows[0].vs_baseline.has_value());
  REQUIRE(rows[1].vs_baseline.has_value());
  const auto& fast = *rows[1].vs_baseline;
  CHECK(fast.speedup == Approx(2.0).epsilon(0.01));
  CHECK(*fast.speedup_low <= fast.speedup);
  CHECK(*fast.speedup_high >= fast.speedup);
  CHECK(*fast.speedup_low > 1.5);
  // Two processes a side, paired by round, already decide a change this large and consistent.
  CHECK(fast.design == record::design::rounds);
  CHECK(fast.test == "paired t on 2 rounds' log differences");
  CHECK(report::verdict_text(fast) == "faster");
  CHECK(*fast.p_value < 0.05);
  CHECK(fast.p_value_samples < 1e-6);
  CHECK_THAT(report::verdict_text(*rows[2].vs_baseline), StartsWith("no significant difference (would detect >= "));
  CHECK(*rows[2].vs_baseline->speedup_low <= 1.0);
  CHECK(*rows[2].vs_baseline->speedup_high >= 1.0);
  CHECK(report::recipe_line(rows[1], rows[0]) == "fast vs default @8: 2.00x (1.030 ms vs 2.060 ms, the processes' estimates)");
}

TEST_CASE("with enough repetitions, a difference must hold between processes too", "[comparison]") {
  record::report r;
  r.model = record::describe(config::load_model("tiny-mlp", GBENCH_CONFIGS "/models"));
  // Process luck: in both presets, half the processes run at 1 ms and half at 1.5 ms; "lucky" has one more
  // fast process than the baseline. Its samples differ (p tiny), its processes do not.
  const std::vector<std::int64_t> base_centres{1'000'000, 1'500'000, 1'500'000, 1'500'000};
  const std::vector<std::int64_t> lucky_centres{1'000'000, 1'000'000, 1'500'000, 1'500'000};
  for (int k = 0; k < 4; ++k) {
    r.runs.push_back(synthetic_run("default", k + 1, 8, around(base_centres[k], 50)));
    r.runs.push_back(synthetic_run("lucky", k + 1, 8, around(lucky_centres[k], 50)));
    r.runs.push_back(synthetic_run("fast", k + 1, 8, around(base_centres[k] / 2, 50)));
  }
  const auto rows = compare::compare_presets(r);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].vs_baseline->p_value_samples < 0.05);
  REQUIRE(rows[1].vs_baseline->p_value.has_value());
  CHECK(*rows[1].vs_baseline->p_value > 0.05);
  CHECK_THAT(report::verdict_text(*rows[1].vs_baseline), StartsWith("no significant difference (would detect >= "));
  CHECK(report::verdict_text(*rows[2].vs_baseline) == "faster");
  CHECK(*rows[2].vs_baseline->p_value < 0.05);
}

TEST_CASE("several models: forms of one network are compared with the first, different networks never",
          "[comparison]") {
  record::report r;
  const auto tiny_mlp = record::describe(config::load_model("tiny-mlp", GBENCH_CONFIGS "/models"));
  auto named = [&](const std::string& name, std::vector<std::int64_t> input_shape) {
    auto m = tiny_mlp;
    m.name = name;
    m.input_shape = std::move(input_shape);
    return m;
  };
  // a.pt and a.pt2 take the same input; other.pt another one.
  r.models = {named("a.pt", {16, 16}), named("a.pt2", {16, 16}), named("other.pt", {3, 8, 8})};
  r.model = r.models.front();
  const std::vector<std::pair<std::string, std::int64_t>> centres{{"a.pt", 2'000'000}, {"a.pt2", 1'000'000},
                                                                  {"other.pt", 8'000'000}};
  for (int k = 1; k <= 3; ++k) {
    for (const auto& [model, centre] : centres) {
      for (const auto& [preset, factor] : std::vector<std::pair<std::string, std::int64_t>>{{"default", 1}, {"fast", 2}}) {
        auto run = synthetic_run(preset, k, 8, around(centre / factor, 30));
        run.model = model;
        r.runs.push_back(run);
      }
    }
  }
  const auto rows = compare::compare_presets(r);
  const auto row = [&](const std::string& model, const std::string& preset) {
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const record::preset_comparison& c) {
      return c.model == model && c.preset == preset;
    });
    REQUIRE(it != rows.end());
    return *it;
  };
  // The compiled form against the eager one, under each preset.
  CHECK(row("a.pt", "default").is_baseline);
  CHECK(row("a.pt", "fast").is_baseline);
  REQUIRE(row("a.pt2", "default").vs_baseline);
  CHECK(row("a.pt2", "default").vs_baseline->speedup == Approx(2.0).epsilon(0.02));
  CHECK(row("a.pt2", "fast").vs_baseline->speedup == Approx(2.0).epsilon(0.02));
  // Another network: its presets against its own default, never against a.pt.
  CHECK(row("other.pt", "default").is_baseline);
  REQUIRE(row("other.pt", "fast").vs_baseline);
  CHECK(row("other.pt", "fast").vs_baseline->speedup == Approx(2.0).epsilon(0.02));
  const auto lines = report::recipe_lines(rows);
  CHECK(std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
          return l.rfind("other.pt: fast vs default @8: 2.00x", 0) == 0;
        }) != lines.end());
  CHECK(std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
          return l.rfind("a.pt2 vs a.pt (default) @8: 2.00x", 0) == 0;
        }) != lines.end());
}

TEST_CASE("three samples a side cannot make a verdict, and it is said", "[comparison]") {
  record::report r;
  r.model = record::describe(config::load_model("tiny-mlp", GBENCH_CONFIGS "/models"));
  for (int k = 1; k <= 3; ++k) {
    r.runs.push_back(synthetic_run("default", k, 8, {200 + k}));
    r.runs.push_back(synthetic_run("fast", k, 8, {100 + k}));
  }
  CHECK(report::verdict_text(*compare::compare_presets(r)[1].vs_baseline) == "too few samples");
}

TEST_CASE("one process a side cannot make a verdict: inconclusive, with the repetitions that would decide",
          "[comparison]") {
  record::report r;
  r.model = record::describe(config::load_model("tiny-mlp", GBENCH_CONFIGS "/models"));
  r.runs = {synthetic_run("default", 1, 8, around(2'000'000, 30)), synthetic_run("fast", 1, 8, around(1'000'000, 30))};
  const auto rows = compare::compare_presets(r);
  REQUIRE(rows[1].vs_baseline);
  CHECK_THAT(report::verdict_text(*rows[1].vs_baseline), Equals("inconclusive: too few runs, -r 3 or more"));
  CHECK(rows[1].vs_baseline->speedup == Approx(2.0).epsilon(0.02)); // the measurement is shown, only the verdict is withheld
}

TEST_CASE("recorded evidence of an avx512_bf16 CPU without AMX: x86-bf16 under the fp32 roof, x86-bf16-weights "
          "under the bf16 one",
          "[comparison][roofline]") {
  // oneDNN's verbose log of F.linear on 32x256 by 128x256 under ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16, what a Zen 4
  // offers (tests/evidence/onednn_verbose.test.cpp says where the logs come from): precision 'medium' runs
  // brg_matmul:avx512_core with attr-fpmath:bf16 (bf16 allowed, fp32 used), bf16 weights avx512_core_bf16.
  const auto model = config::load_model("tiny-mlp", GBENCH_CONFIGS "/models");
  const auto routes_of = [](const std::string& file) {
    const auto text = util::read_text_file(GBENCH_TEST_DATA "/onednn/" + file);
    evidence::route_facts facts;
    facts.onednn_isa = evidence::parse_onednn_isa(text);
    facts.cpu_has_bf16 = true;
    facts.operand_dtype = file.find("f32") == std::string::npos ? "bf16" : "f32";
    return evidence::route_layers(evidence::parse_onednn_verbose(text), 32, {{256, 128}}, 1, facts);
  };
  record::report r;
  r.model = record::describe(model);
  r.settings.batches = {32};
  // The knob verdicts say medium acts here (it does reach oneDNN): only the evidence tells fp32 from bf16 math.
  r.context.knobs = {{"matmul_precision", true, "oneDNN with attr-fpmath:bf16", "probe", false},
                     {"weights_dtype", true, "bf16 kernels", "probe", false}};
  r.context.peak = gbench_test::sample_figures(true);
  for (const auto& [name, file] : {std::pair<std::string, std::string>{"default", ""},
                                   {"x86-bf16", "x86-avx512-core-bf16-linear-f32-medium.txt"},
                                   {"x86-bf16-weights", "x86-avx512-core-bf16-linear-bf16.txt"}}) {
    auto run = synthetic_run(name, 1, 32, around(1'000'000, 20));
    if (name == "x86-bf16") {
      run.preset.settings.matmul_precision = "medium";
    }
    if (name == "x86-bf16-weights") {
      run.preset.settings.weights_dtype = "bf16";
    }
    if (!file.empty()) {
      run.evidence = record::run_evidence{};
      record::batch_evidence e;
      e.batch = 32;
      e.ok = true;
      e.routes = routes_of(file);
      run.evidence->batches.push_back(e);
    }
    r.runs.push_back(run);
  }
  const auto rows = compare::compare_presets(r);
  const auto ceiling = [&](const std::string& preset) {
    const auto row = std::find_if(rows.begin(), rows.end(), [&](const auto& x) { return x.preset == preset; });
    REQUIRE(row != rows.end());
    REQUIRE(row->roofline);
    return row->roofline->ceiling;
  };
  CHECK(ceiling("x86-bf16") == "fp32");
  CHECK(ceiling("x86-bf16-weights") == "bf16");
  CHECK(ceiling("default") == "fp32");
  const auto weights = std::find_if(rows.begin(), rows.end(), [](const auto& x) { return x.preset == "x86-bf16-weights"; });
  const auto plain = std::find_if(rows.begin(), rows.end(), [](const auto& x) { return x.preset == "default"; });
  CHECK(weights->roofline->bytes < 0.6 * plain->roofline->bytes); // bf16 weights and activations: half the bytes
  CHECK_THAT(weights->roofline->basis, Contains("evidence at batch 32: most FLOPs in bf16"));
}

TEST_CASE("a row whose preset ran on other threads than the peak figures gets no roofline, and says why",
          "[comparison][roofline]") {
  const auto model = config::load_model("tiny-mlp", GBENCH_CONFIGS "/models");
  record::report r;
  r.model = record::describe(model);
  r.settings.batches = {32};
  r.context.peak = gbench_test::sample_figures(true); // measured on 2 threads
  for (const auto& [name, threads] : {std::pair<std::string, int>{"default", 2}, {"one-thread", 1}}) {
    auto run = synthetic_run(name, 1, 32, around(1'000'000, 20));
    run.libtorch = backend::libtorch_info{};
    run.libtorch->threads = threads;
    r.runs.push_back(run);
  }
  const auto rows = compare::compare_presets(r);
  const auto row = [&](const std::string& preset) {
    return *std::find_if(rows.begin(), rows.end(), [&](const auto& x) { return x.preset == preset; });
  };
  CHECK(row("default").roofline.has_value());
  CHECK_FALSE(row("one-thread").roofline.has_value());
  CHECK_THAT(fmt::format("{}", fmt::join(row("one-thread").flags, "; ")),
             Contains("peak figures are of 2 threads, this preset ran 1") && Contains("peak --threads 1"));
}

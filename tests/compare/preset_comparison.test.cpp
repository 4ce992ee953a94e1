// Comparing presets side by side: interleaving, failure isolation, statistics of the comparison, formats.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gbench/compare/preset_comparison.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/report/columns.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/util/files.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;
using namespace gbench;
using gbench_test::run_cli;

namespace {

std::vector<std::string> tiny(std::vector<std::string> more) {
  std::vector<std::string> args{"--model", "tiny-mlp", "--warmup", "1", "--iters", "4", "--threads", "1", "--no-profile"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

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

// Fields of one CSV line (RFC 4180: commas inside double quotes do not separate).
std::size_t csv_fields(const std::string& line) {
  std::size_t fields = 1;
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      ++fields;
    }
  }
  return fields;
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

TEST_CASE("presets run interleaved, every other round in reverse, each repetition in its own process",
          "[comparison][e2e]") {
  util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  const auto r = run_cli(tiny({"--batch", "2", "--preset", "default,bf16", "-r", "2", "--schedule", "rounds", "--json",
                               path.string()}));
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  std::vector<std::string> order;
  for (const auto& run : report["runs"]) {
    order.push_back(run["preset"]["name"].get<std::string>() + "/" + std::to_string(run["repetition"].get<int>()));
  }
  CHECK(order == std::vector<std::string>{"default/1", "bf16/1", "bf16/2", "default/2"});
  REQUIRE(report["comparison"].size() == 2);
  CHECK(report["comparison"][1]["repetitions"] == 2);
  CHECK(report["comparison"][1]["statistics_ns"]["count"] == 8);
  CHECK(report["comparison"][1]["vs_baseline"].contains("speedup_ci95"));
}

TEST_CASE("a preset whose process dies loses nothing the others measured", "[comparison][e2e]") {
  util::temp_dir dir;
  const auto presets = dir.path() / "crash.json";
  std::ofstream(presets) << R"({
    "knobs": {"GBENCH_TEST_ABORT_AFTER_BATCHES": {"description": "test only: abort after N batches", "integer": true}},
    "presets": [{"name": "crashy", "description": "dies after its first batch", "env": {"GBENCH_TEST_ABORT_AFTER_BATCHES": "1"}}]
  })";
  const auto path = dir.path() / "r.json";
  const auto r = run_cli(tiny({"--batch", "4,2", "--preset", "default,crashy,bf16", "--schedule", "rounds", "--presets", presets.string(),
                               "--format", "jsonl", "--json", path.string()}));
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.stderr_tail, Contains("preset 'crashy' did not complete") && Contains("signal 6"));
  const auto report = nlohmann::json::parse(util::read_text_file(path));
  gbench_test::check_schema(report, "report");
  REQUIRE(report["runs"].size() == 3);
  CHECK(report["runs"][0]["status"] == "ok");
  CHECK(report["runs"][2]["status"] == "ok");
  const auto& crashy = report["runs"][1];
  CHECK(crashy["status"] == "failed");
  CHECK_THAT(crashy["error"].get<std::string>(), Contains("killed by signal 6"));
  CHECK(crashy["results"][0]["status"] == "ok"); // batch 4 finished before the crash
  CHECK(crashy["results"][0]["samples_ns"].size() == 4);
  CHECK(crashy["results"][1]["status"] == "failed");
  // The JSONL stream: every line parses; the crash is a line of its own, between the others' results.
  std::istringstream lines(r.stdout_text);
  std::vector<std::string> types;
  for (std::string line; std::getline(lines, line);) {
    types.push_back(nlohmann::json::parse(line)["type"].get<std::string>());
  }
  CHECK(types.front() == "context");
  CHECK(std::count(types.begin(), types.end(), "result") == 6);
  CHECK(std::count(types.begin(), types.end(), "failure") == 1);
  CHECK(std::count(types.begin(), types.end(), "comparison") == 6);
}

TEST_CASE("every output format parses", "[comparison][e2e][sanitizers]") {
  const auto csv = run_cli(tiny({"--batch", "2", "--preset", "default,bf16", "--format", "csv"}));
  REQUIRE(csv.exit_code == 0);
  std::istringstream in(csv.stdout_text);
  std::string header;
  std::getline(in, header);
  CHECK(header.rfind("preset,batch,repetitions,median_ns", 0) == 0);
  int rows = 0;
  for (std::string line; std::getline(in, line); ++rows) {
    CHECK(csv_fields(line) == csv_fields(header));
  }
  CHECK(rows == 2);
  const auto json = run_cli(tiny({"--batch", "2", "--format", "json"}));
  REQUIRE(json.exit_code == 0);
  CHECK(nlohmann::json::parse(json.stdout_text)["schema"] == "graviton-bench-report");
  gbench_test::check_schema(nlohmann::json::parse(json.stdout_text), "report");
  const auto md = run_cli(tiny({"--batch", "2", "--preset", "default,bf16", "--format", "markdown"}));
  REQUIRE(md.exit_code == 0);
  CHECK_THAT(md.stdout_text, Contains("| preset | batch |") && Contains("| bf16 | 2 |") && Contains("- bf16 vs default @2:"));
}

TEST_CASE("min-time keeps timing until the time has passed", "[comparison][e2e]") {
  util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  const auto r = run_cli(tiny({"--batch", "2", "--min-time", "0.05", "--json", path.string()}));
  REQUIRE(r.exit_code == 0);
  const auto whole = nlohmann::json::parse(util::read_text_file(path));
  gbench_test::check_schema(whole, "report");
  const auto b = whole["runs"][0]["results"][0];
  double total = 0;
  for (const auto& ns : b["samples_ns"]) {
    total += ns.get<double>();
  }
  CHECK(total >= 0.05e9);
  CHECK(b["samples_ns"].size() % 4 == 0); // whole chunks of --iters
}

TEST_CASE("an unknown baseline is refused", "[comparison][cli]") {
  const auto r = run_cli(tiny({"--batch", "2", "--preset", "default", "--baseline", "bf16"}));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.stderr_tail, Contains("--baseline: preset 'bf16' is not among the presets run"));
}

// tune/space and tune/search (with config/candidates, the declarations they read): the search space as data,
// pruning, the staged search on recorded samples, the accuracy guard and the budget. The race's rule is in
// race.test.cpp.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/report/columns.hpp"
#include "gbench/tune/race.hpp"
#include "gbench/tune/search.hpp"
#include "gbench/tune/space.hpp"
#include "gbench/util/files.hpp"

using Catch::Matchers::Contains;

namespace {

gbench::config::preset_catalog catalog_of(const std::string& text) {
  gbench::util::temp_dir dir;
  const auto path = dir.path() / "presets.json";
  std::ofstream(path) << text;
  return gbench::config::load_presets(path);
}

std::string input_error_of(const std::string& text) {
  try {
    catalog_of(text);
  } catch (const gbench::input_error& e) {
    return e.what();
  }
  return "no error";
}

const char* const space_file = R"({
  "knobs": {
    "FAST": { "description": "a math knob", "values": ["ON", "OFF"], "candidates": ["ON"], "group": "math" },
    "MIN_DIM": { "description": "a size knob", "integer": true, "candidates": { "from": 8, "to": 64, "step": "x2" },
                 "group": "route" },
    "STEP": { "description": "additive", "integer": true, "candidates": { "from": 1, "to": 10, "step": 4 } }
  },
  "search": {
    "threads": { "candidates": { "from": 1, "to": "cores", "step": "x2" }, "group": "threads" },
    "matmul_precision": { "candidates": ["highest", "medium"], "group": "math" }
  },
  "presets": [ { "name": "default", "env": {} } ]
})";

gbench::tune::space_facts facts(std::vector<gbench::record::knob_verdict> verdicts = {}) {
  gbench::tune::space_facts f;
  f.verdicts = std::move(verdicts);
  f.cores = 4;
  f.default_threads = 4;
  return f;
}

// Samples of one process: `n` values around `median` with a spread of +-`spread`, from a fixed seed.
std::vector<double> process(double median, double spread, std::uint64_t seed, int n = 40) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-spread, spread);
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(median + u(gen));
  }
  return out;
}

} // namespace

TEST_CASE("candidates: lists and ranges expand in order", "[tune][space]") {
  const auto c = catalog_of(space_file);
  REQUIRE(c.find_knob("MIN_DIM") != nullptr);
  CHECK(gbench::config::expand(c.find_knob("MIN_DIM")->candidates, 4) ==
        std::vector<std::string>{"8", "16", "32", "64"});
  CHECK(gbench::config::expand(c.find_knob("STEP")->candidates, 4) == std::vector<std::string>{"1", "5", "9"});
  CHECK(c.find_knob("FAST")->group == "math");
  REQUIRE(c.search_settings().size() == 2);
  CHECK(gbench::config::expand(c.search_settings()[0].candidates, 6) == std::vector<std::string>{"1", "2", "4"});
}

TEST_CASE("candidates: a value the knob refuses, or a malformed declaration, names the file and the fix",
          "[tune][space]") {
  CHECK_THAT(input_error_of(R"({"knobs": {"K": {"values": ["A", "B"], "candidates": ["C"]}}, "presets": []})"),
             Contains("K=C is not a valid value") && Contains("expected one of A, B"));
  CHECK_THAT(input_error_of(R"({"knobs": {"K": {"integer": true, "candidates": []}}, "presets": []})"),
             Contains("empty list"));
  CHECK_THAT(
      input_error_of(
          R"({"knobs": {"K": {"integer": true, "candidates": {"from": 8, "to": 64, "step": "y2"}}}, "presets": []})"),
      Contains("\"x2\""));
  CHECK_THAT(
      input_error_of(R"({"knobs": {"K": {"values": ["1"], "candidates": {"from": 1, "to": 4}}}, "presets": []})"),
      Contains("\"integer\": true"));
  CHECK_THAT(
      input_error_of(R"({"knobs": {"K": {"integer": true, "candidates": {"from": 64, "to": 8}}}, "presets": []})"),
      Contains("ends (8) before it starts (64)"));
  CHECK_THAT(input_error_of(R"({"search": {"fpmath": {"candidates": ["x"]}}, "presets": []})"),
             Contains("unknown setting 'fpmath'"));
  CHECK_THAT(input_error_of(R"({"search": {"allocator": {"candidates": ["mimalloc"]}}, "presets": []})"),
             Contains("allocator mimalloc is not a valid value"));
  CHECK_THAT(input_error_of(R"({"search": {"threads": {"candidates": ["0"]}}, "presets": []})"),
             Contains("threads 0 is not a valid value"));
}

TEST_CASE("space: inert knobs are pruned with the doctor's reason, unset comes first", "[tune][space]") {
  const auto c = catalog_of(space_file);
  const auto space = gbench::tune::build_space(
      c, facts({{"MIN_DIM", false, "read only by aarch64 LibTorch builds with ACL"}, {"FAST", true, "acts here"}}));
  std::vector<std::string> names;
  for (const auto& d : space.dimensions) {
    names.push_back(d.name);
  }
  CHECK(names == std::vector<std::string>{"FAST", "STEP", "threads", "matmul_precision"}); // file order
  REQUIRE(space.pruned.size() == 1);
  CHECK(space.pruned[0].name == "MIN_DIM");
  CHECK_THAT(space.pruned[0].reason, Contains("inert here") && Contains("aarch64"));
  // threads 4 is LibTorch's own count here, and matmul precision highest its default: the same as unset.
  CHECK(space.dimensions[2].values == std::vector<std::string>{"", "1", "2"});
  CHECK(space.dimensions[3].values == std::vector<std::string>{"", "medium"});
  CHECK(space.dimensions[0].verdict == "effective");
  CHECK(space.dimensions[1].verdict == "no verdict");
  CHECK(space.grid_points() == 2 * 4 * 2 * 3);
  CHECK(space.groups() == std::vector<std::string>{"math", "STEP", "threads"});
  // One group varied on top of a base; names and presets follow the assignment.
  const auto math = gbench::tune::combinations(space, {{"threads", "1"}}, "math");
  REQUIRE(math.size() == 4);
  CHECK(gbench::tune::name_of(space, math[0]) == "threads=1");
  CHECK(gbench::tune::name_of(space, math[3]) == "FAST=ON threads=1 matmul_precision=medium");
  const auto p = gbench::tune::preset_of(space, math[3], "x");
  CHECK(p.env.at("FAST") == "ON");
  CHECK(p.settings.matmul_precision == "medium");
  CHECK(p.settings.threads == 1);
  CHECK(gbench::tune::name_of(space, {}) == "default");
}

TEST_CASE("space: stages follow the declarations, whatever this host prunes", "[tune][space]") {
  // FAST, the first math knob declared, is inert here: math is still raced first (matmul_precision), not after
  // the groups declared later (on x86 the fast-math knob is inert and memory used to go first).
  const auto space = gbench::tune::build_space(catalog_of(space_file),
                                               facts({{"FAST", false, "fp32 linear goes to mkl"},
                                                      {"MIN_DIM", false, "read only by aarch64 LibTorch builds"}}));
  CHECK(space.groups() == std::vector<std::string>{"math", "STEP", "threads"});
}

TEST_CASE("space: nothing to search, or an unknown --knobs name, is an input error", "[tune][space]") {
  const auto c = catalog_of(space_file);
  CHECK_THROWS_WITH(gbench::tune::build_space(c, facts({{"FAST", false, "x86: never reaches oneDNN"}}), {"FAST"}),
                    Contains("nothing to search") && Contains("FAST (inert here: x86: never reaches oneDNN)"));
  CHECK_THROWS_WITH(gbench::tune::build_space(c, facts(), {"NOPE"}), Contains("--knobs: 'NOPE' has no candidates"));
  CHECK_THROWS_AS(gbench::tune::build_space(c, facts(), {"NOPE"}), gbench::input_error);
}

namespace {

// A fake benchmark: a forward takes 100 us, minus 30 with FAST=ON, minus 10 with threads=1, plus a
// seeded noise; matmul_precision=medium ruins accuracy; STEP=9 crashes.
gbench::record::preset_run fake_run(const gbench::tune::process_request& req, int& counter) {
  gbench::record::preset_run run;
  run.preset = req.preset;
  run.ok = true;
  const int serial = counter++;
  if (req.evidence) {
    run.evidence.emplace();
    for (const auto b : req.batches) {
      gbench::record::batch_evidence e;
      e.batch = b;
      e.ok = true;
      e.accuracy.cosine = req.preset.settings.matmul_precision == "medium" ? 0.95 : 0.99999;
      e.accuracy.top1_agreement = 1.0;
      run.evidence->batches.push_back(e);
    }
    return run;
  }
  if (req.preset.env.count("STEP") != 0 && req.preset.env.at("STEP") == "9") {
    run.ok = false;
    run.error = "the benchmark process was killed by signal 6 (SIGABRT)";
    for (const auto b : req.batches) {
      gbench::record::batch_result r;
      r.batch = b;
      r.error = "not measured: " + run.error;
      run.batches.push_back(r);
    }
    return run;
  }
  double us = 100;
  if (req.preset.env.count("FAST") != 0) {
    us -= 30;
  }
  if (req.preset.settings.threads == 1) {
    us -= 10;
  }
  for (const auto b : req.batches) {
    gbench::record::batch_result r;
    r.batch = b;
    r.ok = true;
    for (const double v :
         process(us * 1000.0 * static_cast<double>(b), 500, static_cast<std::uint64_t>(serial * 7 + b), 30)) {
      r.samples_ns.push_back(static_cast<std::int64_t>(v));
    }
    r.chunk_size = 10;
    run.batches.push_back(r);
  }
  return run;
}

} // namespace

TEST_CASE("search: staged racing finds the fastest accurate configuration, deterministically", "[tune][search]") {
  const auto c = catalog_of(space_file);
  const auto space = gbench::tune::build_space(c, facts({{"MIN_DIM", false, "inert"}}));
  gbench::tune::search_options opt;
  opt.batches = {8, 2};
  opt.max_rounds = 8;
  auto once = [&] {
    int counter = 0;
    double clock = 0;
    return gbench::tune::search(
        space, opt,
        [&](const gbench::tune::process_request& r) {
          clock += 1;
          return fake_run(r, counter);
        },
        [&] { return clock; });
  };
  const auto r = once();
  REQUIRE(r.outcomes.size() == 2);
  for (const auto& o : r.outcomes) {
    INFO("batch " << o.batch);
    // STEP changes nothing: whether a STEP value survives as a tie is up to the noise.
    CHECK_THAT(o.winner, Contains("FAST=ON") && Contains("threads=1"));
    REQUIRE(o.vs_default);
    CHECK(o.vs_default->verdict == gbench::record::verdict::better);
    CHECK(gbench::report::verdict_text(*o.vs_default) == "faster");
    CHECK(o.vs_default->processes_baseline >= gbench::tune::min_processes);
    CHECK(o.vs_default->speedup == Approx(100.0 / 60.0).epsilon(0.02));
    CHECK_THAT(o.basis, Contains("confirmation race"));
    CHECK(o.winner_preset.name == "tuned-b" + std::to_string(o.batch));
    CHECK(o.winner_preset.env.at("FAST") == "ON");
    CHECK(o.winner_preset.settings.threads == 1);
    // The accuracy guard: medium precision is rejected, never raced.
    REQUIRE_FALSE(o.rejected.empty());
    for (const auto& x : o.rejected) {
      CHECK_THAT(x.candidate, Contains("matmul_precision=medium"));
      CHECK_THAT(x.reason, Contains("below --cosine-threshold"));
    }
    // The crashing candidate is eliminated with the reason, and the search went on.
    const bool crash_seen = std::any_of(o.eliminated.begin(), o.eliminated.end(), [](const auto& e) {
      return e.candidate.find("STEP=9") != std::string::npos && e.reason.find("SIGABRT") != std::string::npos;
    });
    CHECK(crash_seen);
  }
  CHECK(r.space.grid_points() == 2 * 4 * 2 * 3);
  CHECK(r.grid_estimate_s > 0);
  // The grid's estimate times every point in as many processes as the winner got before the confirmation.
  int winner_processes = 0;
  for (const auto& o : r.outcomes) {
    const auto n = static_cast<int>(std::count_if(r.processes.begin(), r.processes.end(), [&](const auto& p) {
      return !p.evidence && p.stage != "confirm" && p.candidate == o.winner &&
             std::any_of(p.run.batches.begin(), p.run.batches.end(), [&](const auto& x) { return x.batch == o.batch; });
    }));
    winner_processes = winner_processes == 0 ? n : std::min(winner_processes, n);
  }
  CHECK(r.processes_per_point == std::max(winner_processes, gbench::tune::min_processes));
  // No candidate was eliminated on timings before its race had given every candidate two processes.
  for (const auto& o : r.outcomes) {
    for (const auto& e : o.eliminated) {
      if (e.reason.find("slower than") != std::string::npos) {
        INFO(e.candidate << " at batch " << e.batch << ": " << e.reason);
        CHECK(e.round >= gbench::tune::min_processes);
        CHECK_THAT(e.reason, Contains("Welch's t on log process estimates"));
      }
    }
  }
  CHECK_FALSE(r.budget_spent);
  // Staged: fewer configurations than the grid were ever run.
  CHECK(r.candidates.size() < static_cast<std::size_t>(r.space.grid_points()));
  const auto again = once();
  CHECK(gbench::tune::to_json(r).dump() == gbench::tune::to_json(again).dump());
  const auto j = gbench::tune::to_json(r);
  CHECK(j["outcomes"].size() == 2);
  CHECK(j["stages"].size() >= 4);
  CHECK(j["processes"].size() == r.processes.size());
}

TEST_CASE("search: a budget too small for one round is said as such", "[tune][search]") {
  const auto c = catalog_of(space_file);
  const auto space = gbench::tune::build_space(c, facts());
  gbench::tune::search_options opt;
  opt.batches = {8};
  opt.budget_s = 3.5;
  int counter = 0;
  double clock = 0;
  const auto r = gbench::tune::search(
      space, opt,
      [&](const gbench::tune::process_request& req) {
        clock += 1;
        return fake_run(req, counter);
      },
      [&] { return clock; });
  CHECK(r.budget_spent);
  CHECK(r.budget_too_small);
  CHECK(r.processes.size() <= 4);
}

TEST_CASE("search: when the budget ends it early, a configuration wins only on evidence across processes",
          "[tune][search]") {
  const auto c = catalog_of(space_file);
  const auto space = gbench::tune::build_space(c, facts({{"MIN_DIM", false, "inert"}}));
  gbench::tune::search_options opt;
  opt.batches = {8};
  // Each process takes a second: the math stage (4 screened, 2 rounds of 2) fits, the STEP stage is cut short.
  opt.budget_s = 12.5;
  int counter = 0;
  double clock = 0;
  const auto r = gbench::tune::search(
      space, opt,
      [&](const gbench::tune::process_request& req) {
        clock += 1;
        return fake_run(req, counter);
      },
      [&] { return clock; });
  CHECK(r.budget_spent);
  CHECK_FALSE(r.budget_too_small);
  REQUIRE(r.outcomes.size() == 1);
  const auto& o = r.outcomes.front();
  INFO(o.winner << ": " << o.note << " / " << o.basis);
  CHECK(std::none_of(r.stages.begin(), r.stages.end(), [](const auto& s) { return s.name == "confirm"; }));
  if (o.winner == "default") {
    CHECK_THAT(o.note, Contains("default kept") || Contains("no candidate was faster"));
  } else {
    REQUIRE(o.vs_default);
    CHECK(o.vs_default->verdict == gbench::record::verdict::better);
    CHECK(o.vs_default->processes_candidate >= gbench::tune::min_processes);
    CHECK_THAT(o.basis, Contains("pooled across stages"));
    CHECK_THAT(o.winner, Contains("FAST=ON"));
  }
}

TEST_CASE("candidates: ranges at the ends of 64 bits expand without overflow or are refused", "[tune][space]") {
  const auto c = catalog_of(R"({"knobs": {
    "ADD": {"integer": true, "candidates": {"from": 9223372036854775800, "to": 9223372036854775807, "step": 4}},
    "MUL": {"integer": true, "candidates": {"from": 4611686018427387904, "to": 9223372036854775807, "step": "x2"}}},
    "presets": []})");
  CHECK(gbench::config::expand(c.find_knob("ADD")->candidates, 4) ==
        std::vector<std::string>{"9223372036854775800", "9223372036854775804"});
  CHECK(gbench::config::expand(c.find_knob("MUL")->candidates, 4) == std::vector<std::string>{"4611686018427387904"});
  CHECK_THAT(input_error_of(R"({"knobs": {"K": {"integer": true, "candidates":
               {"from": -9223372036854775808, "to": 9223372036854775807, "step": 1}}}, "presets": []})"),
             Contains("more than 4096 values"));
}

TEST_CASE("search: a race too large to run is refused before any process starts", "[tune][search]") {
  const auto c = catalog_of(R"({"knobs": {
    "WIDE": {"integer": true, "candidates": {"from": 1, "to": 1000}, "group": "a"},
    "TWO": {"values": ["ON"], "candidates": ["ON"], "group": "b"}},
    "presets": []})");
  const auto space = gbench::tune::build_space(c, facts());
  CHECK(gbench::tune::race_size(space) == 1001 * 2);
  CHECK(gbench::tune::race_size(space, "a") == 1001);
  gbench::tune::search_options opt;
  opt.batches = {8};
  opt.strategy = "joint";
  int started = 0;
  const auto runner = [&](const gbench::tune::process_request&) {
    ++started;
    return gbench::record::preset_run{};
  };
  CHECK_THROWS_WITH(gbench::tune::search(space, opt, runner, [] { return 0.0; }),
                    Contains("--strategy joint: the grid holds 2002 configurations") && Contains("--strategy staged"));
  CHECK(started == 0);
}

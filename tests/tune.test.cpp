// graviton-bench tune: the search space as data, pruning, the race on recorded samples, the accuracy guard,
// the allocator check and the presets written back.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "gbench/config/preset.hpp"
#include "gbench/error.hpp"
#include "gbench/run/allocator.hpp"
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

gbench::tune::space_facts facts(std::vector<gbench::evidence::knob_verdict> verdicts = {}) {
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

const gbench::tune::standing& standing_of(const gbench::tune::judgement& j, const std::string& id) {
  for (const auto& s : j.standings) {
    if (s.id == id) {
      return s;
    }
  }
  FAIL("no standing for " << id);
  return j.standings.front();
}

} // namespace

TEST_CASE("candidates: lists and ranges expand in order", "[tune][space]") {
  const auto c = catalog_of(space_file);
  REQUIRE(c.find_knob("MIN_DIM") != nullptr);
  CHECK(gbench::config::expand(c.find_knob("MIN_DIM")->candidates, 4) == std::vector<std::string>{"8", "16", "32", "64"});
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
  CHECK_THAT(input_error_of(R"({"knobs": {"K": {"integer": true, "candidates": {"from": 8, "to": 64, "step": "y2"}}}, "presets": []})"),
             Contains("\"x2\""));
  CHECK_THAT(input_error_of(R"({"knobs": {"K": {"values": ["1"], "candidates": {"from": 1, "to": 4}}}, "presets": []})"),
             Contains("\"integer\": true"));
  CHECK_THAT(input_error_of(R"({"knobs": {"K": {"integer": true, "candidates": {"from": 64, "to": 8}}}, "presets": []})"),
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

TEST_CASE("space: nothing to search, or an unknown --knobs name, is an input error", "[tune][space]") {
  const auto c = catalog_of(space_file);
  CHECK_THROWS_WITH(gbench::tune::build_space(c, facts({{"FAST", false, "x86: never reaches oneDNN"}}), {"FAST"}),
                    Contains("nothing to search") && Contains("FAST (inert here: x86: never reaches oneDNN)"));
  CHECK_THROWS_WITH(gbench::tune::build_space(c, facts(), {"NOPE"}), Contains("--knobs: 'NOPE' has no candidates"));
  CHECK_THROWS_AS(gbench::tune::build_space(c, facts(), {"NOPE"}), gbench::input_error);
}

TEST_CASE("race: no elimination on a process's samples alone, slower across processes is eliminated",
          "[tune][race]") {
  gbench::tune::race_rules rules;
  std::vector<gbench::tune::entrant> field{{"fast", {}, {}}, {"slow", {}, {}}, {"twin", {}, {}}};
  for (int round = 1; round <= 3; ++round) {
    field[0].processes.push_back(process(100, 2, 10 + round));
    field[1].processes.push_back(process(130, 2, 20 + round));
    field[2].processes.push_back(process(100.05, 2, 30 + round));
    const auto j = gbench::tune::judge(field, rules);
    CHECK_FALSE(j.finished);
    // p < alpha on the samples, but three processes a side cannot show it across processes.
    CHECK_FALSE(standing_of(j, "slow").eliminated);
    CHECK(standing_of(j, "slow").vs_best->verdict == "slower (samples only)");
  }
  field[0].processes.push_back(process(100, 2, 14));
  field[1].processes.push_back(process(130, 2, 24));
  field[2].processes.push_back(process(100.05, 2, 34));
  const auto j = gbench::tune::judge(field, rules);
  CHECK(j.best == "fast");
  CHECK(standing_of(j, "slow").eliminated);
  CHECK_THAT(standing_of(j, "slow").reason, Contains("slower than fast") && Contains("across 4 vs 4 processes"));
  CHECK(standing_of(j, "twin").within_tolerance);
  CHECK(j.finished);
  CHECK_THAT(j.why, Contains("within 2.0%"));
  CHECK(j.standings.front().id == "fast");
  CHECK(j.standings.back().id == "slow");
}

TEST_CASE("race: a failed candidate is eliminated with its reason, the others race on", "[tune][race]") {
  std::vector<gbench::tune::entrant> field{{"a", {process(100, 1, 1)}, {}},
                                           {"b", {process(105, 1, 2)}, {}},
                                           {"c", {}, std::string("its process failed: killed by signal 6")}};
  const auto j = gbench::tune::judge(field, {});
  CHECK(standing_of(j, "c").eliminated);
  CHECK(standing_of(j, "c").reason == "its process failed: killed by signal 6");
  CHECK_FALSE(j.finished);
  field.pop_back();
  field[0].failure = "its process failed";
  const auto k = gbench::tune::judge(field, {});
  CHECK(k.finished);
  CHECK(k.best == "b");
  CHECK(k.why == "one candidate left");
}

TEST_CASE("race: the same recorded samples give the same decisions", "[tune][race]") {
  std::vector<gbench::tune::entrant> field{{"a", {}, {}}, {"b", {}, {}}};
  for (int r = 0; r < 5; ++r) {
    field[0].processes.push_back(process(100, 8, 100 + r));
    field[1].processes.push_back(process(103, 8, 200 + r));
  }
  const auto x = gbench::tune::judge(field, {});
  const auto y = gbench::tune::judge(field, {});
  REQUIRE(x.standings.size() == y.standings.size());
  CHECK(gbench::tune::to_json(x.standings[1]) == gbench::tune::to_json(y.standings[1]));
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
    for (const double v : process(us * 1000.0 * static_cast<double>(b), 500, static_cast<std::uint64_t>(serial * 7 + b), 30)) {
      r.samples_ns.push_back(static_cast<std::int64_t>(v));
    }
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
        space, opt, [&](const gbench::tune::process_request& r) { clock += 1; return fake_run(r, counter); },
        [&] { return clock; });
  };
  const auto r = once();
  REQUIRE(r.outcomes.size() == 2);
  for (const auto& o : r.outcomes) {
    INFO("batch " << o.batch);
    // STEP changes nothing: whether a STEP value survives as a tie is up to the noise.
    CHECK_THAT(o.winner, Contains("FAST=ON") && Contains("threads=1"));
    REQUIRE(o.vs_default);
    CHECK(o.vs_default->verdict == "faster");
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
  CHECK(r.processes_per_point == 4);
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
      space, opt, [&](const gbench::tune::process_request& req) { clock += 1; return fake_run(req, counter); },
      [&] { return clock; });
  CHECK(r.budget_spent);
  CHECK(r.budget_too_small);
  CHECK(r.processes.size() <= 4);
}

TEST_CASE("allocator: read from the memory map, located in library folders", "[tune][allocator]") {
  const std::string maps = "55d0-55d1 r--p 00000000 08:01 1 /usr/bin/graviton-bench\n"
                           "7f00-7f01 r-xp 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n"
                           "7f02-7f03 r-xp 00000000 08:01 3 /usr/lib/x86_64-linux-gnu/libc.so.6\n";
  const auto a = gbench::run::allocator_in_maps(maps);
  CHECK(a.name == "jemalloc");
  CHECK(a.library == "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
  CHECK(gbench::run::allocator_in_maps("7f00-7f01 r-xp 0 0 0 /opt/libtcmalloc_minimal.so.4.5.10\n").name == "tcmalloc");
  CHECK(gbench::run::allocator_in_maps("7f02-7f03 r-xp 0 0 0 /usr/lib/libc.so.6\n").name == "glibc");
  // This test process runs with glibc's malloc.
  CHECK(gbench::run::allocator_of_this_process().name == "glibc");

  gbench::util::temp_dir dir;
  const auto* jemalloc = gbench::run::find_allocator("jemalloc");
  REQUIRE(jemalloc != nullptr);
  CHECK_FALSE(gbench::run::locate_allocator(*jemalloc, {dir.path()}).has_value());
  std::ofstream(dir.path() / "libjemalloc.so.2") << "";
  CHECK(gbench::run::locate_allocator(*jemalloc, {dir.path()}) == dir.path() / "libjemalloc.so.2");
  CHECK(gbench::run::preload_value(*jemalloc, "") == "libjemalloc.so.2");
  CHECK(gbench::run::preload_value(*jemalloc, "libfoo.so") == "libjemalloc.so.2:libfoo.so");
  CHECK(gbench::run::preload_value(*gbench::run::find_allocator("glibc"), "libfoo.so") == "libfoo.so");
  if (gbench::run::locate_allocator(*jemalloc)) {
    CHECK_NOTHROW(gbench::run::require_allocator("jemalloc"));
  } else {
    WARN("libjemalloc2 is not installed here: checking the error path only");
    CHECK_THROWS_WITH(gbench::run::require_allocator("jemalloc"), Contains("install the Debian package libjemalloc2"));
  }
}

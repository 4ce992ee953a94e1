// tune/search: the staged search on recorded samples: the accuracy guard, crashes, the budget, determinism, and
// races too large to run. The rule of one race's round: race.test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/report/columns.hpp"
#include "gbench/tune/race.hpp"
#include "gbench/tune/search.hpp"
#include "gbench/tune/space.hpp"
#include "tune/space_file.hpp"

using Catch::Matchers::Contains;
using gbench_test::catalog_of;
using gbench_test::facts;
using gbench_test::space_file;

namespace {

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

// The base time of a candidate in fake_run's terms (ns per sample at batch b).
double base_ns(const gbench::config::preset& p, std::int64_t b) {
  double us = 100;
  if (p.env.count("FAST") != 0) {
    us -= 30;
  }
  if (p.settings.threads == 1) {
    us -= 10;
  }
  return us * 1000.0 * static_cast<double>(b);
}

// A fake process set in lockstep: every worker's turn k ran in the same seconds as the others' turn k, so the
// machine's drift (here up to +-20% from cycle to cycle, far more than the noise) falls on all of them alike.
std::vector<gbench::record::preset_run> fake_set(const std::vector<gbench::tune::process_request>& requests, int& sets) {
  const int set = ++sets;
  constexpr int cycles = 8;
  constexpr int forwards = 5;
  std::vector<gbench::record::preset_run> runs;
  for (std::size_t w = 0; w < requests.size(); ++w) {
    const auto& req = requests[w];
    gbench::record::preset_run run;
    run.preset = req.preset;
    run.ok = true;
    run.design = gbench::record::design::lockstep;
    for (const auto b : req.batches) {
      gbench::record::batch_result r;
      r.batch = b;
      r.ok = true;
      r.chunk_size = forwards;
      for (int k = 0; k < cycles; ++k) {
        const double drift = 1.0 + 0.2 * std::sin(1.7 * k + set);
        for (const double v : process(base_ns(req.preset, b) * drift, 300, static_cast<std::uint64_t>(set * 1000 + k * 10 + w), forwards)) {
          r.samples_ns.push_back(static_cast<std::int64_t>(v));
        }
      }
      run.batches.push_back(r);
    }
    runs.push_back(run);
  }
  return runs;
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

TEST_CASE("search: in lockstep each round is a process set, judged by the lockstep test, and eliminates",
          "[tune][search][lockstep]") {
  const auto c = catalog_of(space_file);
  const auto space = gbench::tune::build_space(c, facts({{"MIN_DIM", false, "inert"}}));
  gbench::tune::search_options opt;
  opt.batches = {8, 2};
  opt.max_rounds = 8;
  opt.schedule = "lockstep";
  int counter = 0;
  int sets = 0;
  int timed_alone = 0;
  std::vector<std::size_t> set_sizes;
  gbench::tune::lockstep_runner lockstep;
  lockstep.run = [&](const std::vector<gbench::tune::process_request>& requests, int set) {
    CHECK(set >= 1);
    CHECK(set <= opt.max_rounds);
    set_sizes.push_back(requests.size());
    for (const auto& r : requests) {
      CHECK(r.batches == requests.front().batches); // every worker of a set runs the same batches
    }
    return fake_set(requests, sets);
  };
  lockstep.fits = [](std::size_t, const std::vector<std::int64_t>&) { return std::string(); };
  double clock = 0;
  const auto r = gbench::tune::search(
      space, opt,
      [&](const gbench::tune::process_request& req) {
        clock += 1;
        timed_alone += req.evidence ? 0 : 1;
        return fake_run(req, counter);
      },
      [&] { return clock; }, {}, lockstep);
  CHECK(timed_alone == 0); // only the screening ran alone
  REQUIRE_FALSE(set_sizes.empty());
  CHECK(*std::max_element(set_sizes.begin(), set_sizes.end()) >= 2);
  for (const auto& s : r.stages) {
    INFO(s.name << " at batch " << s.batch);
    CHECK(s.design == "lockstep");
    CHECK(s.note.empty());
  }
  REQUIRE(r.outcomes.size() == 2);
  for (const auto& o : r.outcomes) {
    INFO("batch " << o.batch);
    CHECK_THAT(o.winner, Contains("FAST=ON") && Contains("threads=1"));
    REQUIRE(o.vs_default);
    CHECK(o.vs_default->design == gbench::record::design::lockstep);
    CHECK(o.vs_default->verdict == gbench::record::verdict::better);
    CHECK(o.vs_default->speedup == Approx(100.0 / 60.0).epsilon(0.02));
    CHECK_THAT(o.basis, Contains("confirmation race in lockstep"));
    // Elimination still works: on the lockstep test once every candidate has two sets, or by halving.
    bool on_timings = false;
    for (const auto& e : o.eliminated) {
      if (e.reason.find("slower than") != std::string::npos) {
        INFO(e.candidate << ": " << e.reason);
        CHECK(e.round >= gbench::tune::min_processes);
        CHECK_THAT(e.reason, Contains("process sets"));
        on_timings = true;
      }
    }
    CHECK(on_timings);
  }
  // Each worker of a set is recorded with its set and its share of the set's time.
  for (const auto& p : r.processes) {
    if (!p.evidence) {
      CHECK(p.round >= 1);
      CHECK(p.run.design == gbench::record::design::lockstep);
    }
  }
  const auto j = gbench::tune::to_json(r);
  CHECK(j["options"]["schedule"] == "lockstep");
  CHECK(j["stages"][0]["design"] == "lockstep");
}

TEST_CASE("search: when the workers would not fit in memory together, the stage races in rounds and says why",
          "[tune][search][lockstep]") {
  const auto c = catalog_of(space_file);
  const auto space = gbench::tune::build_space(c, facts({{"MIN_DIM", false, "inert"}}));
  gbench::tune::search_options opt;
  opt.batches = {8};
  opt.max_rounds = 8;
  opt.schedule = "lockstep";
  int counter = 0;
  int sets = 0;
  gbench::tune::lockstep_runner lockstep;
  lockstep.run = [&](const std::vector<gbench::tune::process_request>& requests, int) {
    return fake_set(requests, sets);
  };
  // Three workers fit, four do not: the math stage (four candidates) falls back, the two-candidate races do not.
  lockstep.fits = [](std::size_t workers, const std::vector<std::int64_t>&) {
    return workers > 3 ? std::string("the 4 candidates' workers would not fit in memory together (0.1 GiB available)")
                       : std::string();
  };
  double clock = 0;
  std::vector<std::string> said;
  const auto r = gbench::tune::search(
      space, opt,
      [&](const gbench::tune::process_request& req) {
        clock += 1;
        return fake_run(req, counter);
      },
      [&] { return clock; }, [&](const std::string& line) { said.push_back(line); }, lockstep);
  bool fell_back = false;
  bool raced_in_lockstep = false;
  for (const auto& s : r.stages) {
    INFO(s.name << ": " << s.design << " " << s.note);
    if (s.design == "rounds") {
      fell_back = true;
      CHECK(s.candidates.size() > 3);
      CHECK_THAT(s.note, Contains("would not fit in memory together") && Contains("race in rounds"));
    } else {
      raced_in_lockstep = raced_in_lockstep || s.rounds > 0;
      CHECK(s.note.empty());
    }
  }
  CHECK(fell_back);
  CHECK(raced_in_lockstep);
  CHECK(std::any_of(said.begin(), said.end(), [](const std::string& l) { return l.find("instead of lockstep") != std::string::npos; }));
  // The fallback's eliminations are the rounds' (Welch's t across processes).
  REQUIRE(r.outcomes.size() == 1);
  CHECK_THAT(r.outcomes.front().winner, Contains("FAST=ON"));
  const auto j = gbench::tune::to_json(r);
  bool noted = false;
  for (const auto& s : j["stages"]) {
    noted = noted || (s["design"] == "rounds" && s.contains("note"));
  }
  CHECK(noted);
}

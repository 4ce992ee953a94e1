// tune/race: how a round of a race is judged, on recorded samples. Eliminations rest on the comparison engine's
// verdict across processes, never on the samples of single processes.
#include <catch2/catch.hpp>

#include <cmath>

#include <random>

#include <fmt/format.h>

#include "gbench/tune/race.hpp"

using Catch::Matchers::Contains;
using gbench::record::verdict;

namespace {

// One process's samples: `n` values around `median` with a spread of +-`spread`, from a fixed seed, in chunks
// of `chunk`.
gbench::stats::process_samples process(double median, double spread, std::uint64_t seed, int n = 40,
                                       std::size_t chunk = 10) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-spread, spread);
  gbench::stats::process_samples out;
  out.chunk_size = chunk;
  for (int i = 0; i < n; ++i) {
    out.samples.push_back(median + u(gen));
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

TEST_CASE("race: nothing is eliminated on one process a candidate but slower across two is", "[tune][race]") {
  const gbench::tune::race_rules rules;
  std::vector<gbench::tune::entrant> field{{"fast", {}, {}}, {"slow", {}, {}}, {"twin", {}, {}}};
  field[0].processes.push_back(process(100, 2, 11));
  field[1].processes.push_back(process(130, 2, 21));
  field[2].processes.push_back(process(100, 2, 31)); // the same as fast: which of the two leads is up to the noise
  const auto first = gbench::tune::judge(field, rules);
  CHECK_FALSE(first.ready);
  CHECK_FALSE(first.finished);
  CHECK((first.best == "fast" || first.best == "twin"));
  const auto& slow1 = standing_of(first, "slow");
  CHECK_FALSE(slow1.eliminated);
  REQUIRE(slow1.vs_best);
  // The samples alone would call it: 40 against 40, 30% apart. One process a side is no evidence.
  CHECK(slow1.vs_best->p_value_samples < rules.alpha);
  CHECK(slow1.vs_best->verdict == verdict::inconclusive);
  CHECK_FALSE(slow1.vs_best->p_value.has_value());
  const std::string other1 = first.best == "fast" ? "twin" : "fast";
  CHECK_FALSE(standing_of(first, other1).within_tolerance); // no tie on one process either

  field[0].processes.push_back(process(100, 2, 12));
  field[1].processes.push_back(process(130, 2, 22));
  field[2].processes.push_back(process(100, 2, 32));
  const auto second = gbench::tune::judge(field, rules);
  CHECK(second.ready);
  REQUIRE((second.best == "fast" || second.best == "twin"));
  const std::string other = second.best == "fast" ? "twin" : "fast";
  const auto& slow2 = standing_of(second, "slow");
  CHECK(slow2.eliminated);
  REQUIRE(slow2.vs_best);
  CHECK(slow2.vs_best->verdict == verdict::worse);
  CHECK(slow2.vs_best->speedup == Approx(100.0 / 130.0).epsilon(0.01));
  CHECK_THAT(slow2.reason, Contains("slower than " + second.best) && Contains("Welch's t on log process estimates (2 vs 2 processes)"));
  const auto& twin = standing_of(second, other);
  CHECK_FALSE(twin.eliminated);
  CHECK(twin.vs_best->verdict == verdict::unchanged);
  CHECK(twin.within_tolerance);
  CHECK(second.finished);
  CHECK_THAT(second.why, Contains("within 2.0%"));
  CHECK(second.standings.front().id == second.best);
  CHECK(second.standings.back().id == "slow");
}

TEST_CASE("race: one unlucky process is not evidence against a candidate", "[tune][race]") {
  // Both of a's processes at 100; b's first at 100, its second 15% slower throughout (placement, a slow episode).
  std::vector<gbench::tune::entrant> field{{"a", {process(100, 1, 1), process(100, 1, 2)}, {}},
                                           {"b", {process(100, 1, 3), process(115, 1, 4)}, {}}};
  const auto j = gbench::tune::judge(field, {});
  CHECK(j.ready);
  CHECK(j.best == "a");
  const auto& b = standing_of(j, "b");
  REQUIRE(b.vs_best);
  CHECK(b.vs_best->p_value_samples < 0.05); // the pooled samples differ, as they would on any such machine
  REQUIRE(b.vs_best->p_value.has_value());
  CHECK(*b.vs_best->p_value > 0.05);
  CHECK(b.vs_best->verdict == verdict::unchanged);
  CHECK_FALSE(b.eliminated);
  CHECK_FALSE(b.within_tolerance); // its interval reaches beyond 2%: the race goes on
  CHECK_FALSE(j.finished);
}

TEST_CASE("race: a candidate not measured yet holds back every elimination", "[tune][race]") {
  std::vector<gbench::tune::entrant> field{{"fast", {process(100, 2, 1), process(100, 2, 2)}, {}},
                                           {"slow", {process(130, 2, 3), process(130, 2, 4)}, {}},
                                           {"late", {}, {}}};
  const auto j = gbench::tune::judge(field, {});
  CHECK_FALSE(j.ready);
  CHECK_FALSE(standing_of(j, "slow").eliminated);
  CHECK_FALSE(j.finished);
  field.pop_back();
  CHECK(standing_of(gbench::tune::judge(field, {}), "slow").eliminated);
}

TEST_CASE("race: a failed candidate is eliminated at once with its reason while the others race on", "[tune][race]") {
  std::vector<gbench::tune::entrant> field{{"a", {process(100, 1, 1)}, {}},
                                           {"b", {process(105, 1, 2)}, {}},
                                           {"c", {}, std::string("its process failed: timed out after 30 s")}};
  const auto j = gbench::tune::judge(field, {});
  CHECK(standing_of(j, "c").eliminated);
  CHECK(standing_of(j, "c").reason == "its process failed: timed out after 30 s");
  CHECK_FALSE(standing_of(j, "b").eliminated);
  CHECK_FALSE(j.finished);
  field.pop_back();
  field[0].failure = "its process failed";
  const auto k = gbench::tune::judge(field, {});
  CHECK(k.finished);
  CHECK(k.best == "b");
  CHECK(k.why == "one candidate left");
  field[1].failure = "its batch failed";
  const auto none = gbench::tune::judge(field, {});
  CHECK(none.finished);
  CHECK(none.best.empty());
  CHECK(none.why == "every candidate failed");
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

TEST_CASE("race: a batch's samples reach the engine with their chunks", "[tune][race]") {
  gbench::record::batch_result r;
  r.batch = 4;
  r.ok = true;
  r.chunk_size = 5;
  r.samples_ns = {10, 11, 12, 13, 14, 9, 9, 9, 9, 9};
  const auto p = gbench::compare::samples_of(r);
  REQUIRE(p);
  CHECK(p->chunk_size == 5);
  CHECK(p->samples.size() == 10);
  CHECK(gbench::stats::process_estimate(*p) == 9.0); // the lowest chunk median
  r.ok = false;
  CHECK_FALSE(gbench::compare::samples_of(r).has_value());
}

namespace {

// An entrant whose processes sit at median-5% and median+5%: the spread between processes hides differences of
// a few percent, as on a noisy machine, so that no test across two processes can call them.
gbench::tune::entrant noisy(const std::string& id, double median, int processes, std::uint64_t seed) {
  gbench::tune::entrant e{id, {}, {}};
  for (int i = 0; i < processes; ++i) {
    e.processes.push_back(process(median * (i % 2 == 0 ? 0.95 : 1.05), 1, seed + static_cast<std::uint64_t>(i)));
  }
  return e;
}

// "c0", "c1", ... (fmt, not "c" + std::to_string: GCC 12's -Wrestrict false positive on that).
std::string candidate_name(int i) {
  return fmt::format("c{}", i);
}

} // namespace

TEST_CASE("race: successive halving cuts the slower half by estimate when nothing is significant", "[tune][race]") {
  std::vector<gbench::tune::entrant> field;
  for (int i = 0; i < 6; ++i) {
    field.push_back(noisy(candidate_name(i), 100 + i, 2, 10 * static_cast<std::uint64_t>(i)));
  }
  const auto j = gbench::tune::judge(field, {});
  REQUIRE(j.ready);
  CHECK(j.best == "c0");
  for (int i = 0; i < 6; ++i) {
    const auto& s = standing_of(j, candidate_name(i));
    REQUIRE((i == 0 || s.vs_best));
    CHECK((i == 0 || s.vs_best->verdict != verdict::worse)); // no test across processes can call them
    CHECK(s.eliminated == (i >= 3));                         // 6 -> 3, the slower half by estimate
    if (i >= 3) {
      CHECK_THAT(s.reason, Contains("successive halving") && Contains("slower half of 6"));
    }
  }
  CHECK_FALSE(j.finished);

  gbench::tune::race_rules strict;
  strict.halving = false; // --no-halving: only the engine's verdict eliminates
  const auto k = gbench::tune::judge(field, strict);
  CHECK(std::none_of(k.standings.begin(), k.standings.end(), [](const auto& s) { return s.eliminated; }));
  CHECK_FALSE(k.finished);

  // Not before every candidate has two processes: one process a side is no ranking either.
  std::vector<gbench::tune::entrant> early;
  for (int i = 0; i < 6; ++i) {
    early.push_back(noisy(candidate_name(i), 100 + i, 1, 10 * static_cast<std::uint64_t>(i)));
  }
  const auto e = gbench::tune::judge(early, {});
  CHECK(std::none_of(e.standings.begin(), e.standings.end(), [](const auto& s) { return s.eliminated; }));
}

TEST_CASE("race: the last two are cut only once both have final_processes processes", "[tune][race]") {
  const gbench::tune::race_rules rules; // final_processes 4
  std::vector<gbench::tune::entrant> field{noisy("a", 100, 3, 1), noisy("b", 102, 3, 11)};
  const auto three = gbench::tune::judge(field, rules);
  CHECK_FALSE(standing_of(three, "b").eliminated);
  CHECK_FALSE(three.finished);
  field = {noisy("a", 100, 4, 1), noisy("b", 102, 4, 11)};
  const auto four = gbench::tune::judge(field, rules);
  CHECK(four.finished);
  CHECK(four.best == "a");
  CHECK(standing_of(four, "b").eliminated);
  CHECK_THAT(four.why, Contains("successive halving"));
}

TEST_CASE("race: the last cut keeps the candidate that sets fewer knobs when the two cannot be told apart",
          "[tune][race]") {
  const gbench::tune::race_rules rules;
  // "more" is 2% faster by estimate with a knob more: 4 processes a side at +-5% cannot show 2%.
  auto more = noisy("more", 100, 4, 1);
  more.knobs_set = 2;
  auto fewer = noisy("fewer", 102, 4, 11);
  fewer.knobs_set = 1;
  const auto j = gbench::tune::judge({more, fewer}, rules);
  REQUIRE(j.finished);
  CHECK(j.best == "fewer");
  CHECK(j.standings.front().id == "fewer");
  CHECK_FALSE(j.standings.front().vs_best.has_value()); // the leader has no comparison with itself
  const auto& cut = standing_of(j, "more");
  CHECK(cut.eliminated);
  CHECK_THAT(cut.reason, Contains("last two") && Contains("sets fewer"));
  CHECK_THAT(j.why, Contains("fewer knobs"));

  // The same two with the knob counts the other way round: the faster by estimate is also the simpler.
  more.knobs_set = 1;
  fewer.knobs_set = 2;
  const auto k = gbench::tune::judge({more, fewer}, rules);
  CHECK(k.best == "more");
  CHECK(standing_of(k, "fewer").eliminated);

  // A difference the processes do show is not overruled by simplicity: the slower is eliminated as slower.
  std::vector<gbench::tune::entrant> clear{{"fast", {}, {}, 3}, {"plain", {}, {}, 0}};
  for (std::uint64_t i = 0; i < 4; ++i) {
    clear[0].processes.push_back(process(100, 1, 40 + i));
    clear[1].processes.push_back(process(120, 1, 50 + i));
  }
  const auto c = gbench::tune::judge(clear, rules);
  CHECK(c.best == "fast");
  CHECK_THAT(standing_of(c, "plain").reason, Contains("slower than fast"));

  // Before both have final_processes processes, nothing is cut either way.
  more.processes.resize(3);
  fewer.processes.resize(3);
  const auto early = gbench::tune::judge({more, fewer}, rules);
  CHECK_FALSE(early.finished);
}

TEST_CASE("race: in lockstep the paired turns rank the candidates, not a lucky lowest turn", "[tune][race][lockstep]") {
  // Three workers of four process sets, 8 cycles of 5 forwards each. The machine's speed drifts by up to 30% from
  // cycle to cycle, alike for all. "steady" is 3% faster than "lucky" in every cycle, but "lucky" has one
  // turn in each set at half its time, which sets its estimate (its lowest turn median) lowest of all.
  std::vector<gbench::tune::entrant> field{{"lucky", {}, {}}, {"steady", {}, {}}, {"slow", {}, {}}};
  for (std::size_t set = 1; set <= 4; ++set) {
    for (std::size_t w = 0; w < field.size(); ++w) {
      gbench::stats::process_samples p;
      p.chunk_size = 5;
      p.round = set;
      p.lockstep = true;
      for (int k = 0; k < 8; ++k) {
        const double drift = 1.0 + 0.3 * std::sin(1.3 * k + static_cast<double>(set));
        const double base = w == 0 ? 100.0 : w == 1 ? 97.0 : 120.0;
        const double lucky = w == 0 && k == static_cast<int>(set) ? 0.5 : 1.0;
        for (int i = 0; i < 5; ++i) {
          p.samples.push_back(base * drift * lucky * (1.0 + 0.001 * ((i + k + w) % 3)));
        }
      }
      field[w].processes.push_back(p);
    }
  }
  gbench::tune::race_rules rules;
  const auto j = gbench::tune::judge(field, rules, 8);
  CHECK(standing_of(j, "lucky").estimate_ns < standing_of(j, "steady").estimate_ns); // the estimate would pick lucky
  CHECK(j.best == "steady");
  REQUIRE(standing_of(j, "lucky").vs_best);
  CHECK(standing_of(j, "lucky").vs_best->design == gbench::record::design::lockstep);
  CHECK(standing_of(j, "lucky").vs_best->ratio == Approx(100.0 / 97.0).epsilon(0.01));
  CHECK(standing_of(j, "slow").eliminated);
  CHECK_THAT(standing_of(j, "slow").reason, Contains("process sets"));
  // Halving cuts by the paired ratio: of the two left, lucky is the slower half, even though its estimate is lower.
  CHECK(j.standings.front().id == "steady");
}

// stats/group_test: the test a comparison of two groups of processes rests on, chosen by how they ran.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "gbench/stats/compare.hpp"
#include "gbench/stats/group_test.hpp"
#include "stats/simulator.hpp"

using namespace gbench::stats;
using gbench_test::simulator;
using gbench_test::single;

namespace {

std::vector<process_samples> in_rounds(const std::vector<double>& estimates) {
  std::vector<process_samples> g;
  for (std::size_t i = 0; i < estimates.size(); ++i) {
    g.push_back({{estimates[i]}, 0, i + 1});
  }
  return g;
}

// Lockstep workers: one process per set, its chunks its turns. The machine's speed drifts from cycle to cycle
// (`drift` a random walk in logs) and both workers of a cycle share it; each set adds its own luck (`set_cv`,
// memory layout), each turn its own noise (`turn_cv`). `slow` is b's true ratio to a.
struct lockstep_pair {
  std::vector<process_samples> a;
  std::vector<process_samples> b;
};

lockstep_pair lockstep(simulator& sim, int sets, int cycles, double slow, double drift, double set_cv, double turn_cv,
                       int per_turn = 5) {
  lockstep_pair out;
  for (int s = 1; s <= sets; ++s) {
    process_samples a{{}, static_cast<std::size_t>(per_turn), static_cast<std::size_t>(s), true};
    process_samples b = a;
    const double luck_a = std::exp(set_cv * sim.normal());
    const double luck_b = std::exp(set_cv * sim.normal());
    double speed = 1.0;
    for (int k = 0; k < cycles; ++k) {
      speed *= std::exp(drift * sim.normal());
      for (int i = 0; i < per_turn; ++i) {
        a.samples.push_back(1e6 * speed * luck_a * std::exp(turn_cv * sim.normal()));
        b.samples.push_back(1e6 * slow * speed * luck_b * std::exp(turn_cv * sim.normal()));
      }
    }
    out.a.push_back(std::move(a));
    out.b.push_back(std::move(b));
  }
  return out;
}

} // namespace

TEST_CASE("independent processes: Yuen's trimmed t on log estimates matches SciPy", "[stats][group_test]") {
  const std::vector<process_samples> a{single(100), single(102), single(98), single(101)};
  const std::vector<process_samples> b{single(110), single(111), single(109), single(112), single(108)};
  const auto r = compare_groups(a, b, {});
  CHECK(r.pairing == pairing::independent);
  CHECK(r.sides == 2);
  REQUIRE(r.p_value);
  // scipy.stats.ttest_ind(log(a), log(b), equal_var=False, trim=0.2).pvalue: b's 5 processes lose one at
  // each end, a's 4 none.
  CHECK(*r.p_value == Approx(0.0004452286548881918).epsilon(1e-6));
  CHECK(r.ratio == Approx(0.9112891188982529)); // exp of the difference of trimmed means of the logs
  CHECK(r.trimmed == 1);
  CHECK(r.significant);
  REQUIRE(r.mde);
  CHECK(*r.mde > 0);
  CHECK(*r.mde < 0.09); // smaller than the 9% difference it found
}

TEST_CASE("processes of the same rounds are paired: the trimmed paired test matches its definition",
          "[stats][group_test]") {
  // The machine's speed wanders between rounds; b is 3% slower than a in every round.
  const std::vector<double> la{100, 120, 90, 110, 105};
  const std::vector<double> lb{103.5, 123.0, 92.4, 113.6, 108.0};
  const auto a = in_rounds(la);
  auto b = in_rounds(lb);
  std::reverse(b.begin(), b.end()); // the same rounds, listed in another order
  const auto r = compare_groups(b, a, {});
  CHECK(r.pairing == pairing::rounds);
  REQUIRE(r.p_value);
  REQUIRE(r.df);
  // 5 differences, one cut at each end: h = 3, df = 2. With NumPy and SciPy: the trimmed mean of the log
  // differences, (n - 1) s_w^2 / (h (h - 1)) from the winsorized variance, 2 * t.sf(|t|, 2).
  CHECK(*r.df == 2);
  CHECK(*r.p_value == Approx(0.007029086335484295).epsilon(1e-6));
  CHECK(r.ratio == Approx(1.0293186809789912));
  CHECK(r.significant);
  CHECK(r.ci_low > 1.0);
  REQUIRE(r.mde);
  CHECK(*r.mde < 0.03);
  CHECK(units_needed(r, 0.03, 0.05, 0.8) <= 5);

  // Without rounds the drift between rounds swamps the change: Yuen's two-sample test on the same estimates.
  auto a0 = a;
  for (auto& p : a0) {
    p.round = 0;
  }
  const auto u = compare_groups(b, a0, {});
  CHECK(u.pairing == pairing::independent);
  CHECK(*u.p_value == Approx(0.5926985186936539).epsilon(1e-6)); // scipy ttest_ind(equal_var=False, trim=0.2)
  CHECK_FALSE(u.significant);
  CHECK(units_needed(u, 0.03, 0.05, 0.8) > 5);

  // Rounds that do not match one to one pair nothing.
  auto twice = b;
  twice[1].round = twice[0].round;
  CHECK(compare_groups(twice, a, {}).pairing == pairing::independent);
  auto other = b;
  other[4].round = 9;
  CHECK(compare_groups(other, a, {}).pairing == pairing::independent);
}

TEST_CASE("a slow episode in one process of a pair does not swamp a 7% regression", "[stats][group_test]") {
  // Ten rounds of a small model in CI (median us per process): seven pairs say +7%; three processes ran inside
  // a slow episode (+30% to +64%). The plain paired t-test (p 0.39) and Welch's t (p 0.33) miss it.
  const auto base = in_rounds({37.3, 28.5, 28.1, 28.6, 28.9, 28.5, 37.6, 28.5, 28.4, 28.7});
  const auto cand = in_rounds({30.7, 30.9, 47.0, 30.7, 29.9, 30.3, 30.2, 30.8, 30.6, 30.6});
  const auto paired = compare_groups(cand, base, {});
  CHECK(paired.pairing == pairing::rounds);
  CHECK(paired.trimmed == 2);
  CHECK(paired.ratio == Approx(1.0658153928729275)); // exp of the 20%-trimmed mean of the log differences
  CHECK(*paired.p_value == Approx(0.001745758070240331).epsilon(1e-6));
  CHECK(paired.significant);
  // The three rounds whose one process ran through an episode lie beyond the fences, and are named.
  CHECK(paired.outliers.size() == 3);
  auto unpaired_base = base;
  auto unpaired_cand = cand;
  for (auto* g : {&unpaired_base, &unpaired_cand}) {
    for (auto& p : *g) {
      p.round = 0;
    }
  }
  const auto yuen = compare_groups(unpaired_cand, unpaired_base, {});
  CHECK(yuen.pairing == pairing::independent);
  CHECK(yuen.ratio == Approx(1.069889107597858));
  CHECK(*yuen.p_value == Approx(1.4635363444762455e-07).epsilon(1e-5)); // scipy ttest_ind(trim=0.2)
  CHECK(yuen.outliers.size() == 3); // two baseline processes, one candidate process
}

TEST_CASE("with one process a side there is no test, only an estimate", "[stats][group_test]") {
  simulator sim(7);
  const auto a = sim.group(1, 500, 100, 0.05, 0.02);
  const auto b = sim.group(1, 500, 100, 0.05, 0.02);
  const auto r = compare_groups(a, b, {});
  CHECK_FALSE(r.p_value);
  CHECK_FALSE(r.mde);
  CHECK_FALSE(r.significant);
}

TEST_CASE("lockstep: each set's cycles give a trimmed mean, the sets a t-test", "[stats][group_test]") {
  simulator sim(11);
  const auto p = lockstep(sim, 4, 30, 1.03, 0.02, 0.003, 0.01);
  const auto r = compare_groups(p.b, p.a, {});
  CHECK(r.pairing == pairing::lockstep);
  CHECK(r.units == 4);
  REQUIRE(r.df);
  CHECK(*r.df == 3);
  CHECK(r.ratio == Approx(1.03).epsilon(0.01));
  CHECK(r.significant);
  // One set alone gives an estimate and no test: its luck is not known.
  const std::vector<process_samples> one_a{p.a.front()};
  const std::vector<process_samples> one_b{p.b.front()};
  const auto one = compare_groups(one_b, one_a, {});
  CHECK(one.pairing == pairing::lockstep);
  CHECK_FALSE(one.p_value);
  CHECK(one.ratio == Approx(1.03).epsilon(0.02));
  // A worker that is not a lockstep worker makes the groups pair by round instead.
  auto mixed = p.a;
  mixed[0].lockstep = false;
  CHECK(compare_groups(p.b, mixed, {}).pairing == pairing::rounds);
}

TEST_CASE("lockstep: a cycle that straddles a slow episode is cut, and counted", "[stats][group_test]") {
  simulator sim(12);
  auto p = lockstep(sim, 3, 40, 1.00, 0.01, 0.002, 0.005);
  // In set 2, the episode starts between the two turns of cycle 10: b's turn is 50% slower.
  for (std::size_t i = 10 * 5; i < 11 * 5; ++i) {
    p.b[1].samples[i] *= 1.5;
  }
  const auto r = compare_groups(p.b, p.a, {});
  CHECK(r.ratio == Approx(1.0).epsilon(0.005));
  CHECK_FALSE(r.significant);
  REQUIRE_FALSE(r.outliers.empty());
  CHECK(r.outliers.front().round == 2);
  CHECK(r.outliers.front().count >= 1);
  CHECK(r.outliers.front().of == 40);
}

TEST_CASE("lockstep keeps alpha under drift and beats rounds for the same work", "[stats][group_test][simulation]") {
  // The machine drifts by 2% per cycle (a random walk), sets differ by 0.5%, turns by 1%. A/A: alarms at most
  // alpha plus the spread of 300 trials; a 2% slowdown: found nearly always with 5 sets, and more often with 5
  // sets than with 3.
  simulator sim(2026);
  constexpr int trials = 300;
  int aa_alarms = 0;
  int caught_3 = 0;
  int caught_5 = 0;
  for (int t = 0; t < trials; ++t) {
    const auto aa = lockstep(sim, 4, 20, 1.0, 0.02, 0.005, 0.01);
    aa_alarms += compare_groups(aa.b, aa.a, {}).significant ? 1 : 0;
    const auto s3 = lockstep(sim, 3, 20, 1.02, 0.02, 0.005, 0.01);
    caught_3 += compare_groups(s3.b, s3.a, {}).significant ? 1 : 0;
    const auto s5 = lockstep(sim, 5, 20, 1.02, 0.02, 0.005, 0.01);
    caught_5 += compare_groups(s5.b, s5.a, {}).significant ? 1 : 0;
  }
  CHECK(aa_alarms <= trials * 8 / 100);
  CHECK(caught_5 > caught_3);
  CHECK(caught_5 >= trials * 9 / 10);
}

TEST_CASE("A/A and a 3% change under drift between rounds: pairing keeps alpha and gains power",
          "[stats][group_test][simulation]") {
  // Every round runs at its own speed (5% between rounds), each process adds 1% of its own, samples 3%.
  simulator sim(314);
  const auto rounds = [&](int n, double level, const std::vector<double>& speed) {
    auto g = sim.group(n, 100, level, 0.01, 0.03);
    for (std::size_t i = 0; i < g.size(); ++i) {
      g[i].round = i + 1;
      for (double& x : g[i].samples) {
        x *= speed[i];
      }
    }
    return g;
  };
  int aa_alarms = 0;
  int paired_caught = 0;
  int unpaired_caught = 0;
  constexpr int trials = 200;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> speed;
    for (int i = 0; i < 8; ++i) {
      speed.push_back(std::exp(0.05 * sim.normal()));
    }
    const auto base = rounds(8, 50e3, speed);
    aa_alarms += compare_groups(rounds(8, 50e3, speed), base, {}).significant ? 1 : 0;
    auto slow = rounds(8, 51.5e3, speed);
    paired_caught += compare_groups(slow, base, {}).significant ? 1 : 0;
    for (auto& p : slow) {
      p.round = 0;
    }
    unpaired_caught += compare_groups(slow, base, {}).significant ? 1 : 0;
  }
  CHECK(aa_alarms <= trials * 8 / 100); // alpha 5%, plus the binomial spread of 200 trials
  CHECK(paired_caught >= trials * 9 / 10);
  CHECK(unpaired_caught < trials / 2);
}

TEST_CASE("A/A on synthetic noisy processes: the process-level test alarms at about alpha, the sample test does not",
          "[stats][group_test][simulation]") {
  // Processes 5% apart (between), samples 3% around their process: the situation of a shared VM.
  simulator sim(20261126);
  int process_alarms = 0;
  int sample_alarms = 0;
  constexpr int trials = 200;
  for (int t = 0; t < trials; ++t) {
    const auto a = sim.group(4, 200, 50e3, 0.05, 0.03);
    const auto b = sim.group(4, 200, 50e3, 0.05, 0.03);
    process_alarms += compare_groups(a, b, {}).significant ? 1 : 0;
    std::vector<double> pa;
    std::vector<double> pb;
    for (const auto& p : a) {
      pa.insert(pa.end(), p.samples.begin(), p.samples.end());
    }
    for (const auto& p : b) {
      pb.insert(pb.end(), p.samples.begin(), p.samples.end());
    }
    sample_alarms += mann_whitney_u(pa, pb).p_value < 0.05 ? 1 : 0;
  }
  CHECK(process_alarms <= trials * 8 / 100); // alpha 5%, plus the binomial spread of 200 trials
  CHECK(sample_alarms > trials / 2);         // the old test on pooled samples takes process luck for evidence
}

TEST_CASE("a 10% slowdown is detected across 6 processes a side, and the MDE says it could be",
          "[stats][group_test][simulation]") {
  simulator sim(99);
  int detected = 0;
  double mde_sum = 0;
  constexpr int trials = 100;
  for (int t = 0; t < trials; ++t) {
    const auto base = sim.group(6, 300, 50e3, 0.02, 0.03);
    const auto slow = sim.group(6, 300, 55e3, 0.02, 0.03);
    const auto r = compare_groups(slow, base, {});
    detected += r.significant && r.ratio > 1 ? 1 : 0;
    mde_sum += r.mde.value_or(1.0);
  }
  CHECK(detected >= 95);
  CHECK(mde_sum / trials < 0.10);
}

TEST_CASE("planning: units needed follow the variance", "[stats][group_test]") {
  const int few = processes_for(0.0002, 2, 0.03, 0.05, 0.8);
  const int many = processes_for(0.02, 2, 0.03, 0.05, 0.8);
  CHECK(few >= 2);
  CHECK(many > few);
  CHECK(processes_for(0.0, 2, 0.03, 0.05, 0.8) == 2);
  CHECK(processes_for(2.0, 2, 0.001, 0.05, 0.8, 50) == 50);
}

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gbench/serve/arrivals.hpp"

using gbench::serve::poisson_arrivals;

TEST_CASE("serve: Poisson arrivals are seeded: the same seed gives the same schedule, another seed another",
          "[serve]") {
  poisson_arrivals a(100, 7);
  poisson_arrivals b(100, 7);
  poisson_arrivals c(100, 8);
  int same_as_other_seed = 0;
  for (int i = 0; i < 1000; ++i) {
    const double x = a.next_gap_s();
    CHECK(x == b.next_gap_s());
    same_as_other_seed += x == c.next_gap_s() ? 1 : 0;
  }
  CHECK(same_as_other_seed == 0);
}

TEST_CASE("serve: each gap comes from the engine's raw output, whose sequence the standard fixes", "[serve]") {
  // The C++ standard: the 10000th output of a default-constructed mt19937_64 is 9981545732273789042.
  std::mt19937_64 engine;
  engine.discard(9999);
  const std::uint64_t tenth_thousand = engine();
  REQUIRE(tenth_thousand == 9981545732273789042ULL);
  poisson_arrivals a(2.0, std::mt19937_64::default_seed);
  for (int i = 0; i < 9999; ++i) {
    (void)a.next_gap_s();
  }
  CHECK(a.next_gap_s() == poisson_arrivals::gap_of(tenth_thousand, 2.0));
  // u = (top 52 bits + 1/2) / 2^52: never 0 or 1, so every gap is finite and positive.
  CHECK(poisson_arrivals::gap_of(0, 1.0) == Approx(53 * std::log(2.0)).epsilon(1e-12));
  CHECK(poisson_arrivals::gap_of(~0ULL, 1.0) > 0);
  CHECK(poisson_arrivals::gap_of(~0ULL, 1.0) < 1e-15);
}

TEST_CASE("serve: the gaps are exponential at the rate: mean 1/rate, CV 1, 63% below the mean", "[serve]") {
  constexpr double rate = 250;
  poisson_arrivals a(rate, 42);
  constexpr int n = 200000;
  double sum = 0;
  double sum2 = 0;
  int below = 0;
  for (int i = 0; i < n; ++i) {
    const double g = a.next_gap_s();
    sum += g;
    sum2 += g * g;
    below += g < 1 / rate ? 1 : 0;
  }
  const double mean = sum / n;
  const double sd = std::sqrt(sum2 / n - mean * mean);
  CHECK(mean == Approx(1 / rate).epsilon(0.01));
  CHECK(sd / mean == Approx(1.0).epsilon(0.02));
  CHECK(static_cast<double>(below) / n == Approx(1 - std::exp(-1.0)).margin(0.005));
}

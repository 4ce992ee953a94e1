// stats/summary: the summary statistics of a set of samples, and Welford's running mean and variance.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "gbench/stats/summary.hpp"

using namespace gbench::stats;

TEST_CASE("summary of fixed samples matches values computed by hand", "[stats]") {
  // Sorted: 1 2 3 4 5 6 7 8 9 10.
  const std::vector<double> samples{7, 1, 10, 3, 5, 2, 9, 4, 8, 6};
  const auto s = summarize(samples);
  CHECK(s.count == 10);
  CHECK(s.min == 1);
  CHECK(s.max == 10);
  CHECK(s.mean == Approx(5.5));
  CHECK(s.median == Approx(5.5));
  // Linear interpolation: position q*(n-1) in the sorted list.
  CHECK(s.q1 == Approx(3.25));  // 0.25*9 = 2.25 -> 3 + 0.25
  CHECK(s.q3 == Approx(7.75));  // 6.75 -> 7 + 0.75
  CHECK(s.iqr == Approx(4.5));
  CHECK(s.p90 == Approx(9.1));  // 8.1 -> 9 + 0.1
  CHECK(s.p99 == Approx(9.91)); // 8.91 -> 9 + 0.91
  // Sample standard deviation of 1..10: sqrt(82.5/9).
  CHECK(s.stddev == Approx(3.0276503541));
  CHECK(s.cv == Approx(3.0276503541 / 5.5));
}

TEST_CASE("Welford stays exact where the naive formula cancels", "[stats]") {
  gbench::stats::welford w;
  for (const double x : {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}) {
    w.add(x);
  }
  CHECK(w.mean() == Approx(1e9 + 10));
  CHECK(w.variance() == Approx(30.0)); // deviations -6 -3 3 6: 90 / 3
}

TEST_CASE("one sample has no spread, and none is an error", "[stats]") {
  const std::vector<double> one{42};
  const auto s = summarize(one);
  CHECK(s.median == 42);
  CHECK(s.stddev == 0);
  CHECK(s.iqr == 0);
  CHECK_THROWS_AS(summarize(std::vector<double>{}), std::invalid_argument);
}

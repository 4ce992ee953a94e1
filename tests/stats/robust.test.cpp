// stats/robust: trimmed means, winsorized variances, the trimmed tests and the robust fences.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gbench/error.hpp"
#include "gbench/stats/robust.hpp"

using namespace gbench::stats;

TEST_CASE("trimmed mean and winsorized variance match SciPy", "[stats][robust]") {
  const std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
  CHECK(trimmed_mean(x) == Approx(5.5));                      // scipy.stats.trim_mean(x, 0.2)
  CHECK(winsorized_variance(x) == Approx(4.722222222222222)); // var(mstats.winsorize(x, (0.2, 0.2)), ddof=1)
  CHECK(trimmed_mean(std::vector<double>{1, 2, 30}) == Approx(11.0)); // fewer than five: nothing cut
  CHECK_THROWS_AS(trimmed_mean(std::vector<double>{}), gbench::input_error);
  CHECK_THROWS_AS(trimmed_mean(x, 0.5), gbench::input_error);
}

TEST_CASE("the trimmed tests need two values a side and reduce to the plain t below five", "[stats][robust]") {
  const auto t = trimmed_one_sample(std::vector<double>{0.01, 0.03, 0.02});
  CHECK(t.trimmed == 0);
  CHECK(t.df == 2);
  CHECK(t.estimate == Approx(0.02));
  CHECK(t.se == Approx(0.01 / std::sqrt(3.0)));
  CHECK_THROWS_AS(trimmed_one_sample(std::vector<double>{1.0}), gbench::input_error);
  CHECK_THROWS_AS(trimmed_two_sample(std::vector<double>{1.0, 2.0}, std::vector<double>{1.0}), gbench::input_error);
}

TEST_CASE("robust fences flag the far value, none among few or identical", "[stats][robust]") {
  const std::vector<double> est{28.0, 28.2, 27.9, 28.1, 37.4, 28.0};
  CHECK(beyond_fences(est) == std::vector<bool>{false, false, false, false, true, false});
  CHECK(beyond_fences(std::vector<double>{1, 2}) == std::vector<bool>{false, false});
  CHECK(beyond_fences(std::vector<double>{5, 5, 5, 9}) == std::vector<bool>{false, false, false, false});
}

// stats/distributions: Student's t, the normal quantile and the incomplete beta function, against SciPy.
#include <catch2/catch.hpp>

#include "gbench/error.hpp"
#include "gbench/stats/distributions.hpp"

using namespace gbench::stats;

TEST_CASE("Student's t and the normal quantile agree with SciPy", "[stats][processes]") {
  CHECK(student_t_cdf(2.0, 5) == Approx(0.9490302605850708).epsilon(1e-10));
  CHECK(student_t_cdf(-1.3, 2.5) == Approx(0.15024339463535416).epsilon(1e-9));
  CHECK(student_t_quantile(0.975, 10) == Approx(2.228138851986274).epsilon(1e-9));
  CHECK(student_t_quantile(0.8, 4) == Approx(0.9409645772351816).epsilon(1e-9));
  CHECK(student_t_quantile(0.025, 10) == Approx(-2.228138851986274).epsilon(1e-9));
  // Tails too small for 1 - p to exist in a double (--alpha 1e-30) keep their precision.
  CHECK(student_t_sf(30.0, 8) == Approx(8.26762837589488e-10).epsilon(1e-8));
  CHECK(student_t_upper_quantile(5e-31, 8) == Approx(13525.466226557179).epsilon(1e-8));
  CHECK(student_t_upper_quantile(0.025, 10) == Approx(2.2281388519862753).epsilon(1e-9));
  CHECK(student_t_upper_quantile(0.975, 10) == Approx(-2.2281388519862753).epsilon(1e-9));
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-12));
  CHECK(normal_quantile(1e-6) == Approx(-4.753424308822899).epsilon(1e-10));
  CHECK(incomplete_beta(0.3, 2.5, 3.5) == Approx(0.29675298929566646).epsilon(1e-10));
  CHECK_THROWS_AS(student_t_quantile(1.0, 3), gbench::input_error);
}

#include "gbench/stats/distributions.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "gbench/error.hpp"

// Hand-written rather than Boost.Math: the aarch64 cross build finds its libraries through Debian multiarch,
// where Boost's CMake package is architecture-specific; these three functions are short and tested against
// SciPy's values.
namespace gbench::stats {

namespace {

// Continued fraction of the incomplete beta function (modified Lentz), as in Numerical Recipes' betacf.
double beta_continued_fraction(double x, double a, double b) {
  constexpr int max_iterations = 300;
  constexpr double eps = 1e-15;
  constexpr double tiny = 1e-300;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::abs(d) < tiny) {
    d = tiny;
  }
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= max_iterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    d = std::abs(d) < tiny ? tiny : d;
    c = 1.0 + aa / c;
    c = std::abs(c) < tiny ? tiny : c;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    d = std::abs(d) < tiny ? tiny : d;
    c = 1.0 + aa / c;
    c = std::abs(c) < tiny ? tiny : c;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1.0) < eps) {
      break;
    }
  }
  return h;
}

} // namespace

double incomplete_beta(double x, double a, double b) {
  if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1)) {
    throw input_error(fmt::format("incomplete_beta: x = {}, a = {}, b = {}; need x in [0, 1] and a, b > 0", x, a, b));
  }
  if (x == 0 || x == 1) {
    return x;
  }
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  // The continued fraction converges fast for x below the mean; use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) above.
  if (x < (a + 1.0) / (a + b + 2.0)) {
    return front * beta_continued_fraction(x, a, b) / a;
  }
  return 1.0 - front * beta_continued_fraction(1.0 - x, b, a) / b;
}

namespace {

void check_degrees_of_freedom(double df, const char* what) {
  if (!(df > 0)) {
    throw input_error(fmt::format("{}: {} degrees of freedom; need more than 0", what, df));
  }
}

// P(T > |t|), computed directly so that tiny tails keep their precision.
double tail_beyond(double t, double df) {
  if (std::isinf(t)) {
    return 0.0;
  }
  return 0.5 * incomplete_beta(df / (df + t * t), df / 2.0, 0.5);
}

} // namespace

double student_t_cdf(double t, double df) {
  check_degrees_of_freedom(df, "student_t_cdf");
  const double tail = tail_beyond(t, df);
  return t > 0 ? 1.0 - tail : tail;
}

double student_t_sf(double t, double df) {
  check_degrees_of_freedom(df, "student_t_sf");
  const double tail = tail_beyond(t, df);
  return t > 0 ? tail : 1.0 - tail;
}

double student_t_upper_quantile(double tail, double df) {
  if (!(tail > 0 && tail < 1)) {
    throw input_error(fmt::format("student_t_upper_quantile: tail = {}; need a probability in (0, 1)", tail));
  }
  if (tail == 0.5) {
    return 0.0;
  }
  if (tail > 0.5) {
    return -student_t_upper_quantile(1.0 - tail, df);
  }
  // Bisection on the survival function, which keeps its precision where 1 - cdf would not.
  double lo = 0.0;
  double hi = 1.0;
  while (student_t_sf(hi, df) > tail && hi < 1e300) {
    hi *= 2.0;
  }
  for (int i = 0; i < 2000 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_sf(mid, df) > tail ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1)) {
    throw input_error(fmt::format("student_t_quantile: p = {}; need p in (0, 1)", p));
  }
  // The p-quantile is the t with P(T > t) = 1 - p; 1 - p is exact for p >= 0.5, and below it the lower tail is
  // the upper one mirrored.
  return p > 0.5 ? student_t_upper_quantile(1.0 - p, df) : -student_t_upper_quantile(p, df);
}

double normal_quantile(double p) {
  if (!(p > 0 && p < 1)) {
    throw input_error(fmt::format("normal_quantile: p = {}; need p in (0, 1)", p));
  }
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double low = 0.02425;
  double x = 0;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step against erfc brings the approximation to full precision.
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * 3.14159265358979323846) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

std::size_t uniform_index(std::mt19937_64& engine, std::size_t n) {
  const auto range = static_cast<std::uint64_t>(n);
  // 2^64 mod range: drawing below it would favour small indices.
  const std::uint64_t threshold = (std::uint64_t{0} - range) % range;
  for (;;) {
    const std::uint64_t x = engine();
    if (x >= threshold) {
      return static_cast<std::size_t>(x % range);
    }
  }
}

} // namespace gbench::stats

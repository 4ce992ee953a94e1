#pragma once

#include <cstddef>
#include <random>

namespace gbench::stats {

/// A uniform index in [0, n), n > 0, from the engine's raw 64-bit output, by rejection so that every index is
/// equally likely. std::uniform_int_distribution is not used: its algorithm differs between standard
/// libraries, and a bootstrap interval must not change with the toolchain.
std::size_t uniform_index(std::mt19937_64& engine, std::size_t n);

/// Regularized incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1].
double incomplete_beta(double x, double a, double b);

/// P(T <= t) for Student's t distribution with `df` > 0 degrees of freedom (df may be fractional, as in
/// Welch's test).
double student_t_cdf(double t, double df);

/// P(T > t), computed directly rather than as 1 - cdf, so that tiny tail probabilities keep their precision.
double student_t_sf(double t, double df);

/// The p-quantile of Student's t with `df` degrees of freedom, p in (0, 1).
double student_t_quantile(double p, double df);

/// The t with P(T > t) = tail, tail in (0, 1): the upper quantile for tails too small for 1 - tail to be told
/// from 1 in a double (a significance level of 1e-30, say).
double student_t_upper_quantile(double tail, double df);

/// The p-quantile of the standard normal distribution, p in (0, 1) (Acklam's rational approximation
/// refined by one Halley step: relative error below 1e-12).
double normal_quantile(double p);

} // namespace gbench::stats

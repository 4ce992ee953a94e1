#pragma once

namespace gbench::stats {

/// Regularized incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1].
double incomplete_beta(double x, double a, double b);

/// P(T <= t) for Student's t distribution with `df` > 0 degrees of freedom (df may be fractional, as in
/// Welch's test).
double student_t_cdf(double t, double df);

/// The p-quantile of Student's t with `df` degrees of freedom, p in (0, 1).
double student_t_quantile(double p, double df);

/// The p-quantile of the standard normal distribution, p in (0, 1) (Acklam's rational approximation
/// refined by one Halley step: relative error below 1e-12).
double normal_quantile(double p);

} // namespace gbench::stats

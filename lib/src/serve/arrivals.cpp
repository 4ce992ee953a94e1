#include "gbench/serve/arrivals.hpp"

#include <cmath>

namespace gbench::serve {

poisson_arrivals::poisson_arrivals(double rate_per_s, std::uint64_t seed) : rate_(rate_per_s), engine_(seed) {}

double poisson_arrivals::next_gap_s() {
  return gap_of(engine_(), rate_);
}

double poisson_arrivals::gap_of(std::uint64_t raw, double rate_per_s) {
  // Never 0 nor 1: the half step keeps the logarithm finite and no gap exactly zero. 52 bits, so that the sum with
  // the half step is exact in a double (53 bits plus the half would round the largest to 1).
  const double u = (static_cast<double>(raw >> 12U) + 0.5) * 0x1.0p-52;
  return -std::log(u) / rate_per_s;
}

} // namespace gbench::serve

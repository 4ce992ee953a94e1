#pragma once

#include <cstdint>
#include <random>

namespace gbench::serve {

/// Poisson arrivals at `rate` per second, as MLPerf Inference's Server scenario: independent exponential gaps.
/// The same seed gives the same schedule with every standard library: each gap comes from std::mt19937_64's raw
/// output (whose sequence the C++ standard fixes), not from std::exponential_distribution (whose algorithm it
/// does not).
class poisson_arrivals {
public:
  poisson_arrivals(double rate_per_s, std::uint64_t seed);

  /// The gap to the next arrival, in seconds.
  double next_gap_s();

  /// The exponential gap of one raw 64-bit draw: -ln(u) / rate, u = (top 52 bits + 1/2) / 2^52 in (0, 1).
  static double gap_of(std::uint64_t raw, double rate_per_s);

private:
  double rate_;
  std::mt19937_64 engine_;
};

} // namespace gbench::serve

#pragma once
// Synthetic process timings for the statistics' tests.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gbench/stats/processes.hpp"

namespace gbench_test {

// Synthetic timings, deterministic: every process has its own level (lognormal around `level`, spread
// `between_cv`) and its samples scatter around it (`within_cv`), as timings of one build on a noisy machine.
struct simulator {
  std::mt19937_64 engine;
  explicit simulator(std::uint64_t seed) : engine(seed) {}
  double normal() {
    const double u1 = (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53;
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.14159265358979 * u2);
  }
  std::vector<gbench::stats::process_samples> group(int processes, int samples, double level, double between_cv, double within_cv,
                                     std::size_t chunk = 50) {
    std::vector<gbench::stats::process_samples> g;
    for (int p = 0; p < processes; ++p) {
      const double process_level = level * std::exp(between_cv * normal());
      gbench::stats::process_samples s;
      s.chunk_size = chunk;
      for (int i = 0; i < samples; ++i) {
        s.samples.push_back(process_level * std::exp(within_cv * normal()));
      }
      g.push_back(std::move(s));
    }
    return g;
  }
};

inline gbench::stats::process_samples single(double x) { return {{x}, 0}; }

} // namespace gbench_test

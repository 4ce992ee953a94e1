// The plan of a lockstep run: the turn order, the turns' size, whether the workers fit together.
#include "gbench/run/lockstep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "gbench/error.hpp"

namespace gbench::run {

std::vector<std::vector<std::size_t>> turn_order(std::size_t workers, int cycles, std::uint64_t seed) {
  std::vector<std::vector<std::size_t>> out;
  if (workers == 0) {
    return out;
  }
  std::mt19937_64 engine(seed);
  // Uniform draws from the engine's raw output: std::shuffle's distribution differs between standard libraries,
  // and the same seed must give the same order everywhere.
  const auto shuffle = [&](auto& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      std::swap(v[i - 1], v[static_cast<std::size_t>(engine() % i)]);
    }
  };
  while (static_cast<int>(out.size()) < cycles) {
    std::vector<std::size_t> symbols(workers);
    std::iota(symbols.begin(), symbols.end(), 0);
    shuffle(symbols);
    std::vector<std::size_t> rows(workers);
    std::iota(rows.begin(), rows.end(), 0);
    shuffle(rows);
    // Row r of the cyclic square holds symbol (r + position) mod n at each position: every symbol once a row and
    // once a position; shuffling rows and symbols keeps that.
    for (std::size_t r = 0; r < workers && static_cast<int>(out.size()) < cycles; ++r) {
      std::vector<std::size_t> cycle(workers);
      for (std::size_t pos = 0; pos < workers; ++pos) {
        cycle[pos] = symbols[(rows[r] + pos) % workers];
      }
      out.push_back(std::move(cycle));
    }
  }
  return out;
}

std::int64_t forwards_per_turn(double turn_s, double forward_ns) {
  if (!(forward_ns > 0)) {
    return 1;
  }
  return std::max<std::int64_t>(1, std::llround(turn_s * 1e9 / forward_ns));
}

bool coresident_fit(const plan& p, std::int64_t available_bytes) {
  if (available_bytes <= 0) {
    return true;
  }
  const auto largest = p.batches.empty() ? 1 : *std::max_element(p.batches.begin(), p.batches.end());
  std::int64_t need = 0;
  const auto builds = static_cast<std::int64_t>(std::max<std::size_t>(1, p.builds.size()));
  for (const auto& m : p.models.size() > 1 ? p.models : std::vector{p.model}) {
    need += builds * static_cast<std::int64_t>(p.presets.size()) * m.estimate_bytes(largest);
  }
  return need <= available_bytes;
}

void settle_schedule(plan& p, std::int64_t available_bytes) {
  if (p.schedule == schedule::rounds) {
    return;
  }
  const std::size_t workers =
      p.presets.size() * std::max<std::size_t>(1, p.models.size()) * std::max<std::size_t>(1, p.builds.size());
  if (!coresident_fit(p, available_bytes)) {
    std::fprintf(stderr, "note: the %zu workers would not fit in memory together (%.1f GiB available): presets run "
                         "in rounds instead of lockstep\n",
                 workers, static_cast<double>(available_bytes) / (1024.0 * 1024 * 1024));
    p.schedule = schedule::rounds;
    return;
  }
  if (p.schedule == schedule::duet) {
    const auto threads = static_cast<std::size_t>(std::max(1, p.threads.value_or(1)));
    const std::size_t cpus = p.placement.order.size();
    if (cpus == 0 || threads * workers > cpus) {
      throw input_error(fmt::format("--schedule duet: {} workers of {} thread{} need {} CPUs of their own, but this run "
                                    "may use {}; give --threads 1, fewer presets, more CPUs (--cpus), or --schedule "
                                    "lockstep",
                                    workers, threads, threads == 1 ? "" : "s", threads * workers,
                                    cpus == 0 ? std::string("no fixed CPUs (--cpus none)") : std::to_string(cpus)));
    }
  }
}

} // namespace gbench::run

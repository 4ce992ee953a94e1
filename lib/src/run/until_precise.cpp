#include "gbench/run/until_precise.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "gbench/compare/engine.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::run {

namespace {

// Fewer units give an interval that can be confidently wrong: a process carries its own luck, and on some rows
// that luck has modes (x86-bf16 at batch 10, one thread, on an AMX guest: 7 of 17 process sets at 2.46-2.65x, the
// others at 2.79-2.98x). A run that stopped after three sets, all in the slow mode, said 2.52x [2.47, 2.57] where 17
// sets said 2.75x [2.67, 2.83]; with those modes three sets are all alike in about one run of four, five in one of
// twelve, and a mix widens the interval as it should.
constexpr int min_rounds = 5;
constexpr int max_rounds = 200;
constexpr std::uint64_t seed = 0x70726563; // fixed: the same runs give the same decision

std::vector<stats::process_samples> group_of(const std::vector<record::preset_run>& runs, const std::string& preset,
                                             std::int64_t batch) {
  std::vector<stats::process_samples> group;
  for (const auto& run : runs) {
    if (run.preset.name != preset) {
      continue;
    }
    for (const auto& b : run.batches) {
      if (const auto p = b.batch == batch ? compare::samples_of(b, run.repetition, run.design != record::design::rounds) : std::nullopt) {
        group.push_back(*p);
      }
    }
  }
  return group;
}

} // namespace

std::vector<stats::precision_row> precision_rows(const std::vector<record::preset_run>& runs,
                                                 const std::vector<std::int64_t>& batches,
                                                 const std::string& baseline) {
  std::vector<std::string> presets;
  for (const auto& run : runs) {
    if (std::find(presets.begin(), presets.end(), run.preset.name) == presets.end()) {
      presets.push_back(run.preset.name);
    }
  }
  const bool has_baseline = std::find(presets.begin(), presets.end(), baseline) != presets.end();
  std::vector<stats::precision_row> rows;
  for (const std::int64_t batch : batches) {
    for (const auto& preset : presets) {
      if (presets.size() > 1 && has_baseline) {
        if (preset != baseline) {
          rows.push_back({fmt::format("{} @ {}", preset, batch), group_of(runs, preset, batch),
                          group_of(runs, baseline, batch), batch});
        }
      } else {
        rows.push_back({fmt::format("{} @ {}", preset, batch), group_of(runs, preset, batch), {}, batch});
      }
    }
  }
  return rows;
}

until_precise::until_precise(const plan& p, double target, double max_time_s)
    : plan_(p), target_(target), max_time_s_(max_time_s), started_(std::chrono::steady_clock::now()) {
  outcome_.target = target;
}

std::optional<next_round> until_precise::operator()(const std::vector<record::preset_run>& runs, int rounds) {
  stats::process_test_options o;
  o.alpha = plan_.alpha;
  o.resamples = 1000;
  o.seed = seed;
  const auto rows = precision_rows(runs, plan_.batches, plan_.baseline);
  const auto status = stats::assess_precision(rows, target_, o);
  outcome_.rounds = rounds;
  outcome_.reached = status.worst;
  outcome_.widest = status.worst_row;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  // The next round is as long as the last one at most: rounds shorten as batches settle.
  const double per_round = last_ == std::chrono::steady_clock::time_point{}
                               ? elapsed / rounds
                               : std::chrono::duration<double>(now - last_).count();
  last_ = now;
  if (rounds >= min_rounds && status.worst <= target_) {
    outcome_.stopped = "precision reached";
    return std::nullopt;
  }
  if (elapsed + per_round > max_time_s_) {
    outcome_.stopped = fmt::format("time limit: another round (about {:.0f} s) would pass --max-time {:.0f} s; about "
                                   "{} processes a side would be needed",
                                   per_round, max_time_s_, status.processes_wanted);
    return std::nullopt;
  }
  if (rounds >= max_rounds) {
    outcome_.stopped = fmt::format("round limit: {} rounds", max_rounds);
    return std::nullopt;
  }
  outcome_.stopped = "running";
  return next_round{next_iterations(runs, rows, status.worst_row), open_batches(rows, status, rounds)};
}

std::vector<std::int64_t> until_precise::open_batches(const std::vector<stats::precision_row>& rows,
                                                      const stats::precision_status& status, int rounds) {
  // A batch whose every row is within the target (after the rounds a variance needs) is settled: the next
  // rounds measure only the others. Its figures stay as they are, from the rounds that settled it.
  std::vector<std::int64_t> open;
  for (const std::int64_t batch : plan_.batches) {
    bool settled = rounds >= min_rounds;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      settled = settled && (rows[i].batch != batch || status.widths.at(i) <= target_);
    }
    const bool known =
        std::any_of(outcome_.settled.begin(), outcome_.settled.end(), [&](const auto& s) { return s.batch == batch; });
    if (!settled) {
      open.push_back(batch);
    } else if (!known) {
      outcome_.settled.push_back({batch, rounds});
      if (plan_.progress) {
        std::fprintf(stderr,
                     "batch %lld settled after %d %s: every interval within +-%.1f%%; the next measure without it\n",
                     static_cast<long long>(batch), rounds,
                     plan_.schedule == schedule::rounds ? "rounds" : "process sets", 100.0 * target_);
      }
    }
  }
  return open;
}

int until_precise::next_iterations(const std::vector<record::preset_run>& runs,
                                   const std::vector<stats::precision_row>& rows, const std::string& widest) const {
  // The next round's length: from the widest row's preset, its variance components and what a process costs
  // beyond its timed forwards (start, model, warm-up).
  double timed_s = 0;
  double wall_s = 0;
  for (const auto& run : runs) {
    wall_s += run.wall_s;
    for (const auto& b : run.batches) {
      for (const auto ns : b.samples_ns) {
        timed_s += static_cast<double>(ns) * 1e-9;
      }
    }
  }
  const double overhead_s = std::max(0.0, (wall_s - timed_s) / static_cast<double>(std::max<std::size_t>(1, runs.size())));
  int iterations = plan_.iterations;
  for (const auto& row : rows) {
    if (row.name != widest || row.preset.size() < 2) {
      continue;
    }
    const auto c = stats::estimate_components(row.preset);
    const double forward_s = c.grand_mean * 1e-9;
    const double chunk_s = forward_s * c.samples_per_chunk;
    const int chunks = stats::optimal_chunks(c, overhead_s / static_cast<double>(plan_.batches.size()), chunk_s, 3, 50);
    iterations = std::clamp(static_cast<int>(std::lround(chunks * c.samples_per_chunk)), 10, 1000000);
  }
  return iterations;
}

} // namespace gbench::run

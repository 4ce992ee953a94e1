#include "gbench/stats/group_test.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/stats/distributions.hpp"
#include "gbench/stats/robust.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::stats {

namespace {

void check_group(std::span<const process_samples> group, const char* what) {
  if (group.empty()) {
    throw input_error(fmt::format("{}: no processes; give at least one", what));
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (group[i].samples.empty()) {
      throw input_error(fmt::format("{}: process {} has no samples", what, i + 1));
    }
    for (const double x : group[i].samples) {
      if (!std::isfinite(x) || x <= 0) {
        throw input_error(fmt::format("{}: process {} holds {}; timings must be finite and positive", what, i + 1, x));
      }
    }
  }
}

// Each round's (or set's) process, when no round holds two of one group and none is unknown; else empty.
std::map<std::size_t, std::size_t> by_round(std::span<const process_samples> g) {
  std::map<std::size_t, std::size_t> out;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (g[i].round == 0 || !out.emplace(g[i].round, i).second) {
      return {};
    }
  }
  return out;
}

// Indices (into a, b) of the processes of each round both groups hold, in round order.
std::vector<std::pair<std::size_t, std::size_t>> common_rounds(std::span<const process_samples> a,
                                                               std::span<const process_samples> b) {
  const auto ra = by_round(a);
  const auto rb = by_round(b);
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (const auto& [round, i] : ra) {
    if (const auto it = rb.find(round); it != rb.end()) {
      out.emplace_back(i, it->second);
    }
  }
  return out;
}

std::vector<double> logs_of_estimates(std::span<const process_samples> g) {
  std::vector<double> out;
  out.reserve(g.size());
  for (const auto& p : g) {
    out.push_back(std::log(process_estimate(p)));
  }
  return out;
}

// Fills the test's figures from an estimate of the log difference with its standard error.
void conclude(group_comparison& r, const trimmed_estimate& t, const process_test_options& o) {
  r.ratio = std::exp(t.estimate);
  r.trimmed = t.trimmed;
  if (!(t.df > 0)) {
    r.ci_low = r.ci_high = r.ratio;
    return;
  }
  r.df = t.df;
  if (t.se > 0) {
    r.p_value = std::min(1.0, 2.0 * student_t_sf(std::abs(t.estimate) / t.se, t.df));
    const double t_conf = student_t_quantile(1.0 - (1.0 - o.confidence) / 2.0, t.df);
    r.ci_low = std::exp(t.estimate - t_conf * t.se);
    r.ci_high = std::exp(t.estimate + t_conf * t.se);
    const double factor = student_t_upper_quantile(o.alpha / 2.0, t.df) + student_t_quantile(o.power, t.df);
    r.mde = std::expm1(factor * t.se);
  } else {
    // No spread at all: the sides equal each other exactly, or they differ without any noise.
    r.p_value = t.estimate == 0 ? 1.0 : 0.0;
    r.ci_low = r.ci_high = r.ratio;
    r.mde = 0.0;
  }
  r.unit_variance = t.se * t.se * static_cast<double>(r.units);
  r.significant = *r.p_value < o.alpha;
}

void add_outliers(group_comparison& r, std::span<const double> values, int side,
                  const std::vector<std::size_t>& rounds) {
  const auto far = beyond_fences(values);
  const double centre = median(std::vector<double>(values.begin(), values.end()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (far[i]) {
      r.outliers.push_back({.side = side, .round = rounds[i], .count = 1, .of = values.size(),
                            .deviation = std::expm1(values[i] - centre)});
    }
  }
}

std::vector<std::size_t> rounds_of(std::span<const process_samples> g) {
  std::vector<std::size_t> out;
  for (const auto& p : g) {
    out.push_back(p.round);
  }
  return out;
}

// Each cycle's log ratio of the neighbouring turns' medians (a over b), in cycle order.
std::vector<double> cycle_log_ratios(const process_samples& a, const process_samples& b) {
  const auto ma = chunk_medians(a.samples, a.chunk_size);
  const auto mb = chunk_medians(b.samples, b.chunk_size);
  std::vector<double> out;
  for (std::size_t k = 0; k < std::min(ma.size(), mb.size()); ++k) {
    out.push_back(std::log(ma[k] / mb[k]));
  }
  return out;
}

void lockstep_test(group_comparison& r, std::span<const process_samples> a, std::span<const process_samples> b,
                   const process_test_options& o) {
  std::vector<double> sets;
  for (const auto& [ia, ib] : common_rounds(a, b)) {
    const auto cycles = cycle_log_ratios(a[ia], b[ib]);
    if (cycles.empty()) {
      continue;
    }
    sets.push_back(trimmed_mean(cycles, o.trim));
    const auto far = beyond_fences(cycles);
    const auto n = static_cast<std::size_t>(std::count(far.begin(), far.end(), true));
    if (n > 0) {
      r.outliers.push_back({.side = 2, .round = a[ia].round, .count = n, .of = cycles.size(), .deviation = 0});
    }
  }
  r.units = sets.size();
  if (sets.size() < 2) {
    r.ratio = r.ci_low = r.ci_high = sets.empty() ? 1.0 : std::exp(sets.front());
    return;
  }
  // The sets are few (3 to 5): none is cut. The episodes are handled inside each set.
  conclude(r, trimmed_one_sample(sets, 0.0), o);
}

void rounds_test(group_comparison& r, std::span<const process_samples> a, std::span<const process_samples> b,
                 const process_test_options& o) {
  const auto la = logs_of_estimates(a);
  const auto lb = logs_of_estimates(b);
  std::vector<double> diffs;
  std::vector<std::size_t> rounds;
  for (const auto& [ia, ib] : common_rounds(a, b)) {
    diffs.push_back(la[ia] - lb[ib]);
    rounds.push_back(a[ia].round);
  }
  r.units = diffs.size();
  add_outliers(r, diffs, 2, rounds);
  conclude(r, trimmed_one_sample(diffs, o.trim), o);
}

void independent_test(group_comparison& r, std::span<const process_samples> a, std::span<const process_samples> b,
                      const process_test_options& o) {
  const auto la = logs_of_estimates(a);
  const auto lb = logs_of_estimates(b);
  r.units = std::min(la.size(), lb.size());
  r.sides = 2;
  add_outliers(r, la, 0, rounds_of(a));
  add_outliers(r, lb, 1, rounds_of(b));
  if (la.size() < 2 || lb.size() < 2) {
    r.ratio = r.ci_low = r.ci_high = std::exp(trimmed_mean(la, o.trim) - trimmed_mean(lb, o.trim));
    return;
  }
  conclude(r, trimmed_two_sample(la, lb, o.trim), o);
}

} // namespace

pairing pairing_of(std::span<const process_samples> a, std::span<const process_samples> b) {
  const auto all_lockstep = [](std::span<const process_samples> g) {
    return std::all_of(g.begin(), g.end(), [](const process_samples& p) { return p.lockstep; });
  };
  const auto pairs = common_rounds(a, b);
  const bool one_to_one = pairs.size() == a.size() && pairs.size() == b.size();
  if (all_lockstep(a) && all_lockstep(b) && one_to_one && !pairs.empty()) {
    return pairing::lockstep;
  }
  return one_to_one && pairs.size() >= 2 ? pairing::rounds : pairing::independent;
}

group_comparison compare_groups(std::span<const process_samples> a, std::span<const process_samples> b,
                                const process_test_options& o) {
  check_group(a, "compare_groups (first group)");
  check_group(b, "compare_groups (second group)");
  if (!(o.alpha > 0 && o.alpha < 1) || !(o.confidence > 0 && o.confidence < 1) || !(o.power > 0 && o.power < 1)) {
    throw input_error(fmt::format("compare_groups: alpha {}, confidence {} and power {} must be in (0, 1)", o.alpha,
                                  o.confidence, o.power));
  }
  group_comparison r;
  r.pairing = pairing_of(a, b);
  switch (r.pairing) {
  case pairing::lockstep:
    lockstep_test(r, a, b, o);
    break;
  case pairing::rounds:
    rounds_test(r, a, b, o);
    break;
  case pairing::independent:
    independent_test(r, a, b, o);
    break;
  }
  return r;
}

int processes_for(double var, int sides, double target, double alpha, double power, int cap) {
  if (!(target > 0)) {
    return cap;
  }
  const double goal = std::log1p(target);
  for (int n = 2; n <= cap; ++n) {
    const double df = sides * (n - 1.0);
    const double factor = student_t_upper_quantile(alpha / 2.0, df) + student_t_quantile(power, df);
    if (factor * std::sqrt(var / n) <= goal) {
      return n;
    }
  }
  return cap;
}

int units_needed(const group_comparison& c, double target, double alpha, double power, int cap) {
  // Two independent groups: the unit variance is their sum, as processes_for takes it.
  return processes_for(c.unit_variance, c.sides, target, alpha, power, cap);
}

} // namespace gbench::stats

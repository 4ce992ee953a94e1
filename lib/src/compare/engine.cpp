#include "gbench/compare/engine.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/record/run.hpp"
#include "gbench/stats/compare.hpp"
#include "gbench/stats/group_test.hpp"
#include "gbench/stats/processes.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::compare {

metric parse_metric(std::string_view name) {
  for (const auto m : {metric::median, metric::p90, metric::p99, metric::throughput}) {
    if (name == name_of(m)) {
      return m;
    }
  }
  throw input_error(fmt::format("--metric: unknown metric '{}'; valid metrics: median, p90, p99, throughput", name));
}

std::string_view name_of(metric m) {
  switch (m) {
  case metric::median:
    return "median";
  case metric::p90:
    return "p90";
  case metric::p99:
    return "p99";
  case metric::throughput:
    return "throughput";
  }
  return "?";
}

bool higher_is_better(metric m) { return m == metric::throughput; }

std::optional<stats::process_samples> samples_of(const record::batch_result& r, int round, bool lockstep) {
  if (!r.ok || r.samples_ns.empty()) {
    return std::nullopt;
  }
  return stats::process_samples{std::vector<double>(r.samples_ns.begin(), r.samples_ns.end()),
                                static_cast<std::size_t>(std::max<std::int64_t>(0, r.chunk_size)),
                                static_cast<std::size_t>(std::max(0, round)), lockstep};
}

void check(const settings& s) {
  if (!(s.alpha > 0 && s.alpha < 1)) {
    throw input_error(
        fmt::format("--alpha: {} is not a significance level; give a value in (0, 1), e.g. 0.05", s.alpha));
  }
  if (!(s.threshold >= 0 && std::isfinite(s.threshold))) {
    throw input_error(
        fmt::format("--threshold: {}% is not a threshold; give a percentage >= 0, e.g. 5", 100 * s.threshold));
  }
  if (!(s.confidence > 0 && s.confidence < 1)) {
    throw input_error(fmt::format("confidence {} is not in (0, 1)", s.confidence));
  }
}

namespace {

double metric_value(std::span<const double> samples, std::int64_t batch, metric m) {
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  switch (m) {
  case metric::median:
    return stats::quantile_sorted(sorted, 0.5);
  case metric::p90:
    return stats::quantile_sorted(sorted, 0.9);
  case metric::p99:
    return stats::quantile_sorted(sorted, 0.99);
  case metric::throughput:
    return static_cast<double>(batch) * 1e9 / stats::quantile_sorted(sorted, 0.5);
  }
  return 0;
}

std::vector<double> pooled(const sample_groups& groups) {
  std::vector<double> out;
  for (const auto& g : groups) {
    out.insert(out.end(), g.samples.begin(), g.samples.end());
  }
  return out;
}

// The processes as the test across them takes them: for the median and throughput, each with its samples in
// chunks; for p90 and p99, each as its own metric.
sample_groups process_groups(const sample_groups& groups, std::int64_t batch, metric m) {
  if (m == metric::median || m == metric::throughput) {
    return groups;
  }
  sample_groups out;
  for (const auto& g : groups) {
    if (!g.samples.empty()) {
      out.push_back({{metric_value(g.samples, batch, m)}, 0, g.round});
    }
  }
  return out;
}

// Units a side that would see a change of `threshold`, from the variance the test saw; three (the fewest that
// estimate a variance with some use) when it saw none.
int units_needed(const stats::group_comparison& c, double threshold, const settings& s) {
  const int n = c.unit_variance > 0 ? stats::units_needed(c, std::max(threshold, 0.01), s.alpha, 0.8, 100) : 3;
  return std::max(3, n);
}

std::string test_words(const stats::group_comparison& c, std::size_t na, std::size_t nb) {
  if (!c.p_value) {
    return c.pairing == stats::pairing::lockstep
               ? fmt::format("no test: {} process set{} (the sets' spread is not known)", c.units, c.units == 1 ? "" : "s")
               : fmt::format("no test: {} vs {} processes (their spread is not known)", nb, na);
  }
  const bool trimmed = c.trimmed > 0;
  switch (c.pairing) {
  case stats::pairing::lockstep:
    return fmt::format("t across {} process set{} of the 20%-trimmed mean of each set's cycle log ratios", c.units,
                       c.units == 1 ? "" : "s");
  case stats::pairing::rounds:
    return trimmed ? fmt::format("Yuen's 20%-trimmed t on {} rounds' paired log differences", c.units)
                   : fmt::format("paired t on {} rounds' log differences", c.units);
  case stats::pairing::independent:
    return fmt::format("{} on log process estimates ({} vs {} processes)",
                       trimmed ? "Yuen's 20%-trimmed t" : "Welch's t", nb, na);
  }
  return "?";
}

std::string outlier_words(const stats::outlier& o, stats::pairing p) {
  if (o.side == 2 && p == stats::pairing::lockstep) {
    return fmt::format("set {}: {} of {} cycles beyond the robust fences (turns that straddled a slow episode)",
                       o.round, o.count, o.of);
  }
  if (o.side == 2) {
    return fmt::format("round {}: its difference {:+.1f}% from the rounds' median (one of its processes ran "
                       "through a slow episode)",
                       o.round, 100.0 * o.deviation);
  }
  return fmt::format("{} process{}: {:+.1f}% from its side's median, beyond the robust fences (a slow episode)",
                     o.side == 0 ? "candidate" : "baseline",
                     o.round > 0 ? fmt::format(" of round {}", o.round) : std::string(), 100.0 * o.deviation);
}

// For a tail quantile, whether the samples as a whole moved significantly the other way from the change
// (the candidate's forwards faster while its p99 rose, or the reverse).
bool tail_disagrees(const record::comparison& r, metric m, double alpha, bool worse) {
  if (m != metric::p90 && m != metric::p99) {
    return false;
  }
  const bool samples_slower = r.z_samples > 0;
  return r.p_value_samples < alpha && samples_slower != worse;
}

void decide(record::comparison& r, const stats::group_comparison& c, metric m, const settings& s) {
  const double delta = r.ratio - 1.0;
  const bool worse = higher_is_better(m) ? delta < -s.threshold : delta > s.threshold;
  const bool better = higher_is_better(m) ? delta > s.threshold : delta < -s.threshold;
  if (!r.p_value) {
    r.verdict = record::verdict::inconclusive;
    r.runs_needed = units_needed(c, s.threshold, s);
    const bool sets = c.pairing == stats::pairing::lockstep;
    r.note = sets ? fmt::format("inconclusive: {} process set{}, at least {} needed to tell a change from process luck",
                                c.units, c.units == 1 ? "" : "s", r.runs_needed)
                  : fmt::format("inconclusive: {} vs {} run{} a side, at least {} needed to tell a change from "
                                "process luck",
                                r.processes_baseline, r.processes_candidate,
                                std::max(r.processes_baseline, r.processes_candidate) == 1 ? "" : "s", r.runs_needed);
  } else if (!r.enough_samples) {
    r.verdict = record::verdict::too_few_samples;
    r.significant = false; // nothing can be said
    r.note = fmt::format("{} vs {} samples: the test cannot reach alpha {} with so few, whatever the difference; "
                         "raise --iters",
                         r.samples_baseline, r.samples_candidate, s.alpha);
  } else if (r.significant && (worse || better) && tail_disagrees(r, m, s.alpha, worse)) {
    // A p99 that rose while the whole distribution moved faster is noise in the tail, not a regression.
    r.verdict = record::verdict::unchanged;
    r.note = fmt::format("{} {} by {:.1f}% but the samples as a whole got {} (Mann-Whitney z = {:+.2f}): counted as "
                         "unchanged",
                         name_of(m), delta > 0 ? "rose" : "fell", 100 * std::abs(delta),
                         r.z_samples > 0 ? "slower" : "faster", r.z_samples);
  } else if (r.significant && (worse || better)) {
    r.verdict = worse ? record::verdict::worse : record::verdict::better;
  } else {
    r.verdict = record::verdict::unchanged;
    if (r.significant) {
      r.note = fmt::format("significant but within the {:.1f}% threshold", 100.0 * s.threshold);
    }
  }
}

} // namespace

record::comparison compare_samples(const sample_groups& baseline, const sample_groups& candidate,
                                   std::int64_t batch, metric m, const settings& s) {
  const auto base = pooled(baseline);
  const auto cand = pooled(candidate);
  record::comparison r;
  r.metric = std::string(name_of(m));
  r.samples_baseline = base.size();
  r.samples_candidate = cand.size();
  const auto mw = stats::mann_whitney_u(cand, base); // throws on an empty side
  r.p_value_samples = mw.p_value;
  r.z_samples = mw.z;
  r.enough_samples = stats::enough_samples_for(base.size(), cand.size(), s.alpha);
  const auto base_groups = process_groups(baseline, batch, m);
  const auto cand_groups = process_groups(candidate, batch, m);
  r.processes_baseline = static_cast<int>(base_groups.size());
  r.processes_candidate = static_cast<int>(cand_groups.size());
  stats::process_test_options o;
  o.alpha = s.alpha;
  o.confidence = s.confidence;
  o.resamples = s.resamples;
  o.seed = s.seed ^ static_cast<std::uint64_t>(batch);
  const auto c = stats::compare_groups(cand_groups, base_groups, o);
  r.design = c.pairing == stats::pairing::lockstep ? (s.duet ? record::design::duet : record::design::lockstep)
             : c.pairing == stats::pairing::rounds ? record::design::rounds
                                                   : record::design::independent;
  r.test = test_words(c, cand_groups.size(), base_groups.size());
  r.units = static_cast<int>(c.units);
  for (const auto& out : c.outliers) {
    r.outliers.push_back(outlier_words(out, c.pairing));
  }
  // The central values the ratio is of: for the median and throughput, the baseline's processes' mean estimate
  // and the candidate's at the test's ratio; for p90 and p99, the mean of the processes' own metric.
  double base_value = 0;
  for (const auto& g : base_groups) {
    base_value += m == metric::median || m == metric::throughput ? stats::process_estimate(g) : g.samples.front();
  }
  base_value /= static_cast<double>(base_groups.size());
  const double time_ratio = c.ratio; // candidate / baseline time, or of the tail metric
  const bool throughput = m == metric::throughput;
  r.baseline_value = throughput ? static_cast<double>(batch) * 1e9 / base_value : base_value;
  r.candidate_value = throughput ? r.baseline_value / time_ratio : base_value * time_ratio;
  // Throughput is batch / time: its ratio is the inverse of the times' ratio.
  r.ratio = throughput ? 1.0 / time_ratio : time_ratio;
  r.speedup = 1.0 / time_ratio;
  if (c.p_value) {
    r.ratio_low = throughput ? 1.0 / c.ci_high : c.ci_low;
    r.ratio_high = throughput ? 1.0 / c.ci_low : c.ci_high;
    r.speedup_low = 1.0 / c.ci_high;
    r.speedup_high = 1.0 / c.ci_low;
  }
  r.p_value = c.p_value;
  r.mde = c.mde;
  r.significant = c.significant;
  decide(r, c, m, s);
  return r;
}

} // namespace gbench::compare

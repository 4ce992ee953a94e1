#include "gbench/compare/engine.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/record/run.hpp"
#include "gbench/stats/compare.hpp"
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

std::optional<stats::process_samples> samples_of(const record::batch_result& r, int round) {
  if (!r.ok || r.samples_ns.empty()) {
    return std::nullopt;
  }
  return stats::process_samples{std::vector<double>(r.samples_ns.begin(), r.samples_ns.end()),
                                static_cast<std::size_t>(std::max<std::int64_t>(0, r.chunk_size)),
                                static_cast<std::size_t>(std::max(0, round))};
}

std::string_view name_of(verdict v) {
  switch (v) {
  case verdict::better:
    return "better";
  case verdict::worse:
    return "worse";
  case verdict::unchanged:
    return "unchanged";
  case verdict::too_few_samples:
    return "too few samples";
  case verdict::inconclusive:
    return "inconclusive";
  }
  return "?";
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

// Processes a side that would see a change of `threshold`: from the variance between the processes of a side
// that has two or more, else three (the fewest that estimate it with some use).
int runs_needed(const sample_groups& a, const sample_groups& b, double threshold, const settings& s) {
  double var = 0;
  for (const auto* g : {&a, &b}) {
    if (g->size() >= 2) {
      std::vector<double> est;
      for (const auto& p : *g) {
        est.push_back(stats::process_estimate(p));
      }
      var = std::max(var, stats::log_variance(est));
    }
  }
  return var > 0 ? std::max(3, stats::processes_needed(var, var, std::max(threshold, 0.01), s.alpha, 0.8, 100)) : 3;
}

// For a tail quantile, whether the samples as a whole moved significantly the other way from the change
// (the candidate's forwards faster while its p99 rose, or the reverse).
bool tail_disagrees(const change& r, metric m, double alpha, bool worse) {
  if (m != metric::p90 && m != metric::p99) {
    return false;
  }
  const bool samples_slower = r.z > 0;
  return r.p_value < alpha && samples_slower != worse;
}

} // namespace

change compare_samples(const sample_groups& baseline, const sample_groups& candidate, std::int64_t batch, metric m,
                       const settings& s) {
  const auto base = pooled(baseline);
  const auto cand = pooled(candidate);
  change r;
  r.n_baseline = base.size();
  r.n_candidate = cand.size();
  const auto test = stats::mann_whitney_u(cand, base); // throws on an empty side
  r.baseline_value = metric_value(base, batch, m);
  r.candidate_value = metric_value(cand, batch, m);
  r.ratio = r.candidate_value / r.baseline_value;
  r.p_value = test.p_value;
  r.z = test.z;
  r.enough_samples = stats::enough_samples_for(r.n_baseline, r.n_candidate, s.alpha);
  const auto base_groups = process_groups(baseline, batch, m);
  const auto cand_groups = process_groups(candidate, batch, m);
  r.samples_only = std::min(base_groups.size(), cand_groups.size()) < 2;
  stats::process_test_options o;
  o.alpha = s.alpha;
  o.confidence = s.confidence;
  o.resamples = s.resamples;
  o.seed = s.seed ^ static_cast<std::uint64_t>(batch);
  const auto c = stats::compare_groups(cand_groups, base_groups, o);
  const bool by_estimate = m == metric::median || m == metric::throughput;
  if (by_estimate) {
    const double base_estimate = stats::estimate_group(base_groups, {.alpha = s.alpha, .confidence = s.confidence,
                                                                     .power = 0.8, .resamples = 1, .seed = 0})
                                     .estimate;
    const double cand_estimate = base_estimate * c.ratio;
    const bool throughput = m == metric::throughput;
    r.baseline_value = throughput ? static_cast<double>(batch) * 1e9 / base_estimate : base_estimate;
    r.candidate_value = throughput ? static_cast<double>(batch) * 1e9 / cand_estimate : cand_estimate;
    r.ratio = throughput ? 1.0 / c.ratio : c.ratio;
    // Throughput is batch / time: its ratio is the inverse of the times' ratio.
    r.ratio_low = throughput ? 1.0 / c.ci_high : c.ci_low;
    r.ratio_high = throughput ? 1.0 / c.ci_low : c.ci_high;
  } else if (!r.samples_only) {
    r.ratio = c.ratio;
    r.ratio_low = c.ci_low;
    r.ratio_high = c.ci_high;
  }
  r.runs_p_value = c.p_value;
  r.paired = c.paired;
  r.mde = c.mde;
  if (c.p_value) {
    r.runs_z = c.ratio > 1.0 ? 1.0 : -1.0; // the candidate's processes slower (> 0) or faster
  }
  r.significant = c.significant;

  const double delta = r.ratio - 1.0;
  const bool higher_better = higher_is_better(m);
  const bool worse = higher_better ? delta < -s.threshold : delta > s.threshold;
  const bool better = higher_better ? delta > s.threshold : delta < -s.threshold;
  if (r.samples_only) {
    r.verdict = verdict::inconclusive;
    r.runs_needed = runs_needed(base_groups, cand_groups, s.threshold, s);
    r.note = fmt::format("inconclusive: {} vs {} run{} a side, at least {} needed to tell a change from process luck",
                         base_groups.size(), cand_groups.size(),
                         std::max(base_groups.size(), cand_groups.size()) == 1 ? "" : "s", r.runs_needed);
  } else if (!r.enough_samples) {
    r.verdict = verdict::too_few_samples;
    r.significant = false; // nothing can be said
    r.note = fmt::format("{} vs {} samples: the test cannot reach alpha {} with so few, whatever the difference; "
                         "raise --iters",
                         r.n_baseline, r.n_candidate, s.alpha);
  } else if (r.significant && (worse || better) && tail_disagrees(r, m, s.alpha, worse)) {
    // A p99 that rose while the whole distribution moved faster is noise in the tail, not a regression.
    r.verdict = verdict::unchanged;
    r.note = fmt::format("{} {} by {:.1f}% but the samples as a whole got {} (Mann-Whitney z = {:+.2f}): counted as "
                         "unchanged",
                         name_of(m), delta > 0 ? "rose" : "fell", 100 * std::abs(delta), r.z > 0 ? "slower" : "faster",
                         r.z);
  } else if (r.significant && (worse || better)) {
    r.verdict = worse ? verdict::worse : verdict::better;
  } else {
    r.verdict = verdict::unchanged;
    if (r.significant) {
      r.note = fmt::format("significant across runs but within the {:.1f}% threshold", 100.0 * s.threshold);
    }
  }
  return r;
}

} // namespace gbench::compare

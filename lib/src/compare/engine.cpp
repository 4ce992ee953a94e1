#include "gbench/compare/engine.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/stats/compare.hpp"
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
    out.insert(out.end(), g.begin(), g.end());
  }
  return out;
}

// The metric of each process on its own.
std::vector<double> per_process(const sample_groups& groups, std::int64_t batch, metric m) {
  std::vector<double> out;
  for (const auto& g : groups) {
    if (!g.empty()) {
      out.push_back(metric_value(g, batch, m));
    }
  }
  return out;
}

// Across processes: the samples' verdict must hold between the processes' own metrics too.
void test_across_processes(const sample_groups& baseline, const sample_groups& candidate, std::int64_t batch,
                           metric m, const settings& s, change& r, std::string& note) {
  const auto base_runs = per_process(baseline, batch, m);
  const auto cand_runs = per_process(candidate, batch, m);
  r.samples_only = !stats::enough_samples_for(base_runs.size(), cand_runs.size(), s.alpha);
  if (r.samples_only) {
    if (base_runs.size() >= 2 && cand_runs.size() >= 2) {
      note = fmt::format("{} vs {} runs are too few to test across processes at alpha {}; the verdict rests on the "
                         "samples alone, which do not see differences between processes",
                         base_runs.size(), cand_runs.size(), s.alpha);
    }
    return;
  }
  const auto across = stats::mann_whitney_u(cand_runs, base_runs);
  r.runs_p_value = across.p_value;
  // For throughput a larger value is faster: turn the sign so that z > 0 means slower for every metric.
  r.runs_z = higher_is_better(m) ? -across.z : across.z;
  if (r.significant && across.p_value >= s.alpha) {
    note = fmt::format("the samples differ (p = {:.2g}) but the {} vs {} runs do not (p = {:.2g}): the difference "
                       "lies between processes, not between baseline and candidate",
                       r.p_value, base_runs.size(), cand_runs.size(), across.p_value);
  }
  r.significant = r.significant && across.p_value < s.alpha;
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
  r.significant = test.p_value < s.alpha;
  r.enough_samples = stats::enough_samples_for(r.n_baseline, r.n_candidate, s.alpha);
  std::string runs_note;
  test_across_processes(baseline, candidate, batch, m, s, r, runs_note);
  if (m == metric::median || m == metric::throughput) {
    const auto ci = stats::bootstrap_median_ratio(cand, base, s.confidence, s.resamples,
                                                  s.seed ^ static_cast<std::uint64_t>(batch));
    // Throughput is batch / median: its ratio is the inverse of the medians' ratio.
    r.ratio_low = m == metric::median ? ci.low : 1.0 / ci.high;
    r.ratio_high = m == metric::median ? ci.high : 1.0 / ci.low;
  }

  const double delta = r.ratio - 1.0;
  const bool higher_better = higher_is_better(m);
  const bool worse = higher_better ? delta < -s.threshold : delta > s.threshold;
  const bool better = higher_better ? delta > s.threshold : delta < -s.threshold;
  // The test says whether the candidate's forwards as a whole got slower (z > 0) or faster; a worse metric
  // counts only when the test agrees. A p99 that rose while the whole distribution moved faster is noise in
  // the tail, not a regression.
  const bool slower = test.z > 0;
  if (!r.enough_samples) {
    r.verdict = verdict::too_few_samples;
    r.note = fmt::format("{} vs {} samples: the test cannot reach alpha {} with so few, whatever the difference; "
                         "raise --iters",
                         r.n_baseline, r.n_candidate, s.alpha);
  } else if (!r.significant || !(worse || better)) {
    r.verdict = verdict::unchanged;
  } else if (worse == slower && (!r.runs_z || (*r.runs_z > 0) == slower)) {
    r.verdict = worse ? verdict::worse : verdict::better;
  } else {
    r.verdict = verdict::unchanged;
    r.note = fmt::format("{} {} by {:.1f}% but the samples as a whole got {} (Mann-Whitney z = {:+.2f}): counted as "
                         "unchanged",
                         name_of(m), delta > 0 ? "rose" : "fell", 100 * std::abs(delta), slower ? "slower" : "faster",
                         test.z);
  }
  // Too few runs matters only where the samples alone gave a verdict.
  const bool decided = r.verdict == verdict::worse || r.verdict == verdict::better;
  if (r.note.empty() && (decided || !r.samples_only)) {
    r.note = runs_note;
  }
  return r;
}

} // namespace gbench::compare

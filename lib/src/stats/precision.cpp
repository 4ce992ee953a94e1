#include "gbench/stats/precision.hpp"

#include <algorithm>
#include <cmath>

#include "gbench/stats/distributions.hpp"
#include "gbench/stats/group_test.hpp"

namespace gbench::stats {

namespace {

double half_width(double estimate, double low, double high) {
  return std::max(high / estimate - 1.0, 1.0 - low / estimate);
}

} // namespace

precision_status assess_precision(const std::vector<precision_row>& rows, double target,
                                  const process_test_options& o) {
  precision_status s;
  s.worst = 0;
  for (const auto& row : rows) {
    double width = std::numeric_limits<double>::infinity();
    int wanted = 2;
    if (row.baseline.empty()) {
      if (row.preset.size() >= 2) {
        const auto g = estimate_group(row.preset, o);
        width = half_width(g.estimate, g.ci_low, g.ci_high);
        const double var = log_variance(g.process_estimates);
        // One group: its mean's t interval.
        const double t = student_t_quantile(1.0 - (1.0 - o.confidence) / 2.0, static_cast<double>(row.preset.size() - 1));
        width = std::max(width, std::expm1(t * std::sqrt(var / static_cast<double>(row.preset.size()))));
        wanted = processes_for(var, 1, target, 1.0 - o.confidence, 0.5);
      }
    } else if (!row.preset.empty() && !row.baseline.empty()) {
      const auto c = compare_groups(row.baseline, row.preset, o);
      if (c.p_value) {
        width = half_width(c.ratio, c.ci_low, c.ci_high);
        // Units for a t interval within +-target: power 0.5 leaves only the interval's own quantile.
        wanted = units_needed(c, target, 1.0 - o.confidence, 0.5);
      } else {
        wanted = c.pairing == pairing::lockstep ? 3 : 2;
      }
    }
    s.widths.push_back(width);
    if (width > s.worst || s.worst_row.empty()) {
      s.worst = std::max(s.worst, width);
      s.worst_row = row.name;
      s.processes_wanted = wanted;
    }
  }
  if (rows.empty()) {
    s.worst = std::numeric_limits<double>::infinity();
  }
  return s;
}

} // namespace gbench::stats

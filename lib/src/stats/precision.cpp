#include "gbench/stats/precision.hpp"

#include <algorithm>
#include <cmath>

#include "gbench/stats/distributions.hpp"

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
    } else if (row.preset.size() >= 2 && row.baseline.size() >= 2) {
      const auto c = compare_groups(row.baseline, row.preset, o);
      width = half_width(c.ratio, c.ci_low, c.ci_high);
      if (c.t_low && c.t_high) {
        const double centre = std::sqrt(*c.t_low * *c.t_high); // the t interval is symmetric in logs
        width = std::max(width, half_width(centre, *c.t_low, *c.t_high));
      }
      // Processes for a t interval within +-target: power 0.5 leaves only the interval's own quantile.
      wanted = processes_needed(c, target, 1.0 - o.confidence, 0.5);
    }
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

#include "gbench/report/profile_text.hpp"

#include <fmt/format.h>

#include "gbench/profile/aggregate.hpp"
#include "gbench/report/columns.hpp"

namespace gbench::report {

void write_profile_tables(const record::report& r, const profile_view& view, std::ostream& out) {
  for (const auto& run : r.runs) {
    if (run.repetition != 1) {
      continue;
    }
    for (const auto& b : run.batches) {
      if (!b.ok || !b.profile) {
        continue;
      }
      const auto& p = *b.profile;
      out << fmt::format("\n{} @ batch {}: {} profiled forwards inside record_function(\"mymodel_inference\")\n",
                         run.model.empty() ? run.preset.name : run.model + " " + run.preset.name, b.batch,
                         p.samples_ns.size());
      out << profile::format_table(p.table, view.sort_by, view.row_limit, view.by_shape);
      if (!p.samples_ns.empty()) {
        out << fmt::format("median per forward: {} profiled, {} unprofiled ({:+.1f}% profiler overhead)\n",
                           format_duration_ns(p.summary_ns.median), format_duration_ns(b.summary_ns.median),
                           100.0 * (p.summary_ns.median / b.summary_ns.median - 1.0));
      }
    }
  }
}

} // namespace gbench::report

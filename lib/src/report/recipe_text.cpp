#include "gbench/report/recipe_text.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace gbench::report {

namespace {

std::string measured_text(const record::recipe_row& r) {
  if (!r.speedup) {
    return "-";
  }
  if (r.speedup_low && r.speedup_high) {
    return fmt::format("{:.2f}x [{:.2f}, {:.2f}]", *r.speedup, *r.speedup_low, *r.speedup_high);
  }
  return fmt::format("{:.2f}x", *r.speedup);
}

} // namespace

void print_recipe(const record::recipe_check& check, std::ostream& out) {
  out << fmt::format("The recipe's published ratios on this {} ({})\n", check.arch, check.cpu_model);
  out << fmt::format("published: {}\n\n", check.source);
  std::size_t name_width = 5;
  for (const auto& r : check.rows) {
    name_width = std::max(name_width, r.name.size());
  }
  out << fmt::format("{:<{}}  {:>9}  {:>23}  {}\n", "claim", name_width, "published", "measured [95% interval]",
                     "verdict");
  for (const auto& r : check.rows) {
    out << fmt::format("{:<{}}  {:>8.2f}x  {:>23}  {}\n", r.name, name_width, r.published_ratio, measured_text(r),
                       r.verdict);
    out << fmt::format("    {} vs {} @{}: {}\n", r.preset, r.baseline, r.batch, r.reason);
  }
  if (!check.report.empty()) {
    out << fmt::format("\nfull report: {}\n", check.report);
  }
}

} // namespace gbench::report

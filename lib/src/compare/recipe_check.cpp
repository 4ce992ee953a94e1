#include "gbench/compare/recipe_check.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/compare/preset_comparison.hpp"
#include "gbench/evidence/cross_check.hpp"

namespace gbench::compare {

namespace {

// The report's comparisons against each baseline a claim names, computed once each.
class comparisons {
public:
  explicit comparisons(const record::report& r) : report_(r) {}

  const record::preset_comparison* find(const std::string& preset, const std::string& baseline, std::int64_t batch) {
    auto it = by_baseline_.find(baseline);
    if (it == by_baseline_.end()) {
      auto copy = report_;
      copy.settings.baseline = baseline;
      it = by_baseline_.emplace(baseline, compare_presets(copy)).first;
    }
    for (const auto& row : it->second) {
      if (row.preset == preset && row.batch == batch) {
        return &row;
      }
    }
    return nullptr;
  }

private:
  const record::report& report_;
  std::map<std::string, std::vector<record::preset_comparison>> by_baseline_;
};

// What the evidence of `preset` at `batch` showed: each layer's route, or that there is none.
std::string routes_of(const record::report& r, const std::string& preset, std::int64_t batch) {
  for (const auto& run : r.runs) {
    if (run.preset.name != preset || !run.evidence) {
      continue;
    }
    const std::string blas = run.libtorch ? run.libtorch->blas : std::string{};
    for (const auto& e : run.evidence->batches) {
      if (e.batch == batch && e.ok && !e.routes.empty()) {
        std::vector<std::string> parts;
        for (const auto& route : e.routes) {
          parts.push_back(evidence::describe_route(route, blas));
        }
        return fmt::format("{} at {}: {}", preset, batch, fmt::join(parts, "; "));
      }
    }
  }
  return fmt::format("{} at {}: no evidence (run with --verify)", preset, batch);
}

std::string inert_needs(const config::recipe_claim& c, const record::report& r) {
  std::vector<std::string> inert;
  for (const auto& knob : c.needs) {
    const auto v = std::find_if(r.context.knobs.begin(), r.context.knobs.end(),
                                [&](const record::knob_verdict& k) { return k.knob == knob; });
    if (v != r.context.knobs.end() && !v->effective) {
      inert.push_back(fmt::format("{} is inert here ({})", knob, v->reason));
    }
  }
  return fmt::format("{}", fmt::join(inert, "; "));
}

void measure(record::recipe_row& row, comparisons& all, const record::report& r) {
  const auto* found = all.find(row.preset, row.baseline, row.batch);
  if (found == nullptr || !found->ok || !found->vs_baseline) {
    row.verdict = "not measured";
    row.reason = found == nullptr ? fmt::format("the run has no {} against {} at batch {}", row.preset,
                                                row.baseline, row.batch)
                                  : fmt::format("{} at batch {}: {}", row.preset, row.batch,
                                                found->ok ? "no comparison" : found->error);
    return;
  }
  const auto& c = *found->vs_baseline;
  row.speedup = c.speedup;
  row.speedup_low = c.speedup_low;
  row.speedup_high = c.speedup_high;
  row.verdict = ratio_verdict(row.published_ratio, c.speedup, c.speedup_low, c.speedup_high);
  row.reason = routes_of(r, row.preset, row.batch);
}

} // namespace

std::string ratio_verdict(double published, double speedup, std::optional<double> low, std::optional<double> high) {
  const double lo = low.value_or(speedup);
  const double hi = high.value_or(speedup);
  return published >= lo && published <= hi ? "reproduced" : "different";
}

record::recipe_check check_recipe(const config::recipe& recipe, const record::report& report) {
  record::recipe_check out;
  out.source = recipe.source;
  out.arch = report.context.host.arch;
  out.cpu_model = report.context.host.cpu_model;
  comparisons all(report);
  for (const auto& claim : recipe.claims) {
    record::recipe_row row{.name = claim.name,
                           .preset = claim.preset,
                           .baseline = claim.baseline,
                           .batch = claim.batch,
                           .published_ratio = claim.ratio(),
                           .published = claim.published,
                           .speedup = {},
                           .speedup_low = {},
                           .speedup_high = {},
                           .verdict = {},
                           .reason = {},
                           .stands_in_for = {}};
    measure(row, all, report);
    const auto inert = inert_needs(claim, report);
    if (!inert.empty() && row.verdict != "not measured") {
      row.verdict = "not applicable";
      row.reason = fmt::format("{}; evidence: {}", inert, routes_of(report, row.preset, row.batch));
    }
    const auto stand_in = claim.stand_in.find(out.arch);
    const bool stands_in = row.verdict == "not applicable" && stand_in != claim.stand_in.end();
    if (stands_in) {
      row.reason += fmt::format("; {} stands in (next row)", stand_in->second);
    }
    out.rows.push_back(row);
    if (stands_in) {
      record::recipe_row s = row;
      s.name = fmt::format("{} (stand-in: {})", claim.name, stand_in->second);
      s.preset = stand_in->second;
      s.stands_in_for = claim.name;
      s.speedup.reset();
      s.speedup_low.reset();
      s.speedup_high.reset();
      measure(s, all, report);
      out.rows.push_back(std::move(s));
    }
  }
  return out;
}

} // namespace gbench::compare

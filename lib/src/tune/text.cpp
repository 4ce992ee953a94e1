#include "gbench/tune/text.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/report/columns.hpp"

namespace gbench::tune {

namespace {

void write_finalists(const batch_outcome& o, std::ostream& out) {
  out << "  finalists of the last race (mean of the processes' lowest chunk medians):\n";
  const double best = o.finalists.front().estimate_ns;
  for (std::size_t i = 0; i < o.finalists.size(); ++i) {
    const auto& f = o.finalists[i];
    out << fmt::format("    {}. {:<48} {:>12}  {:+.1f}%  {} processes{}\n", i + 1, f.id,
                       report::format_duration_ns(f.estimate_ns), best > 0 ? 100.0 * (f.estimate_ns / best - 1.0) : 0.0,
                       f.processes, f.within_tolerance ? "  (within tolerance)" : "");
  }
}

void write_outcome(const batch_outcome& o, std::ostream& out) {
  out << fmt::format("\nbatch {}\n", o.batch);
  out << fmt::format("  winner: {}", o.winner);
  if (o.vs_default && o.winner != "default") {
    const auto& c = *o.vs_default;
    out << fmt::format("  {:.3f}x default [{:.3f}, {:.3f}] ({}; {})", c.speedup, c.speedup_low.value_or(c.speedup),
                       c.speedup_high.value_or(c.speedup), report::verdict_text(c), o.basis);
  }
  out << '\n';
  if (!o.note.empty()) {
    out << fmt::format("  note: {}\n", o.note);
  }
  if (!o.finalists.empty()) {
    write_finalists(o, out);
  }
  if (!o.eliminated.empty()) {
    out << "  eliminated:\n";
    for (const auto& e : o.eliminated) {
      out << fmt::format("    {} (stage {}, round {}): {}\n", e.candidate, e.stage, e.round, e.reason);
    }
  }
  if (!o.rejected.empty()) {
    out << "  rejected by the accuracy guard:\n";
    for (const auto& e : o.rejected) {
      out << fmt::format("    {} (stage {}): {}\n", e.candidate, e.stage, e.reason);
    }
  }
}

// How the stages raced: lockstep or rounds, once per stage (its batches together), with the note of a fallback.
void write_designs(const search_result& r, std::ostream& out) {
  std::map<std::string, std::vector<const stage_record*>> by_stage;
  std::vector<std::string> order;
  for (const auto& s : r.stages) {
    if (s.rounds == 0) {
      continue; // it never raced
    }
    if (by_stage[s.name].empty()) {
      order.push_back(s.name);
    }
    by_stage[s.name].push_back(&s);
  }
  if (order.empty()) {
    return;
  }
  out << "\nraces\n";
  for (const auto& name : order) {
    const auto& first = *by_stage[name].front();
    int rounds = 0;
    for (const auto* s : by_stage[name]) {
      rounds = std::max(rounds, s->rounds);
    }
    out << fmt::format("  {}: {}", name,
                       first.design == "lockstep"
                           ? fmt::format("lockstep, {} process set{} of co-resident workers taking turns", rounds,
                                         rounds == 1 ? "" : "s")
                           : fmt::format("rounds, {} round{} of a process per candidate", rounds, rounds == 1 ? "" : "s"));
    out << (first.note.empty() ? std::string() : fmt::format(" (note: {})", first.note)) << '\n';
  }
}

std::string route_text(const record::layer_route& route) {
  return route.backend == "blas" ? fmt::format("{}->{} BLAS", route.in_features, route.out_features)
                                 : fmt::format("{}->{} {} {} ({})", route.in_features, route.out_features,
                                               route.backend == "onednn" ? "oneDNN" : route.backend,
                                               route.implementation, route.math);
}

// The route each candidate's screening saw, per batch: who served each Linear.
void write_routes(const search_result& r, std::ostream& out) {
  out << "\nroutes and accuracy seen by each candidate's screening process\n";
  for (const auto& p : r.processes) {
    if (!p.evidence) {
      continue;
    }
    out << fmt::format("  {}{}\n", p.candidate,
                       p.run.allocator ? fmt::format(" (allocator {})", p.run.allocator->name) : "");
    if (!p.run.ok) {
      out << fmt::format("    FAILED: {}\n", p.run.error);
    }
    if (!p.run.evidence) {
      continue;
    }
    for (const auto& e : p.run.evidence->batches) {
      if (!e.ok) {
        out << fmt::format("    batch {}: FAILED, {}\n", e.batch, e.error);
        continue;
      }
      std::vector<std::string> layers;
      for (const auto& route : e.routes) {
        layers.push_back(route_text(route));
      }
      out << fmt::format("    batch {}: {}; cosine {:.6f}, top-1 {:.1f}%\n", e.batch, fmt::join(layers, "; "),
                         e.accuracy.cosine, 100 * e.accuracy.top1_agreement);
    }
  }
}

} // namespace

void write_space_text(const search_space& space, const std::string& model, const search_options& options,
                      std::ostream& out) {
  out << fmt::format("tune: model {}, batches {}, strategy {}, {} knobs and settings, full grid {:.0f} "
                     "configurations\n",
                     model, fmt::join(options.batches, ","), options.strategy, space.dimensions.size(),
                     space.grid_points());
  for (const auto& d : space.dimensions) {
    std::vector<std::string> values;
    for (const auto& v : d.values) {
      values.push_back(v.empty() ? "(unset)" : v);
    }
    out << fmt::format("  search {:<30} group {:<10} {}\n", d.name, d.group, fmt::join(values, ", "));
  }
  for (const auto& p : space.pruned) {
    out << fmt::format("  not searched: {}: {}\n", p.name, p.reason);
  }
}

void write_result_text(const search_result& r, std::ostream& out) {
  for (const auto& o : r.outcomes) {
    write_outcome(o, out);
  }
  write_designs(r, out);
  write_routes(r, out);
  const auto screening = std::count_if(r.processes.begin(), r.processes.end(), [](const auto& p) { return p.evidence; });
  out << fmt::format(
      "\ntime: {:.0f} s for {} processes ({} screening, {} timed); the full grid of {:.0f} configurations, each "
      "screened and timed in as many processes as the winner ({} each), would take about {:.0f} s ({:.1f}x as long)\n",
      r.wall_s, r.processes.size(), screening, static_cast<std::ptrdiff_t>(r.processes.size()) - screening,
      r.space.grid_points(), r.processes_per_point, r.grid_estimate_s,
      r.wall_s > 0 ? r.grid_estimate_s / r.wall_s : 0.0);
}

} // namespace gbench::tune

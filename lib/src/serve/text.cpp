#include "gbench/serve/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/host/placement.hpp"
#include "gbench/report/text_table.hpp"

namespace gbench::serve {

namespace {

std::string ms(const std::optional<double>& v) {
  if (!v) {
    return "unbounded";
  }
  return *v >= 100 ? fmt::format("{:.1f}", *v) : *v >= 10 ? fmt::format("{:.2f}", *v) : fmt::format("{:.3f}", *v);
}

std::string ci(const figure& f, bool latency) {
  if (!f.ci95) {
    return f.value ? "-" : "";
  }
  return latency ? fmt::format("[{}, {}]", ms((*f.ci95)[0]), ms((*f.ci95)[1]))
                 : fmt::format("[{:.1f}, {:.1f}]", (*f.ci95)[0], (*f.ci95)[1]);
}

std::string rate(double r) {
  return r >= 100 ? fmt::format("{:.0f}", r) : fmt::format("{:.1f}", r);
}

std::string cpus_of(const std::vector<worker_info>& workers) {
  std::vector<std::string> sets;
  for (const auto& w : workers) {
    sets.push_back(w.cpus.empty() ? "any" : host::format_cpu_list(w.cpus));
  }
  return fmt::format("{}", fmt::join(sets, " | "));
}

std::string shares(const point& p, bool busy) {
  std::vector<std::string> parts;
  for (const auto& w : p.workers) {
    parts.push_back(fmt::format("{:.0f}", 100 * (busy ? w.busy : w.share)));
  }
  return fmt::format("{}", fmt::join(parts, "/"));
}

std::string price_text(const settings& st) {
  if (!st.price_per_hour) {
    return "";
  }
  return fmt::format(" at {} {}/h{}", st.currency, *st.price_per_hour,
                     st.instance_type.empty() ? "" : fmt::format(" ({})", st.instance_type));
}

} // namespace

std::string heading(const serve_report& r) {
  const auto& s = r.settings;
  return fmt::format("serve: model {}, batch {}, preset {}, splits {}, {}; load average {:.1f}\n", r.model.name,
                     s.batch, s.preset.name, fmt::join(s.splits, ", "),
                     s.target_ms ? fmt::format("p99 target {} ms", *s.target_ms) : std::string("no p99 target"),
                     r.conditions.load_average_start);
}

std::string split_table(const split_result& s, const settings& st) {
  std::string out =
      fmt::format("\nsplit {}x{}: {} process{} of {} thread{}, CPUs {}\n", s.processes, s.threads, s.processes,
                  s.processes == 1 ? "" : "es", s.threads, s.threads == 1 ? "" : "s", cpus_of(s.workers));
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : s.points) {
    rows.push_back({p.load == "closed" ? fmt::format("closed, {} in flight", p.concurrency.value_or(0)) : "open",
                    p.rate ? rate(*p.rate) : "-", rate(p.throughput.value.value_or(0)), ci(p.throughput, false),
                    ms(p.latency_ms.p50.value), ms(p.latency_ms.p90.value), ms(p.latency_ms.p99.value),
                    ci(p.latency_ms.p99, true), ms(p.latency_ms.p999.value),
                    p.service_ms.contains("p50") ? ms(p.service_ms.at("p50")) : "-",
                    p.queue_ms.contains("p99") ? ms(p.queue_ms.at("p99")) : "-", shares(p, false), shares(p, true),
                    p.meets_target ? (*p.meets_target ? "yes" : "no") : "-", fmt::format("{:.1f}", p.load_average)});
  }
  out += report::aligned_table(
      {"load", "offered/s", "served/s", "95% CI", "p50 ms", "p90 ms", "p99 ms", "95% CI", "p99.9 ms", "service p50",
       "queue p99", "share %", "busy %", st.target_ms ? fmt::format("p99<={}", *st.target_ms) : "target", "load avg"},
      {false, true, true, false, true, true, true, false, true, true, true, false, false, false, true}, rows);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    if (!s.points[i].stopped.empty()) {
      out += fmt::format("  point {}: stopped early: {}\n", i + 1, s.points[i].stopped);
    }
  }
  for (const auto& w : s.workers) {
    if (!w.ok) {
      out += fmt::format("  worker {} failed: {}\n", w.index, w.error);
    }
  }
  if (s.status != "ok") {
    out += fmt::format("  split {}: {}\n", s.status, s.error);
  }
  return out;
}

std::string answer(const serve_report& r) {
  const auto& st = r.settings;
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : r.splits) {
    const point* b = s.best ? &s.points[*s.best] : nullptr;
    rows.push_back({fmt::format("{}x{}", s.processes, s.threads), s.status,
                    b ? rate(b->throughput.value.value_or(0)) : "-", b ? rate(b->samples_per_s) : "-",
                    b ? ms(b->latency_ms.p99.value) : "-", b ? ci(b->latency_ms.p99, true) : "",
                    s.cost_per_million ? fmt::format("{:.3f}", *s.cost_per_million) : "-"});
  }
  // Appended, not "\n" + table: GCC 12 warns (-Wrestrict) about the inlined operator+ of a literal and a temporary.
  std::string out = "\n";
  out += report::aligned_table(
      {"split", "status", "best served/s", "samples/s", "p99 ms", "95% CI", fmt::format("{}/million", st.currency)},
      {false, false, true, true, true, false, true}, rows);
  if (!r.recommendation) {
    out += st.target_ms ? fmt::format("no split served any rate within the p99 target of {} ms (see each split's "
                                      "service p50: a target below it cannot be met)\n",
                                      *st.target_ms)
                        : std::string("no split completed a load\n");
  } else {
    const auto& a = *r.recommendation;
    out += fmt::format("recommended: {}x{} ({} process{} of {} thread{}): {} requests/s ({} inferences/s) at p99 {} ms "
                       "{}{}{}\n",
                       a.processes, a.threads, a.processes, a.processes == 1 ? "" : "es", a.threads,
                       a.threads == 1 ? "" : "s", rate(a.throughput), rate(a.samples_per_s), ms(a.p99_ms.value),
                       ci(a.p99_ms, true), a.target_ms ? fmt::format(" within the {} ms target", *a.target_ms) : "",
                       a.cost_per_million ? fmt::format("; {} {:.3f} per million inferences{}", st.currency,
                                                        *a.cost_per_million, price_text(st))
                                          : "");
    out += fmt::format("  {}\n", a.line);
    for (const auto& setting : a.settings) {
      out += fmt::format("  and in each process: {}\n", setting);
    }
    out += fmt::format("  basis: {}\n", a.basis);
  }
  out += fmt::format("load average {:.1f} at the start, {:.1f} at the end; other work on these CPUs: {:.0f}% before, "
                     "{:.0f}% during (this tool's processes excluded)\n",
                     r.conditions.load_average_start, r.conditions.load_average_end,
                     100 * r.conditions.placement.other_load_before, 100 * r.conditions.placement.other_load_during);
  if (r.status == "interrupted") {
    out += "interrupted: the splits and loads above are what finished\n";
  }
  return out;
}

} // namespace gbench::serve

#include "gbench/record/comparison.hpp"

#include <array>

#include <fmt/format.h>

namespace gbench::record {

namespace {

constexpr std::array verdicts{verdict::better, verdict::worse, verdict::unchanged, verdict::too_few_samples,
                              verdict::inconclusive};
constexpr std::array designs{design::lockstep, design::duet, design::rounds, design::independent};

template <class Enum, std::size_t N> Enum parse_word(const node& n, const std::array<Enum, N>& all) {
  const std::string word = n.string();
  for (const auto e : all) {
    if (name_of(e) == word) {
      return e;
    }
  }
  std::string valid;
  for (const auto e : all) {
    valid += (valid.empty() ? "" : ", ") + std::string(name_of(e));
  }
  n.fail(fmt::format("unknown value \"{}\"; expected one of {}", word, valid));
}

nlohmann::json interval(const std::optional<double>& low, const std::optional<double>& high) {
  return low && high ? nlohmann::json{*low, *high} : nlohmann::json(nullptr);
}

void read_interval(const node& n, std::string_view key, std::optional<double>& low, std::optional<double>& high) {
  const auto m = n.find(key);
  if (!m) {
    return;
  }
  const auto bounds = m->elements();
  if (bounds.size() != 2) {
    m->fail_type("[low, high]");
  }
  low = bounds[0].number();
  high = bounds[1].number();
}

} // namespace

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

std::string_view name_of(design d) {
  switch (d) {
  case design::lockstep:
    return "lockstep";
  case design::duet:
    return "duet";
  case design::rounds:
    return "rounds";
  case design::independent:
    return "independent";
  }
  return "?";
}

void from_json(const node& n, design& out) { out = parse_word(n, designs); }
void from_json(const node& n, verdict& out) { out = parse_word(n, verdicts); }

nlohmann::json to_json(const comparison& c) {
  nlohmann::json j{{"metric", c.metric},
                   {"design", name_of(c.design)},
                   {"test", c.test},
                   {"baseline", c.baseline_value},
                   {"candidate", c.candidate_value},
                   {"ratio", c.ratio},
                   {"ratio_ci95", interval(c.ratio_low, c.ratio_high)},
                   {"change", c.ratio - 1.0},
                   {"speedup", c.speedup},
                   {"speedup_ci95", interval(c.speedup_low, c.speedup_high)},
                   {"processes", {c.processes_baseline, c.processes_candidate}},
                   {"units", c.units},
                   {"samples", {c.samples_baseline, c.samples_candidate}},
                   {"p_value", or_null(c.p_value)},
                   {"minimal_detectable_effect", or_null(c.mde)},
                   {"p_value_samples", c.p_value_samples},
                   {"z_samples", c.z_samples},
                   {"enough_samples", c.enough_samples},
                   {"significant", c.significant},
                   {"verdict", name_of(c.verdict)},
                   {"outliers", c.outliers},
                   {"note", c.note}};
  if (c.verdict == verdict::inconclusive) {
    j["runs_needed"] = c.runs_needed;
  }
  return j;
}

void from_json(const node& n, comparison& out) {
  read(n, "metric", out.metric);
  read(n, "design", out.design);
  read(n, "test", out.test);
  read(n, "baseline", out.baseline_value);
  read(n, "candidate", out.candidate_value);
  read(n, "ratio", out.ratio);
  read_interval(n, "ratio_ci95", out.ratio_low, out.ratio_high);
  read(n, "speedup", out.speedup);
  read_interval(n, "speedup_ci95", out.speedup_low, out.speedup_high);
  std::vector<int> processes;
  read(n, "processes", processes);
  if (processes.size() != 2) {
    n.at("processes").fail_type("[baseline, candidate]");
  }
  out.processes_baseline = processes[0];
  out.processes_candidate = processes[1];
  read(n, "units", out.units);
  std::vector<std::int64_t> samples;
  read(n, "samples", samples);
  if (samples.size() != 2 || samples[0] < 0 || samples[1] < 0) {
    n.at("samples").fail_type("[baseline, candidate]");
  }
  out.samples_baseline = static_cast<std::size_t>(samples[0]);
  out.samples_candidate = static_cast<std::size_t>(samples[1]);
  read_optional(n, "p_value", out.p_value);
  read_optional(n, "minimal_detectable_effect", out.mde);
  read(n, "p_value_samples", out.p_value_samples);
  read(n, "z_samples", out.z_samples);
  read(n, "enough_samples", out.enough_samples);
  read(n, "significant", out.significant);
  read(n, "verdict", out.verdict);
  read_optional(n, "runs_needed", out.runs_needed);
  read_optional(n, "outliers", out.outliers);
  read_optional(n, "note", out.note);
}

} // namespace gbench::record

#include "gbench/record/settings.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace gbench::record {

nlohmann::json to_json(const settings& s) {
  nlohmann::json j{{"batches", s.batches},
                   {"warmup", s.warmup},
                   {"iterations", s.iterations},
                   {"seed", s.seed},
                   {"repetitions", s.repetitions},
                   {"baseline", s.baseline},
                   {"alpha", s.alpha},
                   {"cosine_threshold", s.cosine_threshold},
                   {"threads", or_null(s.threads)},
                   {"managed_env", s.managed_env},
                   {"env_overrides", s.env_overrides}};
  if (s.warmup_auto) { // written only when asked for: reports of older versions read and written again stay the same
    j["warmup_auto"] = true;
  }
  if (s.timeout_s) {
    j["timeout_s"] = *s.timeout_s;
  }
  j["schedule"] = s.schedule;
  if (s.schedule != "rounds") {
    j["turn_s"] = s.turn_s;
    j["cycles"] = s.cycles;
  }
  return j;
}

void from_json(const node& n, settings& out) {
  read(n, "batches", out.batches);
  read_optional(n, "warmup", out.warmup);
  read_optional(n, "warmup_auto", out.warmup_auto);
  read_optional(n, "iterations", out.iterations);
  read_optional(n, "seed", out.seed);
  read_optional(n, "repetitions", out.repetitions);
  read_optional(n, "baseline", out.baseline);
  read_optional(n, "alpha", out.alpha);
  read_optional(n, "cosine_threshold", out.cosine_threshold);
  read_optional(n, "threads", out.threads);
  read_optional(n, "timeout_s", out.timeout_s);
  read_optional(n, "managed_env", out.managed_env);
  read_optional(n, "env_overrides", out.env_overrides);
  read_optional(n, "schedule", out.schedule);
  if (out.schedule != "rounds" && out.schedule != "lockstep" && out.schedule != "duet") {
    n.at("schedule").fail(fmt::format("expected \"rounds\", \"lockstep\" or \"duet\", found \"{}\"", out.schedule));
  }
  read_optional(n, "turn_s", out.turn_s);
  read_optional(n, "cycles", out.cycles);
}

nlohmann::json to_json(const precision_outcome& p) {
  return {{"target", p.target},
          {"reached", std::isfinite(p.reached) ? nlohmann::json(p.reached) : nlohmann::json(nullptr)},
          {"rounds", p.rounds},
          {"widest", p.widest},
          {"stopped", p.stopped},
          {"settled", [&] {
             auto a = nlohmann::json::array();
             for (const auto& b : p.settled) {
               a.push_back({{"batch", b.batch}, {"after", b.after}});
             }
             return a;
           }()}};
}

void from_json(const node& n, precision_outcome& out) {
  read(n, "target", out.target);
  out.reached = std::numeric_limits<double>::infinity();
  read_optional(n, "reached", out.reached);
  read(n, "rounds", out.rounds);
  read_optional(n, "widest", out.widest);
  read(n, "stopped", out.stopped);
  if (const auto settled = n.find("settled")) {
    for (const auto& b : settled->elements()) {
      precision_outcome::settled_batch x;
      read(b, "batch", x.batch);
      read(b, "after", x.after);
      out.settled.push_back(x);
    }
  }
}

nlohmann::json to_json(const run_conditions& c) {
  nlohmann::json j{{"cpus", c.cpus_mode},
                   {"cpu_order", c.cpu_order},
                   {"placement", c.placement_reason},
                   {"other_load_before", c.other_load_before},
                   {"steal_before", c.steal_before},
                   {"other_load_during", c.other_load_during},
                   {"steal_during", c.steal_during}};
  if (c.precision) {
    j["precision"] = to_json(*c.precision);
  }
  return j;
}

void from_json(const node& n, run_conditions& out) {
  read(n, "cpus", out.cpus_mode);
  read_optional(n, "cpu_order", out.cpu_order);
  read_optional(n, "placement", out.placement_reason);
  read_optional(n, "other_load_before", out.other_load_before);
  read_optional(n, "steal_before", out.steal_before);
  read_optional(n, "other_load_during", out.other_load_during);
  read_optional(n, "steal_during", out.steal_during);
  read_optional(n, "precision", out.precision);
}

} // namespace gbench::record

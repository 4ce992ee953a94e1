#include <nlohmann/json.hpp>

#include "gbench/record/run.hpp"
#include "gbench/tune/search.hpp"

namespace gbench::tune {

namespace {

nlohmann::json to_json(const elimination& e) {
  return {{"candidate", e.candidate}, {"batch", e.batch}, {"stage", e.stage}, {"round", e.round}, {"reason", e.reason}};
}

} // namespace

nlohmann::json to_json(const search_result& r) {
  nlohmann::json j;
  j["space"] = to_json(r.space);
  j["options"] = {{"batches", r.options.batches},
                  {"strategy", r.options.strategy},
                  {"alpha", r.options.rules.alpha},
                  {"tolerance", r.options.rules.tolerance},
                  {"halving", r.options.rules.halving},
                  {"budget_s", r.options.budget_s},
                  {"max_rounds", r.options.max_rounds},
                  {"cosine_threshold", r.options.cosine_threshold},
                  {"min_top1", r.options.min_top1},
                  {"schedule", r.options.schedule}};
  if (r.options.schedule == "lockstep") {
    j["options"]["turn_s"] = r.options.turn_s;
    j["options"]["cycles"] = r.options.cycles;
  }
  j["wall_s"] = r.wall_s;
  j["budget_spent"] = r.budget_spent;
  j["interrupted"] = r.interrupted;
  j["grid"] = {{"points", r.space.grid_points()},
               {"processes_per_point", r.processes_per_point},
               {"estimated_s", r.grid_estimate_s}};
  j["outcomes"] = nlohmann::json::array();
  for (const auto& o : r.outcomes) {
    nlohmann::json out{{"batch", o.batch},
                       {"winner", o.winner},
                       {"winner_preset", record::to_json(o.winner_preset)},
                       {"vs_default", o.vs_default ? record::to_json(*o.vs_default) : nlohmann::json(nullptr)},
                       {"basis", o.basis},
                       {"note", o.note},
                       {"finalists", nlohmann::json::array()},
                       {"eliminated", nlohmann::json::array()},
                       {"rejected", nlohmann::json::array()}};
    for (const auto& s : o.finalists) {
      out["finalists"].push_back(to_json(s));
    }
    for (const auto& e : o.eliminated) {
      out["eliminated"].push_back(to_json(e));
    }
    for (const auto& e : o.rejected) {
      out["rejected"].push_back(to_json(e));
    }
    j["outcomes"].push_back(std::move(out));
  }
  j["stages"] = nlohmann::json::array();
  for (const auto& s : r.stages) {
    nlohmann::json st{{"stage", s.name},   {"batch", s.batch},   {"candidates", s.candidates},
                      {"rounds", s.rounds}, {"design", s.design}, {"winner", s.winner},
                      {"why", s.why},       {"standings", nlohmann::json::array()}};
    if (!s.note.empty()) {
      st["note"] = s.note;
    }
    for (const auto& x : s.standings) {
      st["standings"].push_back(to_json(x));
    }
    j["stages"].push_back(std::move(st));
  }
  j["processes"] = nlohmann::json::array();
  for (const auto& p : r.processes) {
    j["processes"].push_back({{"stage", p.stage},
                              {"round", p.round},
                              {"candidate", p.candidate},
                              {"kind", p.evidence ? "evidence" : "timed"},
                              {"wall_s", p.wall_s},
                              {"run", record::to_json(p.run)}});
  }
  return j;
}

} // namespace gbench::tune

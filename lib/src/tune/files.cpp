#include "gbench/tune/files.hpp"

#include "gbench/host/placement.hpp"
#include "gbench/record/model.hpp"

namespace gbench::tune {

nlohmann::json report_json(const record::context& context, const run::plan& plan, const std::string& warmup,
                           const search_result& result) {
  nlohmann::json j;
  j["schema"] = "graviton-bench-tune";
  j["schema_version"] = 2;
  j["context"] = record::to_json(context);
  j["model"] = record::to_json(record::describe(plan.model));
  j["settings"] = {{"warmup", warmup},
                   {"iterations", plan.iterations},
                   {"min_time", plan.min_time},
                   {"seed", plan.seed},
                   {"timeout_s", plan.timeout >= 0 ? nlohmann::json(plan.timeout) : nlohmann::json(nullptr)},
                   {"placement", host::to_json(plan.placement)}};
  j["search"] = to_json(result);
  return j;
}

namespace {

nlohmann::ordered_json preset_item(const config::preset& p) {
  nlohmann::ordered_json item{{"name", p.name}, {"description", p.description}, {"env", p.env}};
  if (p.settings.matmul_precision) {
    item["matmul_precision"] = *p.settings.matmul_precision;
  }
  if (p.settings.threads) {
    item["threads"] = *p.settings.threads;
  }
  if (p.settings.allocator) {
    item["allocator"] = *p.settings.allocator;
  }
  if (p.settings.weights_dtype) {
    item["weights_dtype"] = *p.settings.weights_dtype;
  }
  return item;
}

nlohmann::ordered_json declaration_of(const config::knob& decl) {
  nlohmann::ordered_json d{{"description", decl.description}};
  if (!decl.values.empty()) {
    d["values"] = decl.values;
  }
  if (decl.integer) {
    d["integer"] = true;
  }
  return d;
}

} // namespace

nlohmann::ordered_json presets_file_of(const search_result& result, const config::preset_catalog& builtin,
                                       const config::preset_catalog& catalog) {
  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  nlohmann::ordered_json knobs = nlohmann::ordered_json::object();
  nlohmann::ordered_json presets = nlohmann::ordered_json::array();
  for (const auto& o : result.outcomes) {
    const auto& p = o.winner_preset;
    for (const auto& [k, v] : p.env) {
      const config::knob* decl = catalog.find_knob(k);
      if (builtin.find_knob(k) == nullptr && decl != nullptr) {
        knobs[k] = declaration_of(*decl);
      }
    }
    presets.push_back(preset_item(p));
  }
  if (!knobs.empty()) {
    j["knobs"] = knobs;
  }
  j["presets"] = presets;
  return j;
}

} // namespace gbench::tune

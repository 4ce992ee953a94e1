#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "gbench/config/preset.hpp"
#include "gbench/record/context.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/tune/search.hpp"

/// The files `tune` writes: the search as a report (--json, schemas/tune.schema.json) and the winners as presets
/// (--write-presets).
namespace gbench::tune {

/// The search report: its context, the model, the settings every process ran with (`warmup` as given), the search.
nlohmann::json report_json(const record::context& context, const run::plan& plan, const std::string& warmup,
                           const search_result& result);

/// A presets file holding each batch's winner as preset tuned-bN, with the declarations of the knobs they set that
/// `builtin` lacks (a file of the user's own, from `catalog`), so that it reads back on its own beside the built-in
/// presets.
nlohmann::ordered_json presets_file_of(const search_result& result, const config::preset_catalog& builtin,
                                       const config::preset_catalog& catalog);

} // namespace gbench::tune

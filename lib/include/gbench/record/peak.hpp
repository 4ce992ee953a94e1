#pragma once

#include <nlohmann/json.hpp>

#include "gbench/peak/peak.hpp"
#include "gbench/peak/roofline.hpp"
#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// Name and version of the peak figures' layout (README, "The machine's peak").
inline constexpr const char* peak_schema = "graviton-bench-peak";
inline constexpr int peak_schema_version = 1;

nlohmann::json to_json(const peak::gemm_figure& g);
void from_json(const node& n, peak::gemm_figure& out);
/// The figures with their schema and version first: a file of `peak --json`, the cache, or a report's
/// context.peak.
nlohmann::json to_json(const peak::figures& f);
void from_json(const node& n, peak::figures& out);
nlohmann::json to_json(const peak::roofline& r);
void from_json(const node& n, peak::roofline& out);

} // namespace gbench::record

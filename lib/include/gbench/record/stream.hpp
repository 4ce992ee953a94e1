#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "gbench/backend/libtorch.hpp"
#include "gbench/record/json_reader.hpp"

/// The stream a benchmark process writes, one JSON line per record as soon as it is complete, so that a
/// crash loses nothing already measured: "context" (process_context), then per batch "batch"
/// (batch_result) or "evidence" (batch_evidence), "huge_pages" after evidence, and "done" last. Each line
/// is a record's to_json with its "type" added.
namespace gbench::record {

/// What the benchmark process saw before it ran anything.
struct process_context {
  std::int64_t pid = 0;
  std::map<std::string, std::string> effective_env; ///< the managed knobs as the process saw them
  backend::libtorch_info libtorch;
};

/// Bytes of the process's memory in transparent huge pages, before the model was built and after.
struct huge_pages {
  std::optional<std::int64_t> before;
  std::optional<std::int64_t> after;
};

nlohmann::json to_json(const process_context& c);
void from_json(const node& n, process_context& out);
nlohmann::json to_json(const huge_pages& h);
void from_json(const node& n, huge_pages& out);

/// A line of the stream: the record's JSON with "type".
template <class T> nlohmann::json stream_line(const char* type, const T& record) {
  nlohmann::json j = to_json(record);
  j["type"] = type;
  return j;
}

} // namespace gbench::record

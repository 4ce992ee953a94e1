#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/evidence/knobs.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// The tool that wrote a report.
struct tool_info {
  std::string name = "graviton-bench";
  std::string version;
  std::string git_sha;
};

/// What a report was measured with and on: tool, time, command line, host, and the knobs' verdicts there.
struct context {
  tool_info tool;
  std::string date; ///< RFC 3339, UTC
  std::vector<std::string> command_line;
  host::host_info host;
  std::vector<evidence::knob_verdict> knobs; ///< what each knob can do on this host and LibTorch
};

/// This tool, now, on `host`, for `command_line`; knobs left empty.
context make_context(const host::host_info& host, const std::vector<std::string>& command_line);

/// The RFC 3339 UTC form of now, e.g. 2026-11-25T13:27:29Z.
std::string rfc3339_now();

nlohmann::json to_json(const tool_info& t);
void from_json(const node& n, tool_info& out);
nlohmann::json to_json(const host::host_info& h);
void from_json(const node& n, host::host_info& out);
nlohmann::json to_json(const evidence::knob_verdict& v);
void from_json(const node& n, evidence::knob_verdict& out);
nlohmann::json to_json(const context& c);
void from_json(const node& n, context& out);

} // namespace gbench::record

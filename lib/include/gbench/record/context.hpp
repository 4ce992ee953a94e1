#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/host/host_info.hpp"
#include "gbench/record/peak.hpp"
#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// Whether a knob can change how this model runs on this host with this LibTorch, and why.
struct knob_verdict {
  std::string knob;   ///< an environment variable, or "matmul_precision" for the LibTorch setting
  bool effective = false;
  std::string reason; ///< the facts or the observation it was decided from
  std::string basis = "facts"; ///< "facts" (host and build) or "probe" (a small matmul observed in a worker)
  bool emulated = false;       ///< the setting changed the data but not the arithmetic (bf16 data computed in fp32)
};

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
  std::vector<record::knob_verdict> knobs; ///< what each knob can do on this host and LibTorch
  std::optional<record::peak_figures> peak; ///< the host's ceilings, when known: every result then gets a roofline
  /// The invocation that wrote it, at random: the reports of the builds of one lockstep run share it, and only
  /// they may be compared cycle by cycle (docs/statistics.md).
  std::string session;
};

/// This tool, now, on `host`, for `command_line`; knobs left empty.
context make_context(const host::host_info& host, const std::vector<std::string>& command_line);

/// The RFC 3339 UTC form of now, e.g. 2026-11-25T13:27:29Z.
std::string rfc3339_now();

nlohmann::json to_json(const tool_info& t);
void from_json(const node& n, tool_info& out);
nlohmann::json to_json(const host::host_info& h);
void from_json(const node& n, host::host_info& out);
nlohmann::json to_json(const record::knob_verdict& v);
void from_json(const node& n, record::knob_verdict& out);
nlohmann::json to_json(const context& c);
void from_json(const node& n, context& out);

} // namespace gbench::record

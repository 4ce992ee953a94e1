#include "gbench/record/context.hpp"

#include <chrono>
#include <ctime>
#include <random>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "gbench/record/peak.hpp"
#include "gbench/version.hpp"

namespace gbench::record {

std::string rfc3339_now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

context make_context(const host::host_info& host, const std::vector<std::string>& command_line) {
  context c;
  c.tool = {"graviton-bench", gbench::version, gbench::git_sha};
  c.date = rfc3339_now();
  c.command_line = command_line;
  c.host = host;
  std::random_device entropy;
  c.session = fmt::format("{:08x}{:08x}", entropy(), entropy());
  return c;
}

nlohmann::json to_json(const tool_info& t) { return {{"name", t.name}, {"version", t.version}, {"git_sha", t.git_sha}}; }

void from_json(const node& n, tool_info& out) {
  read_optional(n, "name", out.name);
  read_optional(n, "version", out.version);
  read_optional(n, "git_sha", out.git_sha);
}

nlohmann::json to_json(const host::host_info& h) {
  nlohmann::json j{{"arch", h.arch},
          {"cpu_model", h.cpu_model},
          {"microarchitecture", h.microarchitecture},
          {"kernel", h.kernel},
          {"cores", h.cores},
          {"isa_features", h.isa_features},
          {"sve_vector_bits", or_null(h.sve_vector_bits)},
          {"thp_mode", h.thp_mode},
          {"mem_total_bytes", h.mem_total_bytes},
          {"mem_available_bytes", h.mem_available_bytes},
          {"load_average_1m", h.load_average}};
  if (!h.hostname.empty()) {
    j["hostname"] = h.hostname; // names the machine in a fleet; reports of older versions have none
  }
  return j;
}

void from_json(const node& n, host::host_info& out) {
  // What compare needs to tell two set-ups apart is required; the rest is read when there.
  read_optional(n, "hostname", out.hostname);
  read(n, "arch", out.arch);
  read(n, "cpu_model", out.cpu_model);
  read_optional(n, "microarchitecture", out.microarchitecture);
  read_optional(n, "kernel", out.kernel);
  read_optional(n, "cores", out.cores);
  read_optional(n, "isa_features", out.isa_features);
  read_optional(n, "sve_vector_bits", out.sve_vector_bits);
  read_optional(n, "thp_mode", out.thp_mode);
  read_optional(n, "mem_total_bytes", out.mem_total_bytes);
  read_optional(n, "mem_available_bytes", out.mem_available_bytes);
  read_optional(n, "load_average_1m", out.load_average);
}

nlohmann::json to_json(const record::knob_verdict& v) {
  nlohmann::json j{{"knob", v.knob},
                   {"verdict", v.effective ? "effective" : (v.emulated ? "emulated" : "inert")},
                   {"reason", v.reason}};
  if (v.basis != "facts") { // "facts" is what a report without the key means
    j["basis"] = v.basis;
  }
  return j;
}

void from_json(const node& n, record::knob_verdict& out) {
  read(n, "knob", out.knob);
  const auto verdict = n.at("verdict");
  const std::string word = verdict.string();
  if (word != "effective" && word != "inert" && word != "emulated") {
    verdict.fail(fmt::format("expected \"effective\", \"inert\" or \"emulated\", found \"{}\"", word));
  }
  out.effective = word == "effective";
  out.emulated = word == "emulated";
  read_optional(n, "reason", out.reason);
  read_optional(n, "basis", out.basis);
}

nlohmann::json to_json(const context& c) {
  nlohmann::json knobs = nlohmann::json::array();
  for (const auto& k : c.knobs) {
    knobs.push_back(to_json(k));
  }
  nlohmann::json j{{"tool", to_json(c.tool)},
                   {"date", c.date},
                   {"host", to_json(c.host)},
                   {"command_line", c.command_line},
                   {"knobs", std::move(knobs)}};
  if (c.peak) {
    j["peak"] = to_json(*c.peak);
  }
  if (!c.session.empty()) {
    j["session"] = c.session;
  }
  return j;
}

void from_json(const node& n, context& out) {
  n.expect_object();
  read(n, "host", out.host);
  read_optional(n, "tool", out.tool);
  read_optional(n, "date", out.date);
  read_optional(n, "command_line", out.command_line);
  read_optional(n, "knobs", out.knobs);
  read_optional(n, "peak", out.peak);
  read_optional(n, "session", out.session);
}

} // namespace gbench::record

#include "gbench/record/stream.hpp"

#include "gbench/record/run.hpp"

namespace gbench::record {

nlohmann::json to_json(const process_context& c) {
  return {{"pid", c.pid}, {"effective_env", c.effective_env}, {"libtorch", to_json(c.libtorch)}};
}

void from_json(const node& n, process_context& out) {
  read(n, "pid", out.pid);
  read(n, "effective_env", out.effective_env);
  read(n, "libtorch", out.libtorch);
}

nlohmann::json to_json(const huge_pages& h) { return {{"before", or_null(h.before)}, {"after", or_null(h.after)}}; }

void from_json(const node& n, huge_pages& out) {
  read_optional(n, "before", out.before);
  read_optional(n, "after", out.after);
}

} // namespace gbench::record

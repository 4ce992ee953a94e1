#include "gbench/session/doctor.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/backend/libtorch.hpp"
#include "gbench/compare/preset_comparison.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/run/evidence.hpp"
#include "gbench/run/orchestrator.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::session {

int run_doctor(const doctor_request& request, const report::reporter& reporter, std::ostream& out) {
  const auto& plan = request.plan;
  if (!request.json_path.empty()) {
    util::check_writable(request.json_path, "--json");
  }
  const auto host = host::query_host();
  for (const auto& model : plan.models.empty() ? std::vector{plan.model} : plan.models) {
    run::check_memory(model, plan.batches, host.mem_available_bytes / 3); // fp32 and float64 copies
  }
  const auto torch = backend::query_libtorch();
  reporter.write_host(host, torch, out);
  const auto verdicts = run::probe_knobs(plan, request.executable, host, torch);
  reporter.write_knobs(verdicts, out);
  std::vector<std::string> names;
  for (const auto& model : plan.models.empty() ? std::vector{plan.model} : plan.models) {
    names.push_back(model.name);
  }
  out << fmt::format("evidence (model{} {}, one forward per batch per preset, each in its own process with "
                     "ONEDNN_VERBOSE=1; accuracy against float64)\n",
                     names.size() > 1 ? "s" : "", fmt::join(names, ", "));
  out.flush();
  auto runs = run::gather_evidence(plan, request.default_preset, request.executable);
  util::throw_if_interrupted();
  reporter.write_evidence(runs, plan.cosine_threshold, out);
  if (!request.json_path.empty()) {
    auto context = record::make_context(host, request.command_line);
    context.knobs = verdicts;
    auto rep = run::begin_report(plan, std::move(context));
    rep.runs = runs;
    rep.comparison = compare::compare_presets(rep);
    util::write_file_atomically(request.json_path, util::json_dump(record::to_json(rep), 2) + "\n");
  }
  for (const auto& r : runs) {
    if (!r.ok) {
      return static_cast<int>(exit_code::partial_failure);
    }
  }
  return 0;
}

} // namespace gbench::session

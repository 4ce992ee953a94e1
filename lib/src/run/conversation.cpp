#include "gbench/run/conversation.hpp"

#include <fmt/format.h>

#include "gbench/host/placement.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/json_text.hpp"
#include "gbench/util/subprocess.hpp"
#include "orchestrator_parts.hpp"

namespace gbench::run {

conversation start_conversation(const plan& p, const config::preset& preset, const std::string& executable,
                                const std::filesystem::path& dir, const std::string& name, const std::vector<int>& cpus,
                                const std::map<std::string, std::string>& extra_env) {
  auto j = detail::make_job(p, p.model, preset, p.iterations, false, false);
  j.conversation = true;
  j.profile = false;
  const auto job_file = dir / fmt::format("job-{}.json", name);
  auto out_file = dir / fmt::format("result-{}.jsonl", name);
  util::write_file_atomically(job_file, util::json_dump(to_json(j)));
  const auto argv =
      util::wrapped_command({executable, "__worker", "--job", job_file.string(), "--out", out_file.string()});
  auto env = detail::worker_environment(p, j, util::current_environment());
  for (const auto& [key, value] : extra_env) {
    const std::string prefix = key + "="; // clang 14: a lambda cannot capture a structured binding
    std::erase_if(env, [&prefix](const std::string& item) { return item.starts_with(prefix); });
    env.push_back(prefix + value);
  }
  // The child inherits this thread's CPUs from its first instruction, before OpenMP reads them.
  const host::scoped_thread_affinity placed(cpus);
  util::child_process child(argv, env,
                            util::child_options{.forward_stderr = true,
                                                .capture_stdout = false,
                                                .conversation = true,
                                                .quiet_prefixes = detail::quiet_stderr,
                                                .grace = std::chrono::duration<double>(3.0)});
  return conversation{std::move(j), std::move(out_file), std::move(child)};
}

record::preset_run conversation_record(const conversation& c, const util::child_status& status) {
  auto run = detail::collect(c.out_file, c.j);
  run.batches.clear();
  detail::conclude_run(run, c.j, status);
  return run;
}

} // namespace gbench::run

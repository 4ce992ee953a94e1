#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gbench/config/preset.hpp"
#include "gbench/run/plan.hpp"
#include "gbench/serve/load.hpp"
#include "gbench/serve/result.hpp"
#include "gbench/serve/split.hpp"

namespace gbench::serve {

/// How a split's workers are started.
struct pool_request {
  const run::plan* plan = nullptr; ///< model, warm-up and seed of every worker (run::make_plan's)
  config::preset preset;           ///< its knobs, with the split's threads
  serve::split split;
  std::vector<std::vector<int>> cpus; ///< each worker's (assign_cpus); empty sets: not pinned
  std::int64_t batch = 1;
  std::string executable;    ///< whose `__worker` serves
  std::filesystem::path dir; ///< for the workers' job files and streams
  std::string name;          ///< of the split, in those files' names
};

/// The worker processes of one split (run/conversation.hpp, run/turns.hpp's "serve" order): started together,
/// each pinned to its own CPUs with the split's OMP_* environment and GBENCH_SERVE_WORKER=index, each warmed up
/// at the batch on its own CPUs at the same time; then fed requests by the load generator. The process waits on
/// their answer pipes with ppoll(), its timer slack lowered to 1 us for the time so that an arrival's wake-up
/// is on time.
class process_pool final : public pool {
public:
  explicit process_pool(const pool_request& request);
  ~process_pool() override;
  process_pool(const process_pool&) = delete;
  process_pool& operator=(const process_pool&) = delete;

  [[nodiscard]] std::size_t size() const override;
  bool send(std::size_t w, std::int64_t id) override;
  void wait(clock::time_point until, std::vector<completion>& done, std::vector<std::size_t>& died) override;
  void abandon(std::size_t w, const std::string& why) override;

  /// Workers that are still serving.
  [[nodiscard]] std::size_t alive() const;
  /// Ends every worker (a "quit", or stopped) and reads back what each recorded; once.
  std::vector<worker_info> finish();

private:
  struct worker;
  void start(const pool_request& request);
  void fail(worker& w, const std::string& why);
  std::vector<std::unique_ptr<worker>> workers_;
  int saved_slack_ = -1;
};

} // namespace gbench::serve

#pragma once

// The parts of a benchmark process that its two ways of timing share: the stream it writes, the warm-up, and
// what follows the timed forwards of a batch. Internal to lib/src/run (worker.cpp, turns.cpp).
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gbench/backend/mlp.hpp"
#include "gbench/error.hpp"
#include "gbench/record/run.hpp"
#include "gbench/run/result.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::run::detail {

/// The process's record stream (record/stream.hpp): one JSON line per record, flushed, so that a crash loses
/// nothing already written.
class jsonl_writer {
public:
  explicit jsonl_writer(const std::filesystem::path& path) : out_(path, std::ios::app) {
    if (!out_) {
      throw output_error(fmt::format("{}: cannot be opened for writing", path.string()));
    }
  }
  void write(const nlohmann::json& record) {
    out_ << util::json_dump(record) << '\n';
    out_.flush();
  }

private:
  std::ofstream out_;
};

struct warm_up_result {
  int forwards = 0;
  bool steady = true;
  double median_ns = 0; ///< of the last block: how long a forward takes now (0 with a fixed warm-up)
};

/// The job's warm-up at the prepared batch: a fixed count, or until steady state (at most max_warmup_s), in blocks
/// of at least `min_block` forwards. A worker in lockstep takes blocks of one forward: its turns are paired with its
/// neighbours' anyway, and blocks of three made a set of the recipe's MLP spend two thirds of its time warming up.
warm_up_result warm_up(const job& j, backend::mlp_session& session, int min_block = 3);

/// After the timed forwards of a batch: its profile (as many forwards again, when the job profiles), the predicted
/// classes, the statistics.
void finish_batch(const job& j, backend::mlp_session& session, record::batch_result& b);

/// A lockstep worker's conversation (run/turns.hpp): orders on stdin, answers on descriptor 3, records on `writer`.
void converse(const job& j, backend::mlp_session& session, jsonl_writer& writer);

} // namespace gbench::run::detail

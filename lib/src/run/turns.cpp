// The worker's side of the lockstep conversation (run/turns.hpp).
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "gbench/record/stream.hpp"
#include "gbench/run/turns.hpp"
#include "worker_parts.hpp"

namespace gbench::run::detail {

namespace {

constexpr int answer_descriptor = 3;

void answer(const nlohmann::json& a) {
  const std::string line = util::json_dump(a) + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(answer_descriptor, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw error("the orchestrator stopped listening (descriptor 3 is closed)");
    }
    done += static_cast<std::size_t>(n);
  }
}

// The batch being timed: its record so far.
struct current_batch {
  record::batch_result result;
  bool failed = false;
};

void start_batch(const job& j, backend::mlp_session& session, std::int64_t batch, std::optional<current_batch>& cur) {
  cur.emplace();
  cur->result.batch = batch;
  try {
    session.prepare(batch);
    const auto warm = warm_up(j, session, 1);
    cur->result.warmup = warm.forwards;
    cur->result.warmup_steady = warm.steady;
    // A forward's time now, for the orchestrator to size the turns: the warm-up's last block, or a few forwards.
    double forward_ns = warm.median_ns;
    if (forward_ns <= 0) {
      const auto probe = session.time_forwards(3);
      forward_ns = static_cast<double>(probe[1]);
    }
    answer({{"ready", batch}, {"forward_ns", forward_ns}, {"warmup", warm.forwards}, {"steady", warm.steady}});
  } catch (const std::exception& e) {
    cur->failed = true;
    cur->result.error = e.what();
    answer({{"failed", batch}, {"error", e.what()}});
  }
}

void take_turn(const job& j, backend::mlp_session& session, std::int64_t forwards, current_batch& cur) {
  auto& b = cur.result;
  if (!b.turns) {
    b.turns = record::turn_plan{.cycles = 0, .forwards = forwards, .discarded = j.turn_discard, .target_s = 0};
    b.chunk_size = forwards; // a turn is a chunk: the k-th of every worker ran in cycle k
  }
  if (forwards != b.turns->forwards) {
    throw error(fmt::format("turn of {} forwards at batch {}, after turns of {}: a batch's turns are all alike",
                            forwards, b.batch, b.turns->forwards));
  }
  if (j.turn_discard > 0) {
    session.warm_up(j.turn_discard);
  }
  const auto samples = session.time_forwards(static_cast<int>(forwards));
  std::int64_t total = 0;
  for (const auto ns : samples) {
    total += ns;
  }
  b.samples_ns.insert(b.samples_ns.end(), samples.begin(), samples.end());
  ++b.turns->cycles;
  answer({{"turned", b.turns->cycles}, {"ns", total}});
}

void end_batch(const job& j, backend::mlp_session& session, current_batch& cur, bool profile, jsonl_writer& writer) {
  auto& b = cur.result;
  if (!cur.failed) {
    try {
      auto finishing = j;
      finishing.profile = profile;
      finish_batch(finishing, session, b);
      b.ok = !b.samples_ns.empty();
      if (!b.ok) {
        b.error = "not measured: no turn was taken at this batch";
      }
    } catch (const std::exception& e) {
      b.ok = false;
      b.error = e.what();
    }
  }
  writer.write(record::stream_line("batch", b));
  answer({{"written", b.batch}});
}

// Test-only, set through a presets file that declares them: a worker that dies by a signal after so many turns
// (GBENCH_TEST_ABORT_AFTER_TURNS), or hangs after writing so many batches (GBENCH_TEST_HANG_AFTER_BATCHES, touching
// GBENCH_TEST_HANG_READY first), as a crashing or stuck LibTorch would.
struct test_faults {
  long abort_after_turns = std::atol(std::getenv("GBENCH_TEST_ABORT_AFTER_TURNS") ? std::getenv("GBENCH_TEST_ABORT_AFTER_TURNS") : "0");
  long hang_after_batches = std::atol(std::getenv("GBENCH_TEST_HANG_AFTER_BATCHES") ? std::getenv("GBENCH_TEST_HANG_AFTER_BATCHES") : "0");
  long turns = 0;
  long batches = 0;

  void after_turn() {
    if (abort_after_turns > 0 && ++turns >= abort_after_turns) {
      std::abort();
    }
  }
  void after_batch() {
    if (hang_after_batches > 0 && ++batches >= hang_after_batches) {
      if (const char* ready = std::getenv("GBENCH_TEST_HANG_READY")) {
        std::ofstream{ready}.flush();
      }
      for (;;) {
        ::pause();
      }
    }
  }
};

} // namespace

void converse(const job& j, backend::mlp_session& session, jsonl_writer& writer) {
  answer({{"hello", turn_protocol}});
  test_faults faults;
  std::optional<current_batch> cur;
  for (std::string line; std::getline(std::cin, line);) {
    const auto order = nlohmann::json::parse(line);
    const std::string what = order.at("do").get<std::string>();
    if (what == "batch") {
      start_batch(j, session, order.at("batch").get<std::int64_t>(), cur);
    } else if (what == "turn" && cur) {
      try {
        if (cur->failed) {
          throw error(cur->result.error);
        }
        take_turn(j, session, order.at("forwards").get<std::int64_t>(), *cur);
        faults.after_turn();
      } catch (const std::exception& e) {
        cur->failed = true;
        cur->result.error = e.what();
        answer({{"failed", cur->result.batch}, {"error", e.what()}});
      }
    } else if (what == "end" && cur) {
      end_batch(j, session, *cur, order.value("profile", false), writer);
      cur.reset();
      faults.after_batch();
    } else if (what == "quit") {
      break;
    } else {
      throw error(fmt::format("order '{}' out of place in the lockstep conversation", line));
    }
  }
  writer.write({{"type", "done"}});
}

} // namespace gbench::run::detail

#include "gbench/run/worker.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/backend/libtorch.hpp"
#include "gbench/backend/mlp.hpp"
#include "gbench/backend/profiler.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/run.hpp"
#include "gbench/record/stream.hpp"
#include "gbench/run/result.hpp"
#include "gbench/util/files.hpp"

namespace gbench::run {

namespace {

class jsonl_writer {
public:
  explicit jsonl_writer(const std::filesystem::path& path) : out_(path, std::ios::app) {
    if (!out_) {
      throw output_error(fmt::format("{}: cannot be opened for writing", path.string()));
    }
  }
  void write(const nlohmann::json& record) {
    out_ << record.dump() << '\n';
    out_.flush();
  }

private:
  std::ofstream out_;
};

constexpr int predicted_shown = 8;

void say(const job& j, const std::string& what) {
  if (j.progress) {
    std::cerr << fmt::format("  {}: {}\n", j.preset.name, what);
  }
}

// Chunks of `iterations` timed forwards until min_time has passed (never beyond max_time). The clock is
// read between chunks only: the timed loop itself stays the forward alone.
std::vector<std::int64_t> timed_samples(const job& j, backend::mlp_session& session) {
  std::vector<std::int64_t> samples = session.time_forwards(j.iterations);
  std::int64_t spent = 0;
  for (const auto ns : samples) {
    spent += ns;
  }
  const auto min_ns = static_cast<std::int64_t>(j.min_time * 1e9);
  const auto max_ns = j.max_time > 0 ? static_cast<std::int64_t>(j.max_time * 1e9) : INT64_MAX;
  while (spent < min_ns && spent < max_ns) {
    const auto more = session.time_forwards(j.iterations);
    for (const auto ns : more) {
      spent += ns;
    }
    samples.insert(samples.end(), more.begin(), more.end());
  }
  return samples;
}

// One forward per batch between markers on stdout, where oneDNN (ONEDNN_VERBOSE) prints its lines, so the
// parent can tell which lines belong to which batch; then the accuracy against float64, after the marker.
void run_evidence(const job& j, backend::mlp_session& session, jsonl_writer& writer,
                  std::optional<std::int64_t> huge_before) {
  for (const std::int64_t batch : j.batches) {
    record::batch_evidence e;
    e.batch = batch;
    try {
      session.prepare(batch);
      std::fflush(stdout);
      std::printf("%s,begin,%lld\n", evidence_marker, static_cast<long long>(batch));
      std::fflush(stdout);
      session.warm_up(1);
      std::fflush(stdout);
      std::printf("%s,end,%lld\n", evidence_marker, static_cast<long long>(batch));
      std::fflush(stdout);
      const auto a = session.compare_with_float64();
      if (a.available) {
        e.accuracy = {a.cosine, a.max_abs_error, a.max_rel_error, a.top1_agreement, {}};
      } else {
        e.accuracy.unavailable = a.unavailable;
      }
      e.ok = true;
    } catch (const std::exception& ex) {
      e.error = ex.what();
    }
    writer.write(record::stream_line("evidence", e));
  }
  writer.write(record::stream_line("huge_pages", record::huge_pages{huge_before, host::anon_huge_pages_bytes()}));
  writer.write({{"type", "done"}});
}

} // namespace

void run_worker(const std::filesystem::path& job_file, const std::filesystem::path& out) {
  const job j = job_from_json(util::read_text_file(job_file), job_file.string());
  jsonl_writer writer(out);

  // Read before LibTorch touches anything, so the record is what LibTorch itself will read.
  record::process_context context;
  context.pid = ::getpid();
  for (const auto& name : j.managed_env) {
    if (const char* v = std::getenv(name.c_str())) {
      context.effective_env[name] = v;
    }
  }
  backend::apply_settings(j.preset.settings);
  const auto huge_before = host::anon_huge_pages_bytes();
  backend::mlp_session session(j.model, j.seed);
  context.libtorch = backend::query_libtorch();
  writer.write(record::stream_line("context", context));
  if (j.verbose) {
    std::cerr << session.describe() << '\n';
  }

  if (j.evidence) {
    run_evidence(j, session, writer, huge_before);
    return;
  }
  // Test-only: die by a signal after this many batches, as a crashing LibTorch would, so that tests can
  // show that what was measured before survives. Only a presets file that declares the knob can set it.
  const char* abort_after = std::getenv("GBENCH_TEST_ABORT_AFTER_BATCHES");
  int batches_done = 0;

  for (const std::int64_t batch : j.batches) {
    record::batch_result b;
    b.batch = batch;
    b.warmup = j.warmup;
    try {
      session.prepare(batch);
      say(j, fmt::format("batch {}: {} warm-up forwards", batch, j.warmup));
      session.warm_up(j.warmup);
      say(j, fmt::format("batch {}: timing {} forwards{}", batch, j.iterations,
                         j.min_time > 0 ? fmt::format(" per chunk, for at least {} s", j.min_time) : ""));
      b.samples_ns = timed_samples(j, session);
      if (j.profile) {
        say(j, fmt::format("batch {}: profiling {} forwards", batch, j.iterations));
        const std::string trace =
            j.trace_dir.empty() ? std::string{}
                                : (std::filesystem::path(j.trace_dir) / fmt::format("{}-b{}.json", j.preset.name, batch)).string();
        std::vector<std::int64_t> profiled_ns;
        const auto events = backend::profile_forwards(session, j.iterations, j.record_shapes, trace, &profiled_ns);
        b.profile = record::batch_profile{.table = profile::aggregate(events, j.record_shapes),
                                          .samples_ns = std::move(profiled_ns),
                                          .summary_ns = {},
                                          .trace_file = trace};
      }
      b.predicted = session.predicted_classes(predicted_shown);
      record::compute_statistics(b, j.model);
      b.ok = true;
      if (j.verbose) {
        std::cerr << fmt::format("[{} @ batch {}] predicted class of the first samples: {}\n", j.preset.name, batch,
                                 fmt::join(b.predicted, ", "));
      }
    } catch (const std::exception& e) {
      b.ok = false;
      b.error = e.what();
      std::cerr << fmt::format("error: preset {} batch {}: {}\n", j.preset.name, batch, e.what());
    }
    writer.write(record::stream_line("batch", b));
    if (abort_after != nullptr && ++batches_done >= std::atoi(abort_after)) {
      std::abort();
    }
  }
  writer.write({{"type", "done"}});
}

} // namespace gbench::run

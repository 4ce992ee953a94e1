#include "gbench/run/worker.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/backend/libtorch.hpp"
#include "gbench/backend/mlp.hpp"
#include "gbench/backend/profiler.hpp"
#include "gbench/evidence/knobs.hpp"
#include "gbench/evidence/onednn_verbose.hpp"
#include "gbench/evidence/routes.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/host/allocator.hpp"
#include "gbench/record/run.hpp"
#include "gbench/record/stream.hpp"
#include "gbench/run/result.hpp"
#include "gbench/stats/drift.hpp"
#include "gbench/stats/summary.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/interrupt.hpp"
#include "gbench/util/json_text.hpp"
#include "worker_parts.hpp"

namespace gbench::run::detail {

namespace {

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

double median_ns(const std::vector<std::int64_t>& samples) {
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  return stats::quantile_sorted(sorted, 0.5);
}

// Warm-up until steady state: blocks of forwards lasting about chunk_s each (at least min_block forwards), timed as
// the measurement will be, until three blocks in a row are no faster than the best so far by 2%; at most
// max_warmup_s. A fixed count is too few for a large model on a slow machine and wasted on a small one.
} // namespace

warm_up_result warm_up(const job& j, backend::mlp_session& session, int min_block) {
  warm_up_result r;
  if (!j.warmup_auto) {
    session.warm_up(j.warmup);
    r.forwards = j.warmup;
    return r;
  }
  stats::steady_state detector;
  const double budget_ns = j.max_warmup_s * 1e9;
  double spent_ns = 0;
  min_block = std::max(1, min_block);
  int block = std::max(3, min_block); // the first block holds the cold forwards
  for (;;) {
    const auto samples = session.time_forwards(block);
    r.forwards += block;
    for (const auto ns : samples) {
      spent_ns += static_cast<double>(ns);
    }
    r.median_ns = median_ns(samples);
    if (detector.add_block(r.median_ns)) {
      r.steady = true;
      return r;
    }
    if (spent_ns >= budget_ns) {
      r.steady = false;
      return r;
    }
    block = std::clamp(static_cast<int>(j.chunk_s * 1e9 / std::max(1.0, r.median_ns)), min_block, 100000);
  }
}

void finish_batch(const job& j, backend::mlp_session& session, record::batch_result& b) {
  if (j.profile) {
    say(j, fmt::format("batch {}: profiling {} forwards", b.batch, j.iterations));
    const std::string trace =
        j.trace_dir.empty() ? std::string{}
                            : (std::filesystem::path(j.trace_dir) /
                               // a model file's name first: eager and compiled runs of a preset keep a trace each
                               fmt::format("{}{}-b{}.json", j.model.is_file() ? j.model.name + "-" : "",
                                           j.preset.name, b.batch))
                                  .string();
    std::vector<std::int64_t> profiled_ns;
    const auto events = backend::profile_forwards(session, j.iterations, j.record_shapes, trace, &profiled_ns);
    b.profile = record::batch_profile{.table = profile::aggregate(events, j.record_shapes),
                                      .samples_ns = std::move(profiled_ns),
                                      .summary_ns = {},
                                      .trace_file = trace};
  }
  b.predicted = session.predicted_classes(predicted_shown);
  record::compute_statistics(b, j.model);
}

namespace {

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
      // Under the profiler, for the operators that computed each layer (quantized ones print nothing to oneDNN).
      e.operators = evidence::layer_operators(backend::profile_forwards(session, 1, true, ""));
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

} // namespace gbench::run::detail

namespace gbench::run {

namespace {

// The process as it starts: its pid, the managed knobs it sees, the allocator in its memory map.
record::process_context context_before_libtorch(const job& j) {
  record::process_context context;
  context.pid = ::getpid();
  for (const auto& name : j.managed_env) {
    if (const char* v = std::getenv(name.c_str())) {
      context.effective_env[name] = v;
    }
  }
  const auto allocator = host::allocator_of_this_process();
  context.allocator = record::allocator_seen{allocator.name, allocator.library};
  return context;
}

} // namespace

using namespace detail;

namespace {

// The weights' form is set up once, at load, like LibTorch's settings; the process's record says what came of it.
void set_up_weights(const job& j, backend::mlp_session& session, backend::libtorch_info& libtorch) {
  const auto weights =
      session.use_weights(j.preset.settings, config::is_quantized(j.preset.settings.weights_dtype.value_or("f32")) &&
                                                 evidence::cpu_has_bf16_instructions(host::query_host()));
  if (weights.status == "inert" || weights.status == "not applicable") {
    std::cerr << fmt::format("{}: weights_dtype {} {} here: {}\n", j.preset.name,
                             j.preset.settings.weights_dtype.value_or("f32"), weights.status, weights.detail);
  }
  libtorch.weights = weights.weights;
  libtorch.weights_status = weights.status;
  libtorch.weights_detail = weights.detail;
  libtorch.weights_kernel = weights.kernel;
}

} // namespace

void run_worker(const std::filesystem::path& job_file, const std::filesystem::path& out) {
  if (!util::die_with_parent()) {
    throw error("the run that started this benchmark process has already ended; nothing to do");
  }
  const job j = job_from_json(util::read_text_file(job_file), job_file.string());
  jsonl_writer writer(out);

  // Read before LibTorch touches anything, so the record is what LibTorch itself will read.
  auto context = context_before_libtorch(j);
  backend::apply_settings(j.preset.settings);
  const auto huge_before = host::anon_huge_pages_bytes();
  backend::mlp_session session(j.model, j.seed);
  context.libtorch = backend::query_libtorch();
  set_up_weights(j, session, context.libtorch);
  writer.write(record::stream_line("context", context));
  if (j.verbose) {
    std::cerr << session.describe() << '\n';
  }

  if (j.evidence) {
    run_evidence(j, session, writer, huge_before);
    return;
  }
  if (j.conversation) {
    converse(j, session, writer);
    return;
  }
  // Test-only: die by a signal after this many batches, as a crashing LibTorch would, so that tests can
  // show that what was measured before survives. Only a presets file that declares the knob can set it.
  const char* abort_after = std::getenv("GBENCH_TEST_ABORT_AFTER_BATCHES");
  int batches_done = 0;

  for (const std::int64_t batch : j.batches) {
    record::batch_result b;
    b.batch = batch;

    try {
      session.prepare(batch);
      say(j, j.warmup_auto ? fmt::format("batch {}: warming up until steady", batch)
                           : fmt::format("batch {}: {} warm-up forwards", batch, j.warmup));
      const auto warm = warm_up(j, session);
      b.warmup = warm.forwards;
      b.warmup_steady = warm.steady;
      say(j, fmt::format("batch {}: timing {} forwards{}", batch, j.iterations,
                         j.min_time > 0 ? fmt::format(" per chunk, for at least {} s", j.min_time) : ""));
      b.samples_ns = timed_samples(j, session);
      // Chunks of about chunk_s seconds, and at least eight per process: a slow episode of the machine (a few
      // hundred milliseconds) then shows as slow chunks instead of a slow process. A chunk holds five forwards
      // at least, so that its median is one (of one forward it would be that forward's luck).
      const double forward_ns = warm.median_ns > 0 ? warm.median_ns : median_ns(b.samples_ns);
      const double by_time = j.chunk_s * 1e9 / std::max(1.0, forward_ns);
      const double by_count = std::ceil(static_cast<double>(b.samples_ns.size()) / 8.0);
      const auto n = static_cast<double>(b.samples_ns.size());
      b.chunk_size = static_cast<std::int64_t>(std::clamp(std::min(by_time, by_count), std::min(5.0, n), n));
      finish_batch(j, session, b);
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

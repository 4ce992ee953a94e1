#include "gbench/backend/profiler.hpp"

#include <torch/csrc/autograd/profiler_kineto.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <set>

#include "gbench/error.hpp"
#include "mlp_impl.hpp"

namespace gbench::backend {

namespace {

namespace kineto = torch::autograd::profiler;
namespace profiler_impl = torch::profiler::impl;

// Python's str() of the list of lists that KinetoEvent.shapes() becomes: "[[4, 256], [128, 256], []]".
std::string python_str(c10::ArrayRef<std::vector<std::int64_t>> shapes) {
  std::string out = "[";
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    out += i == 0 ? "[" : ", [";
    for (std::size_t k = 0; k < shapes[i].size(); ++k) {
      out += (k == 0 ? "" : ", ") + std::to_string(shapes[i][k]);
    }
    out += "]";
  }
  return out + "]";
}

// Leaves the profiler off even when a forward throws; a second enableProfiler would fail otherwise.
class profiling {
public:
  profiling(const profiler_impl::ProfilerConfig& config, const std::set<profiler_impl::ActivityType>& activities) {
    kineto::prepareProfiler(config, activities);
    kineto::enableProfiler(config, activities);
  }
  ~profiling() {
    if (!stopped_) {
      try {
        (void)kineto::disableProfiler();
      } catch (...) { // NOLINT(bugprone-empty-catch): already unwinding from the forward's error
      }
    }
  }
  profiling(const profiling&) = delete;
  profiling& operator=(const profiling&) = delete;

  std::unique_ptr<kineto::ProfilerResult> stop() {
    stopped_ = true;
    return kineto::disableProfiler();
  }

private:
  bool stopped_ = false;
};

} // namespace

double profiled_flops(mlp_session& session) {
  const auto& model = *session.impl_;
  const profiler_impl::ProfilerConfig config(profiler_impl::ProfilerState::KINETO, true, false, false, true);
  profiling active(config, {profiler_impl::ActivityType::CPU});
  {
    c10::InferenceMode inference;
    (void)model.run();
  }
  const auto result = active.stop();
  double flops = 0;
  for (const auto& e : result->events()) {
    flops += static_cast<double>(e.flops());
  }
  return flops;
}

std::vector<profile::event> profile_forwards(mlp_session& session, int count, bool record_shapes,
                                             const std::string& trace_path, std::vector<std::int64_t>* forward_ns) {
  using clock = std::chrono::steady_clock;
  const auto& model = *session.impl_;
  const profiler_impl::ProfilerConfig config(profiler_impl::ProfilerState::KINETO, record_shapes);
  std::vector<std::int64_t> times(static_cast<std::size_t>(count));
  profiling active(config, {profiler_impl::ActivityType::CPU});
  {
    c10::InferenceMode inference;
    RECORD_USER_SCOPE("mymodel_inference"); // declares a RecordFunction named guard
    for (auto& t : times) {
      const auto start = clock::now();
      (void)model.run();
      t = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count();
    }
  }
  if (forward_ns != nullptr) {
    *forward_ns = std::move(times);
  }
  const auto result = active.stop();

  // Relative to the trace's start, as Python's FunctionEvent is: its microseconds are these over 1000,
  // and doubles only hold such small counts exactly.
  const auto trace_start = static_cast<std::int64_t>(result->trace_start_ns());
  std::vector<profile::event> events;
  for (const auto& e : result->events()) {
    if (e.deviceType() != c10::DeviceType::CPU) {
      continue; // only a device activity reports these, and this profile records none
    }
    events.push_back({.name = e.name(),
                      .start_ns = static_cast<std::int64_t>(e.startNs()) - trace_start,
                      .end_ns = static_cast<std::int64_t>(e.endNs()) - trace_start,
                      .thread = e.startThreadId(),
                      .is_async = e.isAsync() || e.startThreadId() != e.endThreadId(),
                      .is_hidden = e.isHiddenEvent(),
                      .input_shapes = record_shapes ? python_str(e.shapes()) : std::string{}});
  }

  if (!trace_path.empty()) {
    // Kineto logs a failed write and returns; only the missing file tells.
    std::error_code ec;
    std::filesystem::remove(trace_path, ec);
    result->save(trace_path);
    if (!std::filesystem::exists(trace_path, ec)) {
      throw output_error(trace_path + ": the profiler could not write the trace; choose a writable path");
    }
  }
  return events;
}

} // namespace gbench::backend

#pragma once

#include <array>
#include <optional>

#include "gbench/serve/result.hpp"

// A small serve report of every part: one split (2x1), one open-loop point of 10 requests/s within a
// 100 ms target, its recommendation (tests/serve/result_json.test.cpp, text.test.cpp).
namespace gbench_test {

inline gbench::serve::serve_report sample_report() {
  gbench::serve::serve_report r;
  r.context.date = "2026-12-08T10:00:00Z";
  r.context.host.hostname = "h";
  r.model.name = "tiny-mlp";
  r.model.input_shape = {8, 8};
  r.model.hidden = {32};
  r.model.outputs = 10;
  r.settings.windows = 10;
  r.settings.preset.name = "default";
  r.settings.mode = "search";
  r.settings.target_ms = 100;
  r.settings.splits = {"1x2", "2x1"};
  r.settings.instance_type_source = "none";
  r.settings.price_source = "none";
  r.conditions.placement.cpus_mode = "auto";
  gbench::serve::split_result s;
  s.processes = 2;
  s.env = {{"OMP_NUM_THREADS", "1"}};
  gbench::serve::worker_info w;
  w.cpus = {0};
  w.cpus_seen = {0};
  w.allocator = gbench::record::allocator_seen{"glibc", ""};
  s.workers = {w};
  gbench::serve::point p;
  p.load = "open";
  p.rate = 10;
  p.windows = 10;
  p.throughput = {10.0, std::array<double, 2>{9.0, 11.0}};
  p.latency_ms.p99 = {5.0, std::array<double, 2>{4.0, 6.0}};
  p.latency_ms.p999 = {std::nullopt, std::nullopt};
  p.service_ms = {{"p50", 1.0}, {"p99", 2.0}};
  p.workers = {{0, 10, 1.0, 0.1}};
  p.meets_target = true;
  p.samples = {{0, 100}, {1000, -1}, {900, -1}, {0, -1}};
  s.points = {p};
  s.best = 0;
  r.splits = {s};
  gbench::serve::recommendation rec;
  rec.p99_ms = p.latency_ms.p99;
  rec.line = "OMP_NUM_THREADS=1 YOUR_SERVER";
  r.recommendation = rec;
  return r;
}

} // namespace gbench_test

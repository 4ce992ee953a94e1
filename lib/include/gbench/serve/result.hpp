#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/config/preset.hpp"
#include "gbench/record/context.hpp"
#include "gbench/record/json_reader.hpp"
#include "gbench/record/report.hpp"
#include "gbench/record/run.hpp"

/// What `graviton-bench serve` measured (docs/serve.md), one typed record per part, each with one
/// to_json/from_json pair; schemas/serve.schema.json publishes the JSON.
namespace gbench::serve {

/// An estimate with its 95% interval; a value that the run could not bound (a latency percentile among requests
/// that never completed) is absent.
struct figure {
  std::optional<double> value;
  std::optional<std::array<double, 2>> ci95;
};

/// Latency percentiles of the requests of a window, in milliseconds, each with its interval.
struct latency_set {
  figure p50;
  figure p90;
  figure p99;
  figure p999;
};

/// One worker's part in a load point.
struct worker_share {
  int worker = 0;
  std::int64_t completed = 0; ///< requests it completed in the window
  double share = 0;           ///< of all requests completed in the window
  double busy = 0;            ///< its service time over the window's length
};

/// Every measured request, in arrival order: the raw samples behind the point's statistics.
struct request_samples {
  std::vector<std::int64_t> arrival_us; ///< scheduled arrival, from the window's start
  std::vector<std::int64_t> latency_us; ///< arrival to completion; -1 when it never completed
  std::vector<std::int64_t> service_us; ///< the worker's own time for it; -1 when it never completed
  std::vector<int> worker;              ///< who served it; -1 when no worker took it
};

/// One load on one split: a closed loop at a concurrency, or an open loop at a rate.
struct point {
  std::string load;                         ///< "closed" or "open"
  std::optional<int> concurrency;           ///< closed: requests in flight
  std::optional<double> rate;               ///< open: Poisson arrivals per second
  double warmup_s = 0;                      ///< of the same load before the window
  double window_s = 0;                      ///< the measurement window
  int windows = 0;                          ///< the window's slices, resampled for the intervals
  double load_average = 0;                  ///< the machine's 1-minute load average when it started
  std::int64_t arrived = 0;                 ///< requests that arrived in the window (the measured ones)
  std::int64_t completed = 0;               ///< of those, completed
  figure throughput;                        ///< requests completed per second in the window
  double samples_per_s = 0;                 ///< throughput x batch
  latency_set latency_ms;                   ///< from scheduled arrival to completion: queueing included
  double mean_latency_ms = 0;               ///< of the completed ones
  std::map<std::string, double> service_ms; ///< p50, p99: the workers' own time per request
  std::map<std::string, double> queue_ms;   ///< p50, p99: arrival to the order's dispatch
  std::vector<worker_share> workers;
  double parent_cpu = 0;            ///< the load generator's CPU time over the window (1 = one CPU)
  std::optional<bool> meets_target; ///< p99 within --p99, when one is given
  std::string stopped;              ///< why the point ended before its window did; empty when it did not
  request_samples samples;
};

/// One worker process of a split.
struct worker_info {
  int index = 0;
  std::vector<int> cpus;      ///< pinned to these (empty: the kernel's choice)
  std::vector<int> cpus_seen; ///< the CPUs it could run on, as it saw them itself
  double forward_ms = 0;      ///< a forward's time at the end of its warm-up
  int warmup = 0;             ///< forwards it warmed up with
  bool warmup_steady = true;
  bool ok = true;
  std::string error; ///< how it failed, when it did
  std::string stderr_tail;
  std::map<std::string, std::string> effective_env; ///< the knobs as the process read them
  std::optional<record::allocator_seen> allocator;
};

/// P processes of T threads: every load point measured on it.
struct split_result {
  int processes = 1;
  int threads = 1;
  std::map<std::string, std::string> env; ///< what every worker ran with beyond its CPUs: OMP_* and the knobs
  std::string status = "ok";              ///< ok, failed (a worker died), interrupted, not run
  std::string error;
  std::vector<worker_info> workers;
  std::vector<point> points;              ///< in the order they ran
  std::optional<std::size_t> best;        ///< into points: the highest throughput within the target (or the peak)
  std::optional<double> cost_per_million; ///< at the best point, with a price
};

/// The answer: the split, its environment and what it measured.
struct recommendation {
  int processes = 1;
  int threads = 1;
  std::vector<std::vector<int>> cpus;
  std::map<std::string, std::string> env;
  std::vector<std::string> settings; ///< the preset's LibTorch settings, set in the process (matmul_precision=medium)
  double throughput = 0;             ///< requests per second
  double samples_per_s = 0;
  figure p99_ms;
  std::optional<double> target_ms;
  std::optional<double> cost_per_million;
  std::string basis; ///< why this split
  std::string line;  ///< the line a user copies
};

/// What was asked for.
struct settings {
  std::int64_t batch = 1;
  config::preset preset;
  std::string mode; ///< search (--p99), closed (--concurrency), open (--rate), curve
  std::optional<int> concurrency;
  std::vector<double> rates;
  std::optional<double> target_ms; ///< --p99
  double duration_s = 0;
  std::int64_t min_requests = 0;
  double max_duration_s = 0;
  double warmup_s = 0;
  int windows = 0;
  int search_steps = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> splits;  ///< as run, e.g. 1x2, 2x1
  std::string instance_type;        ///< empty when unknown
  std::string instance_type_source; ///< --instance-type, dmi, or none
  std::optional<double> price_per_hour;
  std::string price_source; ///< --price-per-hour, the prices file, or none
  std::string currency = "USD";
};

/// The conditions the run met: the load beside every figure.
struct conditions {
  record::run_conditions placement;
  double load_average_start = 0;
  double load_average_end = 0;
};

/// What `serve --json` writes.
struct serve_report {
  std::string status = "complete"; ///< complete, or interrupted
  record::context context;
  record::model_info model;
  serve::settings settings;
  serve::conditions conditions;
  std::vector<split_result> splits;
  std::optional<serve::recommendation> recommendation;
};

nlohmann::json to_json(const figure& f);
void from_json(const record::node& n, figure& out);
nlohmann::json to_json(const latency_set& l);
void from_json(const record::node& n, latency_set& out);
nlohmann::json to_json(const worker_share& w);
void from_json(const record::node& n, worker_share& out);
nlohmann::json to_json(const request_samples& s);
void from_json(const record::node& n, request_samples& out);
nlohmann::json to_json(const point& p);
void from_json(const record::node& n, point& out);
nlohmann::json to_json(const worker_info& w);
void from_json(const record::node& n, worker_info& out);
nlohmann::json to_json(const split_result& s);
void from_json(const record::node& n, split_result& out);
nlohmann::json to_json(const recommendation& r);
void from_json(const record::node& n, recommendation& out);
nlohmann::json to_json(const settings& s);
void from_json(const record::node& n, settings& out);
nlohmann::json to_json(const conditions& c);
void from_json(const record::node& n, conditions& out);
/// The whole report, "schema" (graviton-bench-serve) and "schema_version" first.
nlohmann::json to_json(const serve_report& r);
/// Checks the schema and version, then reads every part; errors name the file and the JSON path (exit 11).
void from_json(const record::node& n, serve_report& out);

} // namespace gbench::serve

// The JSON of serve's records (serve/result.hpp): one to_json/from_json pair per type, as record/ does for a run.
#include <fmt/format.h>

#include "gbench/serve/result.hpp"

namespace gbench::serve {

using record::node;
using record::read;
using record::read_optional;

namespace {

constexpr int schema_version = 1;

void read_numbers(const node& n, std::map<std::string, double>& out) {
  out.clear();
  for (const auto& [key, value] : n.members()) {
    out[key] = value.number();
  }
}

void read_pair(const node& n, std::array<double, 2>& out) {
  const auto e = n.elements();
  if (e.size() != 2) {
    n.fail(fmt::format("expected [low, high], found {} numbers", e.size()));
  }
  out = {e[0].number(), e[1].number()};
}

} // namespace

nlohmann::json to_json(const figure& f) {
  return {{"value", record::or_null(f.value)}, {"ci95", record::or_null(f.ci95)}};
}

void from_json(const node& n, figure& out) {
  out = {};
  read_optional(n, "value", out.value);
  if (const auto ci = n.find("ci95")) {
    read_pair(*ci, out.ci95.emplace());
  }
}

nlohmann::json to_json(const latency_set& l) {
  return {{"p50", to_json(l.p50)}, {"p90", to_json(l.p90)}, {"p99", to_json(l.p99)}, {"p99.9", to_json(l.p999)}};
}

void from_json(const node& n, latency_set& out) {
  from_json(n.at("p50"), out.p50);
  from_json(n.at("p90"), out.p90);
  from_json(n.at("p99"), out.p99);
  from_json(n.at("p99.9"), out.p999);
}

nlohmann::json to_json(const worker_share& w) {
  return {{"worker", w.worker}, {"completed", w.completed}, {"share", w.share}, {"busy", w.busy}};
}

void from_json(const node& n, worker_share& out) {
  read(n, "worker", out.worker);
  read(n, "completed", out.completed);
  read(n, "share", out.share);
  read(n, "busy", out.busy);
}

nlohmann::json to_json(const request_samples& s) {
  return {
      {"arrival_us", s.arrival_us}, {"latency_us", s.latency_us}, {"service_us", s.service_us}, {"worker", s.worker}};
}

void from_json(const node& n, request_samples& out) {
  read(n, "arrival_us", out.arrival_us);
  read(n, "latency_us", out.latency_us);
  read(n, "service_us", out.service_us);
  read(n, "worker", out.worker);
  const auto size = out.arrival_us.size();
  if (out.latency_us.size() != size || out.service_us.size() != size || out.worker.size() != size) {
    n.fail("arrival_us, latency_us, service_us and worker must have one entry per request each");
  }
}

nlohmann::json to_json(const point& p) {
  nlohmann::json workers = nlohmann::json::array();
  for (const auto& w : p.workers) {
    workers.push_back(to_json(w));
  }
  return {{"load", p.load},
          {"concurrency", record::or_null(p.concurrency)},
          {"rate", record::or_null(p.rate)},
          {"warmup_s", p.warmup_s},
          {"window_s", p.window_s},
          {"windows", p.windows},
          {"load_average", p.load_average},
          {"arrived", p.arrived},
          {"completed", p.completed},
          {"throughput", to_json(p.throughput)},
          {"samples_per_s", p.samples_per_s},
          {"latency_ms", to_json(p.latency_ms)},
          {"mean_latency_ms", p.mean_latency_ms},
          {"service_ms", p.service_ms},
          {"queue_ms", p.queue_ms},
          {"workers", workers},
          {"parent_cpu", p.parent_cpu},
          {"meets_target", record::or_null(p.meets_target)},
          {"stopped", p.stopped},
          {"samples", to_json(p.samples)}};
}

void from_json(const node& n, point& out) {
  read(n, "load", out.load);
  if (out.load != "closed" && out.load != "open") {
    n.at("load").fail(fmt::format("\"{}\" is not a load (expected \"closed\" or \"open\")", out.load));
  }
  read_optional(n, "concurrency", out.concurrency);
  read_optional(n, "rate", out.rate);
  read(n, "warmup_s", out.warmup_s);
  read(n, "window_s", out.window_s);
  read(n, "windows", out.windows);
  read(n, "load_average", out.load_average);
  read(n, "arrived", out.arrived);
  read(n, "completed", out.completed);
  from_json(n.at("throughput"), out.throughput);
  read(n, "samples_per_s", out.samples_per_s);
  from_json(n.at("latency_ms"), out.latency_ms);
  read(n, "mean_latency_ms", out.mean_latency_ms);
  read_numbers(n.at("service_ms"), out.service_ms);
  read_numbers(n.at("queue_ms"), out.queue_ms);
  read(n, "workers", out.workers);
  read(n, "parent_cpu", out.parent_cpu);
  read_optional(n, "meets_target", out.meets_target);
  read(n, "stopped", out.stopped);
  from_json(n.at("samples"), out.samples);
}

nlohmann::json to_json(const worker_info& w) {
  return {{"index", w.index},
          {"cpus", w.cpus},
          {"cpus_seen", w.cpus_seen},
          {"forward_ms", w.forward_ms},
          {"warmup", w.warmup},
          {"warmup_steady", w.warmup_steady},
          {"status", w.ok ? "ok" : "failed"},
          {"error", w.error},
          {"stderr_tail", w.stderr_tail},
          {"effective_env", w.effective_env},
          {"allocator", w.allocator ? record::to_json(*w.allocator) : nlohmann::json(nullptr)}};
}

void from_json(const node& n, worker_info& out) {
  read(n, "index", out.index);
  read(n, "cpus", out.cpus);
  read(n, "cpus_seen", out.cpus_seen);
  read(n, "forward_ms", out.forward_ms);
  read(n, "warmup", out.warmup);
  read(n, "warmup_steady", out.warmup_steady);
  out.ok = n.at("status").string() == "ok";
  read(n, "error", out.error);
  read(n, "stderr_tail", out.stderr_tail);
  read(n, "effective_env", out.effective_env);
  read_optional(n, "allocator", out.allocator);
}

nlohmann::json to_json(const split_result& s) {
  nlohmann::json workers = nlohmann::json::array();
  for (const auto& w : s.workers) {
    workers.push_back(to_json(w));
  }
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : s.points) {
    points.push_back(to_json(p));
  }
  return {{"processes", s.processes},
          {"threads", s.threads},
          {"env", s.env},
          {"status", s.status},
          {"error", s.error},
          {"workers", workers},
          {"points", points},
          {"best", record::or_null(s.best)},
          {"cost_per_million", record::or_null(s.cost_per_million)}};
}

void from_json(const node& n, split_result& out) {
  read(n, "processes", out.processes);
  read(n, "threads", out.threads);
  read(n, "env", out.env);
  read(n, "status", out.status);
  read(n, "error", out.error);
  read(n, "workers", out.workers);
  read(n, "points", out.points);
  std::optional<std::int64_t> best;
  read_optional(n, "best", best);
  if (best && (*best < 0 || static_cast<std::size_t>(*best) >= out.points.size())) {
    n.at("best").fail(fmt::format("{} is not the index of one of the {} points", *best, out.points.size()));
  }
  out.best = best ? std::optional<std::size_t>(static_cast<std::size_t>(*best)) : std::nullopt;
  read_optional(n, "cost_per_million", out.cost_per_million);
}

nlohmann::json to_json(const recommendation& r) {
  return {{"processes", r.processes},
          {"threads", r.threads},
          {"cpus", r.cpus},
          {"env", r.env},
          {"settings", r.settings},
          {"throughput", r.throughput},
          {"samples_per_s", r.samples_per_s},
          {"p99_ms", to_json(r.p99_ms)},
          {"target_ms", record::or_null(r.target_ms)},
          {"cost_per_million", record::or_null(r.cost_per_million)},
          {"basis", r.basis},
          {"line", r.line}};
}

void from_json(const node& n, recommendation& out) {
  read(n, "processes", out.processes);
  read(n, "threads", out.threads);
  read(n, "cpus", out.cpus);
  read(n, "env", out.env);
  read(n, "settings", out.settings);
  read(n, "throughput", out.throughput);
  read(n, "samples_per_s", out.samples_per_s);
  from_json(n.at("p99_ms"), out.p99_ms);
  read_optional(n, "target_ms", out.target_ms);
  read_optional(n, "cost_per_million", out.cost_per_million);
  read(n, "basis", out.basis);
  read(n, "line", out.line);
}

nlohmann::json to_json(const settings& s) {
  return {{"batch", s.batch},
          {"preset", record::to_json(s.preset)},
          {"mode", s.mode},
          {"concurrency", record::or_null(s.concurrency)},
          {"rates", s.rates},
          {"target_ms", record::or_null(s.target_ms)},
          {"duration_s", s.duration_s},
          {"min_requests", s.min_requests},
          {"max_duration_s", s.max_duration_s},
          {"warmup_s", s.warmup_s},
          {"windows", s.windows},
          {"search_steps", s.search_steps},
          {"seed", s.seed},
          {"splits", s.splits},
          {"instance_type", s.instance_type},
          {"instance_type_source", s.instance_type_source},
          {"price_per_hour", record::or_null(s.price_per_hour)},
          {"price_source", s.price_source},
          {"currency", s.currency}};
}

void from_json(const node& n, settings& out) {
  read(n, "batch", out.batch);
  read(n, "preset", out.preset);
  read(n, "mode", out.mode);
  read_optional(n, "concurrency", out.concurrency);
  read(n, "rates", out.rates);
  read_optional(n, "target_ms", out.target_ms);
  read(n, "duration_s", out.duration_s);
  read(n, "min_requests", out.min_requests);
  read(n, "max_duration_s", out.max_duration_s);
  read(n, "warmup_s", out.warmup_s);
  read(n, "windows", out.windows);
  read(n, "search_steps", out.search_steps);
  read(n, "seed", out.seed);
  read(n, "splits", out.splits);
  read(n, "instance_type", out.instance_type);
  read(n, "instance_type_source", out.instance_type_source);
  read_optional(n, "price_per_hour", out.price_per_hour);
  read(n, "price_source", out.price_source);
  read(n, "currency", out.currency);
}

nlohmann::json to_json(const conditions& c) {
  auto j = record::to_json(c.placement);
  j["load_average_start"] = c.load_average_start;
  j["load_average_end"] = c.load_average_end;
  return j;
}

void from_json(const node& n, conditions& out) {
  record::from_json(n, out.placement);
  read(n, "load_average_start", out.load_average_start);
  read(n, "load_average_end", out.load_average_end);
}

nlohmann::json to_json(const serve_report& r) {
  nlohmann::json splits = nlohmann::json::array();
  for (const auto& s : r.splits) {
    splits.push_back(to_json(s));
  }
  nlohmann::json j;
  j["schema"] = "graviton-bench-serve";
  j["schema_version"] = schema_version;
  j["status"] = r.status;
  j["context"] = record::to_json(r.context);
  j["model"] = record::to_json(r.model);
  j["settings"] = to_json(r.settings);
  j["conditions"] = to_json(r.conditions);
  j["splits"] = splits;
  j["recommendation"] = r.recommendation ? to_json(*r.recommendation) : nlohmann::json(nullptr);
  return j;
}

void from_json(const node& n, serve_report& out) {
  n.expect_object();
  const auto schema = n.at("schema");
  if (const std::string name = schema.string(); name != "graviton-bench-serve") {
    schema.fail(fmt::format("\"{}\" is not a graviton-bench serve report (expected \"graviton-bench-serve\")", name));
  }
  const auto version = n.at("schema_version");
  if (version.integer() != schema_version) {
    version.fail(fmt::format("{} is not a serve schema version this graviton-bench reads (expected {})",
                             version.integer(), schema_version));
  }
  read(n, "status", out.status);
  record::from_json(n.at("context"), out.context);
  record::from_json(n.at("model"), out.model);
  from_json(n.at("settings"), out.settings);
  from_json(n.at("conditions"), out.conditions);
  read(n, "splits", out.splits);
  read_optional(n, "recommendation", out.recommendation);
}

} // namespace gbench::serve

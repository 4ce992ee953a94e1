// The records of statistics, the profiler's table and the LibTorch build: the parts of a batch result and
// a run that other components define.
#include "gbench/record/run.hpp"

namespace gbench::record {

nlohmann::json to_json(const stats::summary& s) {
  return {{"count", s.count}, {"min", s.min},   {"max", s.max},   {"mean", s.mean},     {"median", s.median},
          {"p90", s.p90},     {"p99", s.p99},   {"q1", s.q1},     {"q3", s.q3},         {"iqr", s.iqr},
          {"stddev", s.stddev}, {"cv", s.cv}};
}

void from_json(const node& n, stats::summary& out) {
  read(n, "count", out.count);
  read(n, "min", out.min);
  read(n, "max", out.max);
  read(n, "mean", out.mean);
  read(n, "median", out.median);
  read(n, "p90", out.p90);
  read(n, "p99", out.p99);
  read(n, "q1", out.q1);
  read(n, "q3", out.q3);
  read(n, "iqr", out.iqr);
  read(n, "stddev", out.stddev);
  read(n, "cv", out.cv);
}

nlohmann::json to_json(const profile::table& t) {
  nlohmann::json ops = nlohmann::json::array();
  for (const auto& op : t.ops) {
    nlohmann::json j{{"name", op.name},
                     {"count", op.count},
                     {"self_cpu_us", op.self_cpu_us},
                     {"cpu_total_us", op.cpu_total_us},
                     {"self_cpu_percent", op.self_cpu_percent},
                     {"cpu_total_percent", op.cpu_total_percent},
                     {"cpu_avg_us", op.cpu_avg_us()}};
    if (!op.input_shapes.empty()) {
      j["input_shapes"] = op.input_shapes;
    }
    if (op.is_async) {
      j["is_async"] = true;
    }
    ops.push_back(std::move(j));
  }
  return {{"ops", std::move(ops)}, {"self_cpu_total_us", t.self_cpu_total_us}};
}

void from_json(const node& n, profile::op_stats& out) {
  read(n, "name", out.name);
  read_optional(n, "input_shapes", out.input_shapes);
  read(n, "count", out.count);
  read(n, "self_cpu_us", out.self_cpu_us);
  read(n, "cpu_total_us", out.cpu_total_us);
  read(n, "self_cpu_percent", out.self_cpu_percent);
  read(n, "cpu_total_percent", out.cpu_total_percent);
  read_optional(n, "is_async", out.is_async);
}

void from_json(const node& n, profile::table& out) {
  read(n, "ops", out.ops);
  read(n, "self_cpu_total_us", out.self_cpu_total_us);
}

nlohmann::json to_json(const backend::libtorch_info& info) {
  nlohmann::json j{{"version", info.version},
                   {"onednn_version", info.onednn_version},
                   {"blas", info.blas},
                   {"cpu_capability", info.cpu_capability},
                   {"mkldnn", info.mkldnn},
                   {"acl", info.acl},
                   {"mkl", info.mkl},
                   {"openmp", info.openmp},
                   {"cxx11_abi", info.cxx11_abi},
                   {"threads", info.threads},
                   {"mkldnn_enabled", info.mkldnn_enabled},
                   {"matmul_precision", info.matmul_precision},
                   {"mkldnn_matmul_precision", info.mkldnn_matmul_precision}};
  // Written when known, so that reports from before these fields read back as they were.
  if (info.fp32_precision_api != "none") {
    j["fp32_precision_api"] = info.fp32_precision_api;
  }
  if (info.kleidiai) {
    j["kleidiai"] = true;
  }
  if (!info.quantized_engines.empty()) {
    j["quantized_engine"] = info.quantized_engine;
    j["quantized_engines"] = info.quantized_engines;
  }
  for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"weights", &info.weights},
                                   {"weights_status", &info.weights_status},
                                   {"weights_detail", &info.weights_detail},
                                   {"weights_kernel", &info.weights_kernel}}) {
    if (!value->empty()) {
      j[key] = *value;
    }
  }
  return j;
}

void from_json(const node& n, backend::libtorch_info& out) {
  read_optional(n, "version", out.version);
  read_optional(n, "onednn_version", out.onednn_version);
  read_optional(n, "blas", out.blas);
  read_optional(n, "cpu_capability", out.cpu_capability);
  read_optional(n, "mkldnn", out.mkldnn);
  read_optional(n, "acl", out.acl);
  read_optional(n, "mkl", out.mkl);
  read_optional(n, "openmp", out.openmp);
  read_optional(n, "cxx11_abi", out.cxx11_abi);
  read_optional(n, "threads", out.threads);
  read_optional(n, "mkldnn_enabled", out.mkldnn_enabled);
  read_optional(n, "matmul_precision", out.matmul_precision);
  read_optional(n, "mkldnn_matmul_precision", out.mkldnn_matmul_precision);
  read_optional(n, "fp32_precision_api", out.fp32_precision_api);
  read_optional(n, "kleidiai", out.kleidiai);
  read_optional(n, "quantized_engine", out.quantized_engine);
  read_optional(n, "quantized_engines", out.quantized_engines);
  read_optional(n, "weights", out.weights);
  read_optional(n, "weights_status", out.weights_status);
  read_optional(n, "weights_detail", out.weights_detail);
  read_optional(n, "weights_kernel", out.weights_kernel);
}

} // namespace gbench::record

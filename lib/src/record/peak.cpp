#include "gbench/record/peak.hpp"

#include <fmt/format.h>

namespace gbench::record {

namespace {

void positive(const node& n, double& out) {
  out = n.number();
  if (!(out > 0)) {
    n.fail(fmt::format("expected a positive number, found {}", out));
  }
}

} // namespace

nlohmann::json to_json(const record::gemm_figure& g) {
  return {{"dtype", g.dtype},         {"n", g.n},           {"samples_ns", g.samples_ns},
          {"median_ns", g.median_ns}, {"gflops", g.gflops}, {"route", g.route}};
}

void from_json(const node& n, record::gemm_figure& out) {
  read(n, "dtype", out.dtype);
  read(n, "n", out.n);
  read(n, "samples_ns", out.samples_ns);
  read(n, "median_ns", out.median_ns);
  positive(n.at("gflops"), out.gflops);
  read_optional(n, "route", out.route);
}

nlohmann::json to_json(const record::peak_figures& f) {
  return {{"schema", peak_schema},
          {"schema_version", peak_schema_version},
          {"date", f.date},
          {"hostname", f.hostname},
          {"arch", f.arch},
          {"cpu_model", f.cpu_model},
          {"cores", f.cores},
          {"libtorch_version", f.libtorch_version},
          {"threads", f.threads},
          {"load_average_before", f.load_average_before},
          {"load_average_after", f.load_average_after},
          {"fp32_gemm", to_json(f.fp32)},
          {"bf16_gemm", f.bf16 ? to_json(*f.bf16) : nlohmann::json(nullptr)},
          {"bf16_hardware", f.bf16_hardware},
          {"int8_gemm", f.int8 ? to_json(*f.int8) : nlohmann::json(nullptr)},
          {"int8_hardware", f.int8_hardware},
          {"triad",
           {{"bytes_per_array", f.triad.bytes_per_array},
            {"llc_bytes", f.triad.llc_bytes},
            {"samples_ns", f.triad.samples_ns},
            {"median_ns", f.triad.median_ns},
            {"gbps", f.triad.gbps}}},
          {"source", f.source},
          {"file", f.file}};
}

void from_json(const node& n, record::peak_figures& out) {
  n.expect_object();
  const auto schema = n.at("schema");
  if (schema.string() != peak_schema) {
    schema.fail(fmt::format("expected \"{}\", found \"{}\": not peak figures", peak_schema, schema.string()));
  }
  const auto version = n.at("schema_version");
  if (version.integer() != peak_schema_version) {
    version.fail(fmt::format("version {} is not one this graviton-bench reads ({}); measure again with "
                             "'graviton-bench peak'",
                             version.integer(), peak_schema_version));
  }
  read(n, "date", out.date);
  read_optional(n, "hostname", out.hostname);
  read(n, "arch", out.arch);
  read(n, "cpu_model", out.cpu_model);
  read(n, "cores", out.cores);
  read_optional(n, "libtorch_version", out.libtorch_version);
  read(n, "threads", out.threads);
  read_optional(n, "load_average_before", out.load_average_before);
  read_optional(n, "load_average_after", out.load_average_after);
  read(n, "fp32_gemm", out.fp32);
  read_optional(n, "bf16_gemm", out.bf16);
  read_optional(n, "bf16_hardware", out.bf16_hardware);
  read_optional(n, "int8_gemm", out.int8); // absent in figures measured before int8 was
  read_optional(n, "int8_hardware", out.int8_hardware);
  const auto t = n.at("triad");
  read(t, "bytes_per_array", out.triad.bytes_per_array);
  read_optional(t, "llc_bytes", out.triad.llc_bytes);
  read(t, "samples_ns", out.triad.samples_ns);
  read(t, "median_ns", out.triad.median_ns);
  positive(t.at("gbps"), out.triad.gbps);
  read_optional(n, "source", out.source);
  read_optional(n, "file", out.file);
}

nlohmann::json to_json(const record::roofline& r) {
  return {{"flops_per_forward", r.flops},
          {"bytes_per_forward", r.bytes},
          {"intensity_flop_per_byte", r.intensity},
          {"ceiling", r.ceiling},
          {"peak_gflops", r.peak_gflops},
          {"bandwidth_gbps", r.bandwidth_gbps},
          {"bound_gflops", r.bound_gflops},
          {"bound", r.memory_bound ? "memory" : "compute"},
          {"percent_of_bound", r.percent_of_bound},
          {"basis", r.basis}};
}

void from_json(const node& n, record::roofline& out) {
  read(n, "flops_per_forward", out.flops);
  read(n, "bytes_per_forward", out.bytes);
  read(n, "intensity_flop_per_byte", out.intensity);
  read(n, "ceiling", out.ceiling);
  read(n, "peak_gflops", out.peak_gflops);
  read(n, "bandwidth_gbps", out.bandwidth_gbps);
  read(n, "bound_gflops", out.bound_gflops);
  const auto bound = n.at("bound");
  if (bound.string() != "memory" && bound.string() != "compute") {
    bound.fail(fmt::format("expected \"memory\" or \"compute\", found \"{}\"", bound.string()));
  }
  out.memory_bound = bound.string() == "memory";
  read_optional(n, "basis", out.basis);
  read(n, "percent_of_bound", out.percent_of_bound);
}

} // namespace gbench::record

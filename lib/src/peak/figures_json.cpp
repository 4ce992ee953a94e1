#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/peak/peak.hpp"

namespace gbench::peak {

namespace {

nlohmann::json to_json(const gemm_figure& g) {
  return {{"dtype", g.dtype}, {"n", g.n},         {"samples_ns", g.samples_ns},
          {"median_ns", g.median_ns}, {"gflops", g.gflops}, {"route", g.route}};
}

// Field access that names the file and the field when the value is missing or of the wrong type.
class reader {
public:
  reader(const nlohmann::json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) {
      fail("", "an object");
    }
  }
  template <typename T> T get(const std::string& key, const std::string& expected) const {
    if (!j_.contains(key)) {
      fail(key, expected + " (missing)");
    }
    try {
      return j_.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
      fail(key, expected);
    }
  }
  [[nodiscard]] reader child(const std::string& key) const {
    if (!j_.contains(key)) {
      fail(key, "an object (missing)");
    }
    return {j_.at(key), where_ + ": " + key};
  }
  [[nodiscard]] bool has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }

private:
  [[noreturn]] void fail(const std::string& key, const std::string& expected) const {
    throw input_error(fmt::format("{}{}{}: expected {}; give a file written by 'graviton-bench peak --json'", where_,
                                  key.empty() ? "" : ": ", key, expected));
  }
  const nlohmann::json& j_;
  std::string where_;
};

gemm_figure gemm_from_json(const reader& r) {
  gemm_figure g;
  g.dtype = r.get<std::string>("dtype", "a string");
  g.n = r.get<std::int64_t>("n", "a whole number");
  g.samples_ns = r.get<std::vector<std::int64_t>>("samples_ns", "a list of nanoseconds");
  g.median_ns = r.get<double>("median_ns", "a number");
  g.gflops = r.get<double>("gflops", "a number");
  g.route = r.get<std::string>("route", "a string");
  if (!(g.gflops > 0)) {
    r.get<std::string>("gflops", "a positive number"); // throws with the field named
  }
  return g;
}

} // namespace

nlohmann::json to_json(const figures& f) {
  nlohmann::json j{{"schema", "graviton-bench-peak"},
                   {"schema_version", 1},
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
                   {"triad",
                    {{"bytes_per_array", f.triad.bytes_per_array},
                     {"llc_bytes", f.triad.llc_bytes},
                     {"samples_ns", f.triad.samples_ns},
                     {"median_ns", f.triad.median_ns},
                     {"gbps", f.triad.gbps}}},
                   {"source", f.source},
                   {"file", f.file}};
  return j;
}

figures from_json(const nlohmann::json& j, const std::string& where) {
  const reader r(j, where);
  if (r.get<std::string>("schema", "\"graviton-bench-peak\"") != "graviton-bench-peak") {
    r.get<int>("schema", "\"graviton-bench-peak\"");
  }
  if (r.get<int>("schema_version", "a whole number") != 1) {
    throw input_error(fmt::format("{}: schema_version {} is not one this graviton-bench reads (1); measure again "
                                  "with 'graviton-bench peak'",
                                  where, j.at("schema_version").dump()));
  }
  figures f;
  f.date = r.get<std::string>("date", "an RFC 3339 date");
  f.hostname = r.get<std::string>("hostname", "a string");
  f.arch = r.get<std::string>("arch", "a string");
  f.cpu_model = r.get<std::string>("cpu_model", "a string");
  f.cores = r.get<int>("cores", "a whole number");
  f.libtorch_version = r.get<std::string>("libtorch_version", "a string");
  f.threads = r.get<int>("threads", "a whole number");
  f.load_average_before = r.get<double>("load_average_before", "a number");
  f.load_average_after = r.get<double>("load_average_after", "a number");
  f.fp32 = gemm_from_json(r.child("fp32_gemm"));
  if (r.has("bf16_gemm")) {
    f.bf16 = gemm_from_json(r.child("bf16_gemm"));
  }
  f.bf16_hardware = r.get<std::string>("bf16_hardware", "a string");
  const reader t = r.child("triad");
  f.triad.bytes_per_array = t.get<std::int64_t>("bytes_per_array", "a whole number");
  f.triad.llc_bytes = t.get<std::int64_t>("llc_bytes", "a whole number");
  f.triad.samples_ns = t.get<std::vector<std::int64_t>>("samples_ns", "a list of nanoseconds");
  f.triad.median_ns = t.get<double>("median_ns", "a number");
  f.triad.gbps = t.get<double>("gbps", "a number");
  if (!(f.triad.gbps > 0)) {
    t.get<std::string>("gbps", "a positive number");
  }
  return f;
}

std::string describe(const figures& f) {
  std::string out = fmt::format("peak of {} ({}, {} cores), LibTorch {} on {} thread{}, {}\n", f.hostname, f.cpu_model,
                                f.cores, f.libtorch_version, f.threads, f.threads == 1 ? "" : "s", f.date);
  const auto gemm = [](const gemm_figure& g) {
    return fmt::format("{:.1f} GFLOP/s  ({}x{} matmul, median of {}, {})", g.gflops, g.n, g.n, g.samples_ns.size(),
                       g.route);
  };
  out += fmt::format("  fp32 GEMM   {}\n", gemm(f.fp32));
  out += f.bf16 ? fmt::format("  bf16 GEMM   {}\n              bf16 hardware: {}\n", gemm(*f.bf16), f.bf16_hardware)
                : fmt::format("  bf16 GEMM   not measured: {}\n", f.bf16_hardware);
  out += fmt::format("  bandwidth   {:.1f} GB/s  (STREAM triad, 3 arrays of {} MiB, last-level cache {}, median of {})\n",
                     f.triad.gbps, f.triad.bytes_per_array / (1024 * 1024),
                     f.triad.llc_bytes > 0 ? fmt::format("{} MiB", f.triad.llc_bytes / (1024 * 1024)) : "unknown",
                     f.triad.samples_ns.size());
  out += fmt::format("  load        1-minute load average {:.2f} before, {:.2f} after", f.load_average_before,
                     f.load_average_after);
  if (f.triad.llc_bytes > 0 && f.triad.bytes_per_array < 4 * f.triad.llc_bytes) {
    out += "\n  note        the triad's arrays are smaller than 4x the last-level cache: part of the traffic may be "
           "served by the cache";
  }
  return out + "\n";
}

} // namespace gbench::peak

// peak/peak: a --peak file read back, refused with the field and the fix; the bf16 hardware named.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/peak/peak.hpp"
#include "gbench/record/peak.hpp"
#include "gbench/util/files.hpp"
#include "peak_figures.hpp"

using Catch::Matchers::Contains;
using gbench_test::sample_figures;

TEST_CASE("a bad peak file is named with the field and the fix, exit 3", "[peak]") {
  gbench::util::temp_dir dir;
  const auto write = [&](const std::string& name, const std::string& text) {
    const auto p = dir.path() / name;
    std::ofstream(p) << text;
    return p;
  };
  auto j = gbench::record::to_json(sample_figures(true));
  j["triad"].erase("gbps");
  const auto missing = write("missing.json", j.dump());
  CHECK_THROWS_WITH(gbench::peak::read_file(missing), Contains("missing.json") && Contains("gbps") &&
                                                          Contains("graviton-bench peak --json"));
  j = gbench::record::to_json(sample_figures(true));
  j["fp32_gemm"]["gflops"] = "fast";
  CHECK_THROWS_WITH(gbench::peak::read_file(write("typed.json", j.dump())),
                    Contains("fp32_gemm") && Contains("gflops") && Contains("expected a number"));
  j = gbench::record::to_json(sample_figures(true));
  j["schema_version"] = 2;
  CHECK_THROWS_WITH(gbench::peak::read_file(write("newer.json", j.dump())), Contains("version 2"));
  CHECK_THROWS_WITH(gbench::peak::read_file(write("cut.json", j.dump().substr(0, 40))), Contains("cut.json:1:"));
  CHECK_THROWS_AS(gbench::peak::read_file(dir.path() / "none.json"), gbench::input_error);
  // A report with figures in its context gives them; one without says so.
  nlohmann::json report{{"schema", "graviton-bench-report"}, {"schema_version", 1},
                        {"context", {{"peak", gbench::record::to_json(sample_figures(false))}}}};
  const auto with = gbench::peak::read_file(write("report.json", report.dump()));
  CHECK(with.fp32.gflops == 200.0);
  CHECK(with.source == "file");
  report["context"]["peak"] = nullptr;
  CHECK_THROWS_WITH(gbench::peak::read_file(write("bare.json", report.dump())), Contains("holds no peak figures"));
}

TEST_CASE("bf16 hardware is named from the CPU's features, and none on AVX2", "[peak]") {
  gbench::host::host_info h;
  h.arch = "x86_64";
  h.isa_features = {"avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16", "amx_bf16", "amx_tile"};
  CHECK_THAT(gbench::peak::bf16_hardware(h), Contains("AMX") && Contains("AVX-512 BF16"));
  h.isa_features = {"avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16"};
  CHECK(gbench::peak::bf16_hardware(h) == "AVX-512 BF16 (avx512_bf16)");
  h.isa_features = {"avx2"};
  CHECK(gbench::peak::bf16_hardware(h).empty());
  h.arch = "aarch64";
  h.isa_features = {"asimd", "sve", "bf16", "i8mm"};
  CHECK_THAT(gbench::peak::bf16_hardware(h), Contains("BF16"));
}

// record/peak: a host's peak figures survive their file format.
#include <catch2/catch.hpp>

#include "gbench/record/peak.hpp"
#include "peak_figures.hpp"

using gbench_test::sample_figures;

TEST_CASE("peak figures survive their file format", "[peak]") {
  for (const bool bf16 : {true, false}) {
    const auto f = sample_figures(bf16);
    const auto j = gbench::record::to_json(f);
    gbench::record::peak_figures back;
    gbench::record::from_json(gbench::record::node(j, "test"), back);
    CHECK(back.fp32.gflops == 200.0);
    CHECK(back.bf16.has_value() == bf16);
    CHECK(back.triad.gbps == 20.0);
    CHECK(back.cpu_model == "Some CPU");
    CHECK(gbench::record::to_json(back) == j);
  }
}

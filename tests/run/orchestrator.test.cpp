// run/orchestrator: what a preset's process is given: its environment, its preset with the command line's
// overrides, and a batch that would not fit refused before it starts.
#include <catch2/catch.hpp>

#include <algorithm>

#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/run/orchestrator.hpp"

using namespace gbench::run;

TEST_CASE("a child's environment holds exactly the preset's knobs", "[run][env]") {
  const std::vector<std::string> parent{"PATH=/bin", "DNNL_DEFAULT_FPMATH_MODE=STRICT", "THP_MEM_ALLOC_ENABLE=1",
                                        "HOME=/root", "TORCH_MKLDNN_MATMUL_MIN_DIM=7"};
  const std::vector<std::string> managed{"DNNL_DEFAULT_FPMATH_MODE", "THP_MEM_ALLOC_ENABLE", "TORCH_MKLDNN_MATMUL_MIN_DIM"};
  auto env = child_environment(parent, managed, {{"DNNL_DEFAULT_FPMATH_MODE", "BF16"}}, {});
  std::sort(env.begin(), env.end());
  CHECK(env == std::vector<std::string>{"DNNL_DEFAULT_FPMATH_MODE=BF16", "HOME=/root", "PATH=/bin"});

  auto with_override = child_environment(parent, managed, {{"DNNL_DEFAULT_FPMATH_MODE", "BF16"}},
                                         {{"TORCH_MKLDNN_MATMUL_MIN_DIM", "64"}});
  std::sort(with_override.begin(), with_override.end());
  CHECK(with_override == std::vector<std::string>{"DNNL_DEFAULT_FPMATH_MODE=BF16", "HOME=/root", "PATH=/bin",
                                                  "TORCH_MKLDNN_MATMUL_MIN_DIM=64"});
}

TEST_CASE("a batch that would not fit is refused with the figures", "[run]") {
  const auto model = gbench::config::load_model("recipe-mlp", GBENCH_CONFIGS "/models");
  const std::int64_t two_gib = std::int64_t{2} << 30;
  CHECK_NOTHROW(check_memory(model, {256, 32, 10}, two_gib));
  try {
    check_memory(model, {32, 100000}, two_gib);
    FAIL("expected a memory_error");
  } catch (const gbench::memory_error& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("--batch 100000") && Catch::Matchers::Contains("2.0 GiB"));
    CHECK(e.code() == gbench::exit_code::out_of_memory);
  }
}

TEST_CASE("the threads and env options override a preset", "[run]") {
  plan p;
  p.threads = 1;
  p.env_overrides = {{"THP_MEM_ALLOC_ENABLE", "1"}};
  gbench::config::preset base{"bf16", "", {{"DNNL_DEFAULT_FPMATH_MODE", "BF16"}}, {}};
  base.settings.threads = 4;
  const auto eff = effective_preset(p, base);
  CHECK(eff.settings.threads == 1);
  CHECK(eff.env.at("THP_MEM_ALLOC_ENABLE") == "1");
  CHECK(eff.env.at("DNNL_DEFAULT_FPMATH_MODE") == "BF16");
}

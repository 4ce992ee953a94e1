#include <catch2/catch.hpp>

#include "gbench/host/host_info.hpp"
#include "gbench/util/files.hpp"

using namespace gbench::host;

TEST_CASE("x86 cpuinfo: model name and flags", "[host]") {
  const auto facts = parse_cpuinfo(gbench::util::read_text_file(GBENCH_TEST_DATA "/cpuinfo-x86-epyc.txt"));
  CHECK(facts.cpu_model == "AMD EPYC");
  CHECK(facts.microarchitecture.empty());
  CHECK(std::find(facts.flags.begin(), facts.flags.end(), "avx2") != facts.flags.end());
  CHECK(std::find(facts.flags.begin(), facts.flags.end(), "avx512f") == facts.flags.end());
}

TEST_CASE("aarch64 cpuinfo: Neoverse V1 is Graviton3, with SVE, BF16 and I8MM", "[host]") {
  const auto facts = parse_cpuinfo(gbench::util::read_text_file(GBENCH_TEST_DATA "/cpuinfo-graviton3.txt"));
  CHECK(facts.microarchitecture == "Neoverse V1 (Graviton3)");
  CHECK(facts.cpu_model == "Neoverse V1 (Graviton3)");
  for (const char* f : {"sve", "bf16", "i8mm", "asimd"}) {
    INFO(f);
    CHECK(std::find(facts.flags.begin(), facts.flags.end(), f) != facts.flags.end());
  }
}

TEST_CASE("THP mode is the bracketed word", "[host]") {
  CHECK(parse_thp_mode("always [madvise] never\n") == "madvise");
  CHECK(parse_thp_mode("[always] madvise never\n") == "always");
  CHECK(parse_thp_mode("") == "unavailable");
}

TEST_CASE("meminfo fields are read in bytes", "[host]") {
  const std::string text = "MemTotal:       24576000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n";
  CHECK(parse_meminfo_bytes(text, "MemAvailable") == std::int64_t{20000000} * 1024);
  CHECK(parse_meminfo_bytes(text, "MemTotal") == std::int64_t{24576000} * 1024);
  CHECK_FALSE(parse_meminfo_bytes(text, "SwapTotal").has_value());
}

TEST_CASE("the host this runs on is described", "[host]") {
  const auto h = query_host();
  CHECK_FALSE(h.arch.empty());
  CHECK(h.cores >= 1);
  CHECK(h.mem_available_bytes > 0);
}

// report/csv_reporter: CSV that an RFC 4180 reader parses, one row per preset and batch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "report/synthetic_report.hpp"

using gbench_test::render;

namespace {

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  // RFC 4180: quoted fields may hold commas, quotes (doubled) and newlines.
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  rows.pop_back(); // after the last newline
  return rows;
}

} // namespace

TEST_CASE("csv output parses, one row per preset and batch", "[report]") {
  const auto rows = parse_csv(render("csv"));
  REQUIRE(rows.size() == 5);
  const auto& header = rows[0];
  for (const auto& row : rows) {
    CHECK(row.size() == header.size());
  }
  CHECK(header[0] == "preset");
  CHECK(rows[1][0] == "default");
  CHECK(rows[1][1] == "32");
  CHECK(std::stod(rows[1][3]) == Approx(1'150'000)); // median of 1.0 1.1 1.2 1.3 ms
  CHECK(rows[4].back().rfind("failed: not measured", 0) == 0);
  const auto column = [&](const std::string& key) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), key) - header.begin());
  };
  // The speed-up of bf16 at batch 32 against default: 1.15 ms / 925 ns.
  CHECK(rows[3][0] == "bf16");
  CHECK(std::stod(rows[3].at(column("speedup"))) == Approx(1'150'000.0 / 925.0));
  // The roofline of default at batch 32: tiny-mlp moves its 80722 weights and 32*(256+128+128+344+344+10)
  // activations, all float32, for 32*160480 FLOPs: 10.7 FLOP/B, above the ridge of 200 GFLOP/s at 20 GB/s, so
  // compute-bound; at batch 10 (4.3 FLOP/B) memory-bound.
  const double intensity = 32.0 * 160480 / (4.0 * (80722 + 32 * (256 + 128 + 128 + 344 + 344 + 10)));
  CHECK(std::stod(rows[1].at(column("intensity_flop_per_byte"))) == Approx(intensity));
  CHECK(std::stod(rows[1].at(column("bound_gflops"))) == Approx(200));
  const double gflops = 32.0 * 160480 / 1'150'000;
  CHECK(std::stod(rows[1].at(column("percent_of_bound"))) == Approx(100 * gflops / 200));
  const double intensity10 = 10.0 * 160480 / (4.0 * (80722 + 10 * (256 + 128 + 128 + 344 + 344 + 10)));
  CHECK(std::stod(rows[2].at(column("bound_gflops"))) == Approx(intensity10 * 20));
  CHECK(rows[4].at(column("percent_of_bound")).empty()); // failed: no roofline
}

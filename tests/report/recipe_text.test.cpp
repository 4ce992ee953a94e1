// report/recipe_text: the recipe's rows for people, a line each and its reason below.
#include <catch2/catch.hpp>

#include <sstream>

#include "gbench/report/recipe_text.hpp"

using Catch::Matchers::Contains;

TEST_CASE("the recipe's rows: published, measured with its interval, verdict, reason", "[report][recipe]") {
  gbench::record::recipe_check c;
  c.source = "the recipe";
  c.arch = "x86_64";
  c.cpu_model = "a CPU";
  c.report = "r.json";
  gbench::record::recipe_row row;
  row.name = "THP, batch 256";
  row.preset = "thp";
  row.baseline = "bf16";
  row.batch = 256;
  row.published_ratio = 1.0844;
  row.speedup = 1.02;
  row.speedup_low = 0.98;
  row.speedup_high = 1.05;
  row.verdict = "different";
  row.reason = "thp at 256: routes";
  c.rows.push_back(row);
  row.name = "bf16";
  row.speedup.reset();
  row.verdict = "not measured";
  c.rows.push_back(row);
  std::ostringstream out;
  gbench::report::print_recipe(c, out);
  const auto text = out.str();
  CHECK_THAT(text, Contains("on this x86_64 (a CPU)") && Contains("published: the recipe"));
  // Columns aligned under the header: published, measured, verdict.
  CHECK_THAT(text, Contains("claim           published  measured [95% interval]  verdict\n"));
  CHECK_THAT(text, Contains("THP, batch 256      1.08x       1.02x [0.98, 1.05]  different\n"));
  CHECK_THAT(text, Contains("    thp vs bf16 @256: thp at 256: routes\n"));
  CHECK_THAT(text, Contains("bf16                1.08x                        -  not measured\n"));
  CHECK_THAT(text, Contains("full report: r.json"));
}

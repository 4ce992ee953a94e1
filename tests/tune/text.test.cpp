// tune/text: what tune prints for people, from a search result made by hand.
#include <catch2/catch.hpp>

#include <sstream>

#include "gbench/tune/text.hpp"
#include "tune/result_fixture.hpp"

using Catch::Matchers::Contains;

TEST_CASE("tune text: the space, then the winner, the eliminated, how each stage raced", "[tune][text]") {
  const auto r = gbench_test::hand_made_result();
  std::ostringstream space;
  gbench::tune::write_space_text(r.space, "tiny-mlp", r.options, space);
  CHECK_THAT(space.str(), Contains("tune: model tiny-mlp, batches 8, strategy staged"));
  CHECK_THAT(space.str(), Contains("search FAST") && Contains("(unset), ON"));
  CHECK_THAT(space.str(), Contains("not searched: MIN_DIM"));

  std::ostringstream out;
  gbench::tune::write_result_text(r, out);
  const auto text = out.str();
  CHECK_THAT(text, Contains("batch 8\n  winner: FAST=ON  1.400x default [1.372, 1.428]"));
  CHECK_THAT(text, Contains("confirmation race in lockstep"));
  CHECK_THAT(text, Contains("default (stage math, round 2): slower than FAST=ON"));
  CHECK_THAT(text, Contains("rejected by the accuracy guard:\n    matmul_precision=medium (stage math)"));
  // Each stage once, with its design; the fallback with its note.
  CHECK_THAT(text, Contains("races\n  math: lockstep, 3 process sets of co-resident workers taking turns\n"));
  CHECK_THAT(text, Contains("  STEP: rounds, 2 rounds of a process per candidate (note: the 4 candidates' workers "
                            "would not fit in memory together"));
  CHECK_THAT(text, Contains("time: 12 s for 0 processes") && Contains("would take about 120 s (10.0x as long)"));
}

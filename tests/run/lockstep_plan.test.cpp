// run/lockstep_plan: the turn order, the turns' size, the memory check (the workers themselves:
// tests/app/lockstep.test.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "gbench/config/model_spec.hpp"
#include "gbench/run/lockstep.hpp"

using namespace gbench;

TEST_CASE("turn order: every worker once a cycle, every position once a block, seeded and random",
          "[run][lockstep]") {
  for (const std::size_t workers : {1U, 2U, 3U, 5U}) {
    INFO(workers << " workers");
    const auto order = run::turn_order(workers, 23, 7);
    REQUIRE(order.size() == 23);
    for (const auto& cycle : order) {
      CHECK(std::set<std::size_t>(cycle.begin(), cycle.end()).size() == workers);
      CHECK(*std::max_element(cycle.begin(), cycle.end()) == workers - 1);
    }
    // In each whole block of `workers` cycles, every worker takes every position exactly once.
    for (std::size_t block = 0; (block + 1) * workers <= order.size(); ++block) {
      for (std::size_t pos = 0; pos < workers; ++pos) {
        std::set<std::size_t> at_pos;
        for (std::size_t c = block * workers; c < (block + 1) * workers; ++c) {
          at_pos.insert(order[c][pos]);
        }
        CHECK(at_pos.size() == workers);
      }
    }
    CHECK(run::turn_order(workers, 23, 7) == order); // the same seed, the same order
  }
  // Another seed, another order; and the first position is not always held by the same worker.
  const auto a = run::turn_order(3, 30, 1);
  const auto b = run::turn_order(3, 30, 2);
  CHECK(a != b);
  std::set<std::size_t> firsts;
  for (const auto& cycle : a) {
    firsts.insert(cycle.front());
  }
  CHECK(firsts.size() == 3);
  CHECK(run::turn_order(0, 5, 1).empty());
}

TEST_CASE("a turn is the turn length over a forward, at least one forward", "[run][lockstep]") {
  CHECK(run::forwards_per_turn(0.1, 30e3) == 3333);
  CHECK(run::forwards_per_turn(0.1, 0.4e9) == 1); // a forward longer than the turn: one a turn
  CHECK(run::forwards_per_turn(0.1, 0.0) == 1);
}

TEST_CASE("co-resident workers must fit in memory together", "[run][lockstep]") {
  run::plan p;
  p.model = config::load_model("recipe-mlp", GBENCH_CONFIGS "/models");
  p.presets.resize(3);
  p.batches = {256, 32};
  const auto one = p.model.estimate_bytes(256);
  CHECK(run::coresident_fit(p, 3 * one));
  CHECK_FALSE(run::coresident_fit(p, 3 * one - 1));
  CHECK(run::coresident_fit(p, 0)); // unknown memory
}

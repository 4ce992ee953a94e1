// backend/profiler: the profiler on a real LibTorch: the recipe's scope, and one addmm per layer and forward.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <iterator>

#include <nlohmann/json.hpp>

#include "gbench/backend/mlp.hpp"
#include "gbench/backend/profiler.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/util/files.hpp"

using namespace gbench;
using profile::event;

namespace {

const profile::op_stats& op(const profile::table& t, const std::string& name, const std::string& shapes = "") {
  const auto it = std::find_if(t.ops.begin(), t.ops.end(),
                               [&](const profile::op_stats& s) { return s.name == name && s.input_shapes == shapes; });
  REQUIRE(it != t.ops.end());
  return *it;
}

} // namespace

TEST_CASE("profile_forwards records the recipe's scope and one addmm per layer and forward", "[profile][libtorch]") {
  const auto spec = config::load_model("tiny-mlp", GBENCH_CONFIGS "/models");
  backend::mlp_session session(spec, 42);
  session.prepare(4);
  const util::temp_dir dir("gbench-profile-test");
  const auto trace = dir.path() / "trace.json";

  const auto events = backend::profile_forwards(session, 3, true, trace.string());
  const auto count = [&](const std::string& name) {
    return std::count_if(events.begin(), events.end(), [&](const event& e) { return e.name == name; });
  };
  CHECK(count("mymodel_inference") == 1);
  // The session's forward calls aten::linear as Python's nn.Linear does (torch::nn::Linear's own C++
  // forward would call aten::addmm directly), and aten::linear calls aten::addmm.
  CHECK(count("aten::addmm") == 3 * 3);
  CHECK(count("aten::linear") == 3 * 3);
  std::vector<event> addmms;
  std::copy_if(events.begin(), events.end(), std::back_inserter(addmms),
               [](const event& e) { return e.name == "aten::addmm"; });
  REQUIRE(!addmms.empty());
  const auto first_addmm = std::min_element(addmms.begin(), addmms.end(),
                                            [](const event& a, const event& b) { return a.start_ns < b.start_ns; });
  CHECK(first_addmm->input_shapes == "[[128], [4, 256], [256, 128], [], []]"); // as Python prints it

  const auto t = profile::aggregate(events, false);
  CHECK(op(t, "mymodel_inference").count == 1);
  CHECK(op(t, "aten::addmm").count == 9);
  // The scope holds every forward; nothing else ran on the profiled thread.
  CHECK(op(t, "mymodel_inference").cpu_total_percent == Approx(100.0));
  const auto by_shape = profile::aggregate(events, true);
  CHECK(op(by_shape, "aten::addmm", "[[128], [4, 256], [256, 128], [], []]").count == 3);
  CHECK(op(by_shape, "aten::addmm", "[[344], [4, 128], [128, 344], [], []]").count == 3);
  CHECK(op(by_shape, "aten::addmm", "[[10], [4, 344], [344, 10], [], []]").count == 3);
  CHECK(op(by_shape, "mymodel_inference").input_shapes.empty());

  REQUIRE(std::filesystem::exists(trace));
  const auto chrome = nlohmann::json::parse(util::read_text_file(trace));
  CHECK(chrome.contains("traceEvents"));

  SECTION("without record_shapes no shapes are reported") {
    const auto plain = backend::profile_forwards(session, 1, false, "");
    CHECK(std::all_of(plain.begin(), plain.end(), [](const event& e) { return e.input_shapes.empty(); }));
  }
  SECTION("a trace path that cannot be written is an output error") {
    CHECK_THROWS_AS(backend::profile_forwards(session, 1, false, (dir.path() / "missing" / "t.json").string()),
                    output_error);
  }
}

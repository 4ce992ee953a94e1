// profile/aggregate: PyTorch's key_averages() of profiler events: self time, calls, nesting, and the events
// Python leaves out. The table's text: table_text.test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>

#include "gbench/profile/aggregate.hpp"

using namespace gbench;

namespace {

const profile::op_stats& op(const profile::table& t, const std::string& name, const std::string& shapes = "") {
  const auto it = std::find_if(t.ops.begin(), t.ops.end(),
                               [&](const profile::op_stats& s) { return s.name == name && s.input_shapes == shapes; });
  REQUIRE(it != t.ops.end());
  return *it;
}

bool has_op(const profile::table& t, const std::string& name) {
  return std::any_of(t.ops.begin(), t.ops.end(), [&](const profile::op_stats& s) { return s.name == name; });
}

} // namespace

TEST_CASE("self time is the time outside the children", "[profile]") {
  // outer [0, 10us] holds a [1, 3us] and b [4, 8us]: 4us of its own.
  const auto t = profile::aggregate({{"outer", 0, 10'000, 1, false, false, ""},
                                     {"a", 1'000, 3'000, 1, false, false, ""},
                                     {"b", 4'000, 8'000, 1, false, false, ""}},
                                    false);
  REQUIRE(t.ops.size() == 3);
  CHECK(t.ops[0].name == "outer"); // first started first
  CHECK(op(t, "outer").self_cpu_us == Approx(4.0));
  CHECK(op(t, "outer").cpu_total_us == Approx(10.0));
  CHECK(op(t, "a").self_cpu_us == Approx(2.0));
  CHECK(op(t, "b").self_cpu_us == Approx(4.0));
  CHECK(t.self_cpu_total_us == Approx(10.0));
  CHECK(op(t, "outer").self_cpu_percent == Approx(40.0));
  CHECK(op(t, "outer").cpu_total_percent == Approx(100.0));
  CHECK(op(t, "b").cpu_total_percent == Approx(40.0));
}

TEST_CASE("calls are counted and averaged per name", "[profile]") {
  const auto t = profile::aggregate({{"step", 0, 10'000, 1, false, false, ""},
                                     {"mm", 1'000, 2'000, 1, false, false, "[[2, 2]]"},
                                     {"mm", 3'000, 6'000, 1, false, false, "[[4, 4]]"},
                                     {"step", 20'000, 30'000, 1, false, false, ""},
                                     {"mm", 21'000, 29'000, 1, false, false, "[[2, 2]]"}},
                                    false);
  CHECK(op(t, "step").count == 2);
  CHECK(op(t, "mm").count == 3);
  CHECK(op(t, "mm").cpu_total_us == Approx(12.0));
  CHECK(op(t, "mm").cpu_avg_us() == Approx(4.0));
  CHECK(op(t, "step").self_cpu_us == Approx(20.0 - 12.0));

  SECTION("or per name and input shapes") {
    const auto by_shape = profile::aggregate({{"mm", 1'000, 2'000, 1, false, false, "[[2, 2]]"},
                                              {"mm", 3'000, 6'000, 1, false, false, "[[4, 4]]"},
                                              {"mm", 21'000, 29'000, 1, false, false, "[[2, 2]]"}},
                                             true);
    CHECK(op(by_shape, "mm", "[[2, 2]]").count == 2);
    CHECK(op(by_shape, "mm", "[[4, 4]]").count == 1);
  }
}

TEST_CASE("an op whose only child has its name counts once", "[profile]") {
  const auto t = profile::aggregate({{"aten::addmm", 0, 10'000, 1, false, false, ""},
                                     {"aten::addmm", 1'000, 9'000, 1, false, false, ""},
                                     {"aten::addmm", 1'500, 8'500, 1, false, false, ""},
                                     {"aten::mm", 2'000, 3'000, 1, false, false, ""},
                                     // two children: both stay
                                     {"aten::to", 20'000, 30'000, 1, false, false, ""},
                                     {"aten::to", 21'000, 22'000, 1, false, false, ""},
                                     {"aten::copy_", 23'000, 29'000, 1, false, false, ""}},
                                    false);
  CHECK(op(t, "aten::addmm").count == 1);
  CHECK(op(t, "aten::addmm").cpu_total_us == Approx(10.0));
  CHECK(op(t, "aten::addmm").self_cpu_us == Approx(9.0));
  CHECK(op(t, "aten::to").count == 2);
  CHECK(op(t, "aten::to").self_cpu_us == Approx(3.0 + 1.0));
}

TEST_CASE("profiler-internal, hidden and async events are treated as Python treats them", "[profile]") {
  const auto t = profile::aggregate({{"outer", 0, 10'000, 1, false, false, ""},
                                     {"aten::is_leaf", 1'000, 2'000, 1, false, false, ""},
                                     {"profiler::_record_function_enter_new", 1'000, 2'000, 1, false, false, ""},
                                     {"hidden", 3'000, 4'000, 1, false, true, ""},
                                     {"[memory]", 5'000, 5'000, 1, false, false, ""}, // inside outer: dropped
                                     {"[memory]", 50'000, 50'000, 1, false, false, ""}, // outside all: a row
                                     {"async", 1'000, 9'000, 1, true, false, ""},
                                     {"other_thread", 2'000, 20'000, 2, false, false, ""}},
                                    false);
  CHECK_FALSE(has_op(t, "aten::is_leaf"));
  CHECK_FALSE(has_op(t, "profiler::_record_function_enter_new"));
  CHECK_FALSE(has_op(t, "hidden"));
  CHECK(op(t, "[memory]").count == 1);
  CHECK(op(t, "[memory]").cpu_total_us == 0);
  // async: counted with its time, but no self time and no children or parent
  CHECK(op(t, "async").count == 1);
  CHECK(op(t, "async").cpu_total_us == Approx(8.0));
  CHECK(op(t, "async").self_cpu_us == 0);
  CHECK(op(t, "async").is_async);
  CHECK(op(t, "outer").self_cpu_us == Approx(10.0));
  // another thread's event overlapping outer is not its child
  CHECK(op(t, "other_thread").self_cpu_us == Approx(18.0));
  CHECK(t.self_cpu_total_us == Approx(28.0));
  CHECK(profile::format_table(t, "", -1, false).find("           0  ") != std::string::npos); // async CPU total %
}

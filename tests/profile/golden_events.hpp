#pragma once

#include <vector>

#include "gbench/profile/aggregate.hpp"

namespace gbench_test {

using gbench::profile::event;

// The golden profile. tests/profile_golden.py reads the lines between the two markers, gives the same
// events to PyTorch's own code (profile._parse_kineto_results, EventList._build_tree, key_averages,
// table) and writes what Python prints to tests/baselines/profile-table*.txt. So the baselines are
// Python's output, not ours: regenerate them with `.venv/bin/python tests/profile_golden.py` after
// editing the events, never from this test. Fields: name, start_ns, end_ns, thread, is_async,
// is_hidden, input_shapes.
inline const std::vector<event>& golden_events() {
  static const std::vector<event> events{
      // golden events begin
      {"ProfilerStep#1", 100, 50'000, 140234567890123, false, false, ""},
      {"aten::mul", 200, 20'000, 140234567890123, false, false, "[[8], [8]]"},
      {"aten::mul", 30'000, 60'000, 140234567890123, false, false, "[[8], [8]]"},
      {"mymodel_inference", 0, 1'500'000'000, 1, false, false, "[]"},
      {"aten::linear", 1'000, 900'000'000, 1, false, false, "[[32, 4096], [4096, 4096], [4096]]"},
      {"aten::t", 2'000, 5'000, 1, false, false, "[[4096, 4096]]"},
      {"aten::transpose", 2'500, 4'500, 1, false, false, "[[4096, 4096], [], []]"},
      {"aten::as_strided", 3'000, 4'000, 1, false, false, "[[4096, 4096], [], [], []]"},
      {"aten::is_leaf", 4'600, 4'800, 1, false, false, ""},
      {"aten::addmm", 6'000, 899'000'000, 1, false, false, "[[4096], [32, 4096], [4096, 4096], [], []]"},
      {"aten::addmm", 6'500, 898'000'000, 1, false, false, "[[4096], [32, 4096], [4096, 4096], [], []]"},
      {"aten::copy_", 7'000, 9'000, 1, false, false, "[[32, 4096], [32, 4096], []]"},
      {"[memory]", 8'000, 8'000, 1, false, false, ""},
      {"aten::empty", 10'000, 11'000, 1, false, true, "[[], [], [], [], [], []]"},
      {"async_copy", 5'000, 300'000'000, 1, true, false, ""},
      {"aten::relu", 900'001'000, 900'050'000, 1, false, false, "[[32, 4096]]"},
      {"aten::clamp_min", 900'002'000, 900'049'500, 1, false, false, "[[32, 4096], []]"},
      {"aten::linear", 900'100'000, 1'400'000'000, 1, false, false, "[[32, 4096], [10, 4096], [10]]"},
      {"aten::t", 900'101'000, 900'103'000, 1, false, false, "[[10, 4096]]"},
      {"aten::addmm", 900'104'000, 1'399'999'000, 1, false, false, "[[10], [32, 4096], [4096, 10], [], []]"},
      {"profiler::_record_function_exit", 1'400'000'500, 1'400'000'700, 1, false, false, "[[]]"},
      {"_ZN2at6native12_GLOBAL__N_110add_kernelIfEEvv", 1'400'100'000, 1'400'200'000, 1, false, false, ""},
      {"aten::_a_name_of_exactly_fifty_two_code_points_here_", 1'400'300'000, 1'400'300'250, 1, false, false, ""},
      {"scope_µs", 1'400'400'000, 1'400'400'003, 1, false, false, ""},
      {"ProfilerStep#2", 70'000, 120'000, 140234567890123, false, false, ""},
      {"aten::zeros", 70'000, 70'500, 140234567890123, false, false, "[[], [], [], [], []]"},
      {"aten::linear", 71'000, 110'000, 140234567890123, false, false, "[[32, 4096], [10, 4096], [10]]"},
      {"aten::addmm", 72'000, 109'000, 140234567890123, false, false, "[[10], [32, 4096], [4096, 10], [], []]"},
      {"aten::view", 75'000, 76'000, 140234567890123, false, false, "[[32, 10], []]"},
      {"aten::_unsafe_view", 75'000, 76'000, 140234567890123, false, false, "[[32, 10], []]"},
      {"aten::contiguous", 130'000, 140'000, 140234567890123, false, false, "[[32, 10], []]"},
      {"aten::contiguous", 131'000, 139'000, 140234567890123, false, false, "[[32, 10], []]"},
      {"aten::contiguous", 132'000, 138'000, 140234567890123, false, false, "[[32, 10], []]"},
      {"aten::clone", 133'000, 137'000, 140234567890123, false, false, "[[32, 10], []]"},
      {"aten::to", 150'000, 160'000, 140234567890123, false, false, "[[32, 10], [], [], []]"},
      {"aten::to", 151'000, 152'000, 140234567890123, false, false, "[[32, 10], [], [], []]"},
      {"aten::copy_", 153'000, 159'000, 140234567890123, false, false, "[[32, 10], [32, 10], []]"},
      {"[memory]", 1'600'000'000, 1'600'000'000, 140234567890123, false, false, ""},
      {"[OutOfMemory]", 1'600'000'500, 1'600'000'500, 140234567890123, false, false, ""},
      // golden events end
  };
  return events;
}

} // namespace gbench_test

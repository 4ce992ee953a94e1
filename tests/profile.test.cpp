#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "gbench/backend/mlp.hpp"
#include "gbench/backend/profiler.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/record/run.hpp"
#include "gbench/util/files.hpp"

using namespace gbench;
using profile::event;

namespace {

// The golden profile. tests/profile_golden.py reads the lines between the two markers, gives the same
// events to PyTorch's own code (profile._parse_kineto_results, EventList._build_tree, key_averages,
// table) and writes what Python prints to tests/baselines/profile-table*.txt. So the baselines are
// Python's output, not ours: regenerate them with `.venv/bin/python tests/profile_golden.py` after
// editing the events, never from this test. Fields: name, start_ns, end_ns, thread, is_async,
// is_hidden, input_shapes.
const std::vector<event>& golden_events() {
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

// The same calls, in the same order, as tests/profile_golden.py makes in Python.
std::string golden_text(bool by_shape) {
  const auto t = profile::aggregate(golden_events(), by_shape);
  const std::vector<std::pair<std::string, int>> calls =
      by_shape ? std::vector<std::pair<std::string, int>>{{"cpu_time_total", 100}, {"self_cpu_time_total", 4}}
               : std::vector<std::pair<std::string, int>>{
                     {"self_cpu_time_total", 100}, {"cpu_time_total", 5}, {"cpu_time", -1}, {"count", 3}, {"", 100}};
  std::string out;
  for (const auto& [sort_by, row_limit] : calls) {
    out += fmt::format("sort_by={} row_limit={}\n", sort_by.empty() ? "None" : sort_by, row_limit);
    out += profile::format_table(t, sort_by, row_limit, by_shape);
    out += "\n";
  }
  return out;
}

void check_python_baseline(const std::string& name, const std::string& actual) {
  const std::filesystem::path path = std::filesystem::path(GBENCH_BASELINES) / name;
  REQUIRE(std::filesystem::exists(path));
  CHECK(util::read_text_file(path) == actual);
}

const profile::op_stats& op(const profile::table& t, const std::string& name, const std::string& shapes = "") {
  const auto it = std::find_if(t.ops.begin(), t.ops.end(),
                               [&](const profile::op_stats& s) { return s.name == name && s.input_shapes == shapes; });
  REQUIRE(it != t.ops.end());
  return *it;
}

bool has_op(const profile::table& t, const std::string& name) {
  return std::any_of(t.ops.begin(), t.ops.end(), [&](const profile::op_stats& s) { return s.name == name; });
}

// The op names of a formatted table, top to bottom.
std::vector<std::string> row_names(const std::string& text) {
  std::vector<std::string> names;
  std::istringstream in(text);
  std::string line;
  int rules = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("---")) {
      ++rules;
    } else if (rules == 2) {
      std::istringstream words(line);
      std::string first;
      words >> first;
      names.push_back(first);
    }
  }
  return names;
}

} // namespace

TEST_CASE("key_averages().table() is Python's, byte for byte", "[profile][golden]") {
  check_python_baseline("profile-table.txt", golden_text(false));
  check_python_baseline("profile-table-by-shape.txt", golden_text(true));
}

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

TEST_CASE("sort keys order the rows, largest first, and row_limit cuts them", "[profile]") {
  // a: 1 call of 6us; b: 3 calls of 1us; c: 2 calls of 2.5us; d: 1 call of 1us. Ties keep the table's order.
  const auto t = profile::aggregate({{"a", 0, 6'000, 1, false, false, ""},
                                     {"b", 10'000, 11'000, 1, false, false, ""},
                                     {"c", 12'000, 14'500, 1, false, false, ""},
                                     {"b", 15'000, 16'000, 1, false, false, ""},
                                     {"c", 17'000, 19'500, 1, false, false, ""},
                                     {"b", 20'000, 21'000, 1, false, false, ""},
                                     {"d", 22'000, 23'000, 1, false, false, ""}},
                                    false);
  using names = std::vector<std::string>;
  CHECK(row_names(profile::format_table(t, "", -1, false)) == names{"a", "b", "c", "d"});
  CHECK(row_names(profile::format_table(t, "self_cpu_time_total", -1, false)) == names{"a", "c", "b", "d"});
  CHECK(row_names(profile::format_table(t, "cpu_time_total", -1, false)) == names{"a", "c", "b", "d"});
  CHECK(row_names(profile::format_table(t, "cpu_time", -1, false)) == names{"a", "c", "b", "d"});
  CHECK(row_names(profile::format_table(t, "count", -1, false)) == names{"b", "c", "a", "d"});
  CHECK(row_names(profile::format_table(t, "count", 2, false)) == names{"b", "c"});
  CHECK(row_names(profile::format_table(t, "count", 0, false)).empty());
  // The footer counts every row, printed or not.
  CHECK(profile::format_table(t, "count", 1, false).ends_with("Self CPU time total: 15.000us\n"));
}

TEST_CASE("the table's text: widths, units, percentages", "[profile]") {
  const auto t = profile::aggregate({{"top", 0, 2'000'000'000, 1, false, false, ""},
                                     {"mid", 1'000, 1'500'000, 1, false, false, ""},
                                     {"low", 2'000, 2'500, 1, false, false, ""}},
                                    false);
  const std::string text = profile::format_table(t, "self_cpu_time_total", 100, false);
  const std::string rule = "-------  ------------  ------------  ------------  "
                           "------------  ------------  ------------  \n";
  const std::string expected =
      rule + "   Name    Self CPU %      Self CPU   CPU total %     CPU total  CPU time avg    # of Calls  \n" + rule +
      "    top        99.93%        1.999s       100.00%        2.000s        2.000s             1  \n"
      "    mid         0.07%       1.498ms         0.07%       1.499ms       1.499ms             1  \n"
      "    low         0.00%       0.500us         0.00%       0.500us       0.500us             1  \n" +
      rule + "Self CPU time total: 2.000s\n";
  CHECK(text == expected);
  CHECK(profile::format_table(profile::table{}, "count", 10, false).empty());
  const auto idle = profile::aggregate({{"[memory]", 0, 0, 1, false, false, ""}}, false);
  CHECK(profile::format_table(idle, "", 10, false).find("NaN") != std::string::npos);
}

TEST_CASE("an unknown sort key names the valid ones", "[profile]") {
  const auto t = profile::aggregate({{"a", 0, 1'000, 1, false, false, ""}}, false);
  CHECK_THROWS_AS(profile::format_table(t, "self_cpu", 10, false), input_error);
  CHECK_THROWS_WITH(profile::format_table(t, "self_cpu", 10, false),
                    Catch::Contains("'self_cpu'") &&
                        Catch::Contains("self_cpu_time_total, cpu_time_total, cpu_time, count"));
  CHECK(profile::sort_keys() == std::vector<std::string>{"self_cpu_time_total", "cpu_time_total", "cpu_time", "count"});
}

TEST_CASE("a table survives a JSON report", "[profile]") {
  for (const bool by_shape : {false, true}) {
    const auto t = profile::aggregate(golden_events(), by_shape);
    const auto j = nlohmann::json::parse(record::to_json(t).dump());
    profile::table back;
    from_json(record::node(j, "r.json"), back);
    REQUIRE(back.ops.size() == t.ops.size());
    CHECK(back.self_cpu_total_us == t.self_cpu_total_us);
    for (std::size_t i = 0; i < t.ops.size(); ++i) {
      CHECK(back.ops[i].name == t.ops[i].name);
      CHECK(back.ops[i].input_shapes == t.ops[i].input_shapes);
      CHECK(back.ops[i].count == t.ops[i].count);
      CHECK(back.ops[i].self_cpu_us == t.ops[i].self_cpu_us);
      CHECK(back.ops[i].cpu_total_us == t.ops[i].cpu_total_us);
      CHECK(back.ops[i].is_async == t.ops[i].is_async);
    }
    CHECK(profile::format_table(back, "self_cpu_time_total", 100, by_shape) ==
          profile::format_table(t, "self_cpu_time_total", 100, by_shape));
  }
  const auto j = record::to_json(profile::aggregate({{"mm", 0, 3'000, 1, false, false, "[[2, 2]]"}}, true));
  CHECK(j.at("ops").at(0).at("input_shapes") == "[[2, 2]]");
  CHECK(j.at("ops").at(0).at("cpu_avg_us") == 3.0);
  auto broken = j;
  broken["ops"][0].erase("count");
  profile::table none;
  CHECK_THROWS_AS(from_json(record::node(broken, "r.json"), none), report_error);
  CHECK_THROWS_WITH(from_json(record::node(broken, "r.json"), none), Catch::Contains("r.json: ops[0]: missing key 'count'"));
}

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

// profile/table_text: the text of key_averages().table(), Python's byte for byte (golden files written by
// tests/profile_golden.py with PyTorch itself), its sort keys, widths and units.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/util/files.hpp"
#include "profile/golden_events.hpp"

using namespace gbench;
using gbench_test::golden_events;

namespace {

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

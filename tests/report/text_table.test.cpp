// report/text_table: column-aligned text and markdown tables, the layouts every text reporter uses.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "gbench/report/text_table.hpp"

using namespace gbench;

TEST_CASE("aligned tables: widest cell per column, a rule under the header and above the footer, no trailing blanks",
          "[report]") {
  const std::vector<std::vector<std::string>> body{{"default", "1.2 ms"}, {"bf16", "950 us"}, {"geomean", "x"}};
  CHECK(report::aligned_table({"preset", "median"}, {false, true}, body, 1) == "preset   median\n"
                                                                               "-------  ------\n"
                                                                               "default  1.2 ms\n"
                                                                               "bf16     950 us\n"
                                                                               "-------  ------\n"
                                                                               "geomean       x\n");
  // The last column left-aligned: its padding is not left at the end of the line.
  CHECK(report::aligned_table({"a", "note"}, {false, false}, {{"1", ""}}) == "a  note\n-  ----\n1\n");
}

TEST_CASE("markdown tables: the alignment row follows the columns, and '|' in a cell is escaped", "[report]") {
  CHECK(report::markdown_cell("a|b") == "a\\|b");
  CHECK(report::markdown_table({"preset", "speedup"}, {false, true}, {{"x|y", "1.5"}}) == "| preset | speedup |\n"
                                                                                          "| :--- | ---: |\n"
                                                                                          "| x\\|y | 1.5 |\n");
}

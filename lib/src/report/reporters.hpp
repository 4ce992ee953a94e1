#pragma once

// The reporter of each format (one file each), for the factory in reporter.cpp.
#include <memory>
#include <string>
#include <vector>

#include "gbench/report/reporter.hpp"

namespace gbench::report {

std::unique_ptr<reporter> make_table_reporter(const reporter_options& options);
std::unique_ptr<reporter> make_markdown_reporter(std::vector<std::string> columns);
std::unique_ptr<reporter> make_csv_reporter(std::vector<std::string> columns);
std::unique_ptr<reporter> make_json_reporter();
std::unique_ptr<reporter> make_jsonl_reporter();

} // namespace gbench::report

#include "gbench/report/reporter.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/report/columns.hpp"
#include "reporters.hpp"

namespace gbench::report {

void reporter::write(const compare::report_diff& /*d*/, std::ostream& /*out*/) const {
  throw input_error(fmt::format("this format has no form for a comparison of two reports; valid formats: {}",
                                fmt::join(diff_formats(), ", ")));
}

std::vector<std::string> reporter_formats() { return {"table", "markdown", "csv", "json", "jsonl"}; }

std::vector<std::string> diff_formats() { return {"table", "markdown", "json"}; }

std::unique_ptr<reporter> make_reporter(const std::string& format, const reporter_options& options) {
  if (options.columns) {
    (void)run_columns_for({}, *options.columns); // an unknown column is refused before anything runs
  }
  const std::vector<std::string> every{"all"};
  if (format == "table") {
    return make_table_reporter(options);
  }
  if (format == "markdown") {
    return make_markdown_reporter(options.columns.value_or(every));
  }
  if (format == "csv") {
    return make_csv_reporter(options.columns.value_or(every));
  }
  if (format == "json") {
    return make_json_reporter();
  }
  if (format == "jsonl") {
    return make_jsonl_reporter();
  }
  throw input_error(fmt::format("--format: unknown format '{}'; valid formats: {}", format,
                                fmt::join(reporter_formats(), ", ")));
}

std::unique_ptr<reporter> make_diff_reporter(const std::string& format) {
  const auto formats = diff_formats();
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    throw input_error(
        fmt::format("--format: unknown format '{}'; valid formats: {}", format, fmt::join(formats, ", ")));
  }
  return make_reporter(format);
}

} // namespace gbench::report

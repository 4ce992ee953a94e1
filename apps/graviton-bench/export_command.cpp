#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gbench/error.hpp"
#include "gbench/report/google_benchmark.hpp"
#include "gbench/compare/stored_report.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::app {

CLI::App* setup_export(CLI::App& app, export_options& opt) {
  auto* sub = app.add_subcommand("export", "Convert a report (written by --json) to another tool's format");
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
  sub->add_option("report", opt.report, "REPORT.json")->required();
  sub->add_option("--format", opt.format,
                  "gbench: Google Benchmark JSON, read by google/benchmark's compare.py and CI benchmark services")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("-o,--output", opt.output, "Write to this file (atomically) instead of stdout")
      ->multi_option_policy(last);
  return sub;
}

int run_export(const export_options& opt) {
  if (opt.format != "gbench") {
    throw input_error(fmt::format("--format: unknown format '{}'; valid formats: gbench", opt.format));
  }
  if (!opt.output.empty()) {
    util::check_writable(opt.output, "--output");
  }
  const auto r = compare::load_stored_report(opt.report);
  const std::string text = util::json_dump(report::to_google_benchmark_json(r), 2) + "\n";
  if (opt.output.empty()) {
    std::cout << text;
  } else {
    util::write_file_atomically(opt.output, text);
    std::cerr << "written to " << opt.output << '\n';
  }
  return 0;
}

} // namespace gbench::app

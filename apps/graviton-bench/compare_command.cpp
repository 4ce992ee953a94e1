#include <algorithm>
#include <charconv>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gbench/error.hpp"
#include "gbench/compare/report_diff.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/compare/stored_report.hpp"

namespace gbench::app {

CLI::App* setup_compare(CLI::App& app, compare_options& opt) {
  auto* sub = app.add_subcommand(
      "compare",
      "Compare a candidate's report with a baseline's (reports written by --json): per preset and batch the change of "
      "a metric, the test across processes that decides it, and a verdict; exit 10 on a regression");
  constexpr auto last = CLI::MultiOptionPolicy::TakeLast;
  sub->add_option("reports", opt.files, "BASE.json NEW.json")->expected(0, 2);
  sub->add_option("--baseline", opt.baselines,
                  "A further baseline report, pooled with BASE.json (rounds of the same build; repeatable)");
  sub->add_option("--candidate", opt.candidates,
                  "A further candidate report, pooled with NEW.json (rounds of the same build; repeatable)");
  sub->add_option("--metric", opt.metric, "median, p90, p99 (time per forward) or throughput (samples/s)")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--alpha", opt.alpha, "Significance level of the test")
      ->check(CLI::Validator(
          [](std::string& s) {
            // A validator's own exception would escape CLI11 (it catches only ValidationError): parse without one.
            double value = 0;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
            return ec == std::errc() && end == s.data() + s.size() && value > 0 && value < 1
                       ? std::string()
                       : "'" + s + "' is not a level in (0, 1), e.g. 0.05";
          },
          "in (0, 1)"))
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_option("--threshold", opt.threshold_percent, "A change must exceed this many percent to count")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->add_flag("--allow-mismatch", opt.allow_mismatch,
                "Compare reports of different model shapes, LibTorch builds or host CPUs (the differences are listed)");
  sub->add_flag("--paired", opt.paired,
                "The i-th run of each side ran next to the i-th of the other (interleaved rounds, as "
                "scripts/ci-regression runs them): pair them, so that the machine's drift between rounds cancels");
  sub->add_option("--format", opt.format, "Output on stdout: table, markdown (for a pull-request comment), json")
      ->capture_default_str()
      ->multi_option_policy(last);
  sub->footer("Exit codes: 0 no regression, 10 a regression (or a failure in the candidate only), 11 a report file "
              "cannot be used, 12 the reports' set-ups differ (without --allow-mismatch), 13 inconclusive (fewer than "
              "two runs a side somewhere, and no regression), 2 bad command line, 3 bad --metric or --format. A "
              "regression needs evidence across processes: Yuen's trimmed t on their estimates (with --paired, on the "
              "rounds' differences; with fewer than five a side, Welch's or the plain paired t); the builds of one lockstep run (--worker-bin) are compared by process set and "
              "cycle. Each table names the test that decided (docs/statistics.md).");
  return sub;
}


int run_compare(const compare_options& opt) {
  std::vector<std::string> baselines;
  std::vector<std::string> candidates;
  if (opt.files.size() == 2) {
    baselines.push_back(opt.files[0]);
    candidates.push_back(opt.files[1]);
  } else if (!opt.files.empty()) {
    throw error("compare: give two reports, BASE.json NEW.json", exit_code::usage);
  }
  baselines.insert(baselines.end(), opt.baselines.begin(), opt.baselines.end());
  candidates.insert(candidates.end(), opt.candidates.begin(), opt.candidates.end());
  if (baselines.empty() || candidates.empty()) {
    throw error("compare: give two reports, BASE.json NEW.json (or --baseline FILE and --candidate FILE)",
                exit_code::usage);
  }
  compare::diff_options o;
  o.what = compare::parse_metric(opt.metric);
  o.alpha = opt.alpha;
  o.threshold = opt.threshold_percent / 100.0;
  o.allow_mismatch = opt.allow_mismatch;
  o.paired = opt.paired;
  // Refuse a bad --format before reading anything.
  const auto reporter = report::make_diff_reporter(opt.format);
  const auto base = compare::load_side(baselines, opt.allow_mismatch);
  const auto cand = compare::load_side(candidates, opt.allow_mismatch);
  const auto result = compare::diff_reports(base, cand, o);
  reporter->write(result, std::cout);
  std::cout.flush();
  if (const auto n = result.count(compare::outcome::too_few_samples); n > 0) {
    std::cerr << fmt::format("warning: {} (preset, batch) had too few samples for the test to detect anything at "
                             "alpha {}; raise --iters\n",
                             n, o.alpha);
  }
  if (!result.differences.empty()) {
    std::cerr << fmt::format("warning: the reports' set-ups differ in {} fact(s), compared anyway (--allow-mismatch)\n",
                             result.differences.size());
  }
  if (result.regressed()) {
    return static_cast<int>(exit_code::regression);
  }
  if (result.inconclusive()) {
    for (const auto& row : result.rows) {
      if (row.result == compare::outcome::inconclusive) {
        std::cerr << fmt::format("inconclusive: {} @ {}: {} vs {} run{} a side, at least {} needed; to decide, "
                                 "measure again: {}\n",
                                 row.preset, row.batch, row.repetitions_baseline, row.repetitions_candidate,
                                 std::min(row.repetitions_baseline, row.repetitions_candidate) == 1 ? "" : "s",
                                 row.comparison ? row.comparison->runs_needed : 0, row.decide_command);
        break;
      }
    }
    return static_cast<int>(exit_code::inconclusive);
  }
  return static_cast<int>(exit_code::ok);
}

} // namespace gbench::app

#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "gbench/run/plan.hpp"

namespace gbench::app {

struct run_options {
  run::plan_options plan;     ///< what to run: shared with doctor, checked by run::make_plan
  std::string presets_file;
  std::string configs;
  std::string json_path;
  std::string format = "table";
  bool verify = false;
  bool quiet = false;
  bool no_profile = false;    ///< --no-profile: plan.profile is its opposite
  std::string sort_by = "self_cpu_time_total";
  int row_limit = 100;
  std::vector<std::string> command_line;
};
void setup_run(CLI::App& app, run_options& opt);
int run_run(const run_options& opt);

struct presets_options {
  std::string presets_file;
  std::string configs;
};
CLI::App* setup_presets(CLI::App& app, presets_options& opt);
int run_presets(const presets_options& opt);

struct doctor_options {
  run::plan_options plan = [] {
    run::plan_options p;
    p.batches = {"256", "32"};
    p.presets = {"all"};
    return p;
  }();
  std::string presets_file;
  std::string configs;
  std::string json_path;
  std::vector<std::string> command_line;
};
CLI::App* setup_doctor(CLI::App& app, doctor_options& opt);
int run_doctor(const doctor_options& opt);

struct worker_options {
  std::string job;
  std::string out;
};
CLI::App* setup_worker(CLI::App& app, worker_options& opt);
int run_worker(const worker_options& opt);

struct compare_options {
  std::vector<std::string> files; ///< BASE.json NEW.json
  std::vector<std::string> baselines;
  std::vector<std::string> candidates;
  std::string metric = "median";
  double alpha = 0.05;
  double threshold_percent = 5.0;
  bool allow_mismatch = false;
  std::string format = "table";
};
CLI::App* setup_compare(CLI::App& app, compare_options& opt);
int run_compare(const compare_options& opt);

struct export_options {
  std::string report;
  std::string format = "gbench";
  std::string output;
};
CLI::App* setup_export(CLI::App& app, export_options& opt);
int run_export(const export_options& opt);

} // namespace gbench::app

#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace gbench::app {

struct run_options {
  std::string model = "recipe-mlp";
  std::vector<std::string> inputs; ///< --input, for model files
  std::vector<std::string> batches{"256", "32", "10"};
  std::vector<std::string> presets{"default"};
  std::string presets_file;
  std::vector<std::string> env;
  int warmup = 50;
  int iterations = 100;
  std::optional<int> threads;
  std::uint64_t seed = 0;
  bool verbose = false;
  std::string json_path;
  std::string format = "table";
  std::string configs;
  bool verify = false;
  double cosine_threshold = 0.99;
  int repetitions = 1;
  std::string baseline = "default";
  double alpha = 0.05;
  double min_time = 0;
  double max_time = 0;
  bool quiet = false;
  bool no_profile = false;
  std::string sort_by = "self_cpu_time_total";
  int row_limit = 100;
  bool group_by_input_shape = false;
  std::string trace_dir;
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
  std::string model = "recipe-mlp";
  std::vector<std::string> inputs;
  std::vector<std::string> batches{"256", "32"};
  std::vector<std::string> presets{"all"};
  std::string presets_file;
  std::string configs;
  std::string json_path;
  double cosine_threshold = 0.99;
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

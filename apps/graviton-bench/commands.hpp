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
  std::vector<std::string> columns; ///< --columns: empty for each format's default
  bool verify = false;
  std::string cpus = "auto";  ///< --cpus: auto, none or a CPU list
  bool quiet = false;
  bool no_profile = false;    ///< --no-profile: plan.profile is its opposite
  std::string sort_by = "self_cpu_time_total";
  int row_limit = 100;
  std::string peak; ///< a peak figures file, "none", or empty: this host's cache
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
  bool paired = false;
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

struct peak_options {
  std::string json_path;
  std::int64_t gemm_n = 4096;
  int repeats = 10;
  int warmup = 2;
  std::optional<std::int64_t> triad_mib;
  std::optional<int> threads;
  bool use_cache = false;
  std::string configs;
};
CLI::App* setup_peak(CLI::App& app, peak_options& opt);
int run_peak(const peak_options& opt);

struct peak_worker_options {
  std::int64_t gemm_n = 0;
  std::int64_t triad_bytes = 0;
  int warmup = 0;
  int repeats = 0;
  std::optional<int> threads;
  bool bf16 = false;
  bool int8 = false;
  std::string out;
};
CLI::App* setup_peak_worker(CLI::App& app, peak_worker_options& opt);
int run_peak_worker(const peak_worker_options& opt);

struct tune_options {
  std::string model = "recipe-mlp";
  std::vector<std::string> batches{"256", "32", "10"};
  std::string presets_file;
  std::string configs;
  std::vector<std::string> knobs;
  std::string strategy = "staged";
  double budget = 0;
  double tolerance = 0.02;
  double alpha = 0.05;
  int max_rounds = 10;
  bool no_halving = false;
  double cosine_threshold = 0.99;
  double min_top1 = 0;
  std::string schedule = "lockstep"; ///< a stage's candidates: lockstep (co-resident workers taking turns) or rounds
  double turn_ms = 100;              ///< lockstep: a turn's length
  int cycles = 10;                   ///< lockstep: cycles per batch in each process set
  std::string warmup = "auto"; ///< a count, or "auto": until steady state (run::plan_options::warmup)
  int iterations = 30;
  double min_time = 0;
  std::uint64_t seed = 0;
  std::string cpus = "auto";   ///< --cpus, as for a run
  double timeout = -1;         ///< seconds per process; negative: run::default_timeout
  std::string json_path;
  std::string write_presets;
  bool quiet = false;
  std::vector<std::string> command_line;
};
CLI::App* setup_tune(CLI::App& app, tune_options& opt);
int run_tune(const tune_options& opt);

struct recipe_options {
  std::string recipe_file;     ///< empty: configs/recipe.json
  std::string model;           ///< empty: the recipe's
  std::optional<int> threads;
  std::string repetitions = "1";
  std::string warmup = "auto";
  int iterations = 100;
  double min_time = 0;
  double max_time = 0;
  double turn_ms = 100;
  int cycles = 10;
  std::string cpus = "auto";
  std::string peak;
  std::string configs;
  std::string presets_file;
  std::string json_path;       ///< the recipe's rows as JSON (schemas/recipe.schema.json)
  std::string report_path;     ///< the full report of the run
  bool quiet = false;
  std::vector<std::string> command_line;
};
CLI::App* setup_recipe(CLI::App& app, recipe_options& opt);
int run_recipe(const recipe_options& opt);

struct serve_options {
  std::string model = "recipe-mlp";
  std::vector<std::string> inputs;
  std::string batch = "1";
  std::string preset = "default";
  std::string presets_file;
  std::string configs;
  std::vector<std::string> env;
  std::string warmup = "auto"; ///< each worker's forwards before serving: a count, or "auto"
  std::string split = "auto";
  std::optional<int> concurrency;
  std::vector<double> rates;
  std::optional<double> p99_ms;
  double duration = 5;
  std::int64_t min_requests = 400;
  double max_duration = 60;
  double load_warmup = 1;
  int windows = 10;
  int search_steps = 6;
  std::uint64_t seed = 0;
  std::string cpus = "auto";
  std::optional<double> price_per_hour;
  std::string prices_file;
  std::string instance_type;
  std::string json_path;
  std::string format = "table";
  bool quiet = false;
  std::vector<std::string> command_line;
};
CLI::App* setup_serve(CLI::App& app, serve_options& opt);
int run_serve(const serve_options& opt);

} // namespace gbench::app

#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/config/model_spec.hpp"
#include "gbench/record/roofline.hpp"
#include "gbench/record/comparison.hpp"
#include "gbench/record/context.hpp"
#include "gbench/record/json_reader.hpp"
#include "gbench/record/model.hpp"
#include "gbench/record/run.hpp"
#include "gbench/record/settings.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::record {

/// Version of the JSON report layout (docs/schema.md); bumped on any incompatible change. Version 1 reports are
/// read too, without their comparison block (its layout changed): the runs are all a comparison needs.
inline constexpr int schema_version = 2;

/// One preset at one batch size, its repetitions pooled, and how it compares with the baseline preset.
struct preset_comparison {
  std::string model;                 ///< with several models (--model a.pt,a.pt2); else empty
  std::string preset;
  std::int64_t batch = 0;
  bool ok = false;
  std::string error;                 ///< of the first failed repetition, when !ok
  int repetitions = 0;               ///< repetitions that measured this batch
  stats::summary summary_ns;         ///< of all repetitions' samples
  double throughput = 0;             ///< samples/s at the pooled median
  double gflops = 0;
  double weight_gbps = 0;
  std::optional<double> profiled_total_ns; ///< median over repetitions of the profile's self CPU time total
  bool is_baseline = false;
  /// Against the baseline at the same batch (absent for the baseline itself or when either failed): the
  /// comparison engine's conclusion, as every other comparison carries it (record/comparison.hpp).
  std::optional<record::comparison> vs_baseline;
  /// The recipe's own ratio: the baseline's profiled total over this row's, when both were profiled.
  std::optional<double> profiled_speedup;
  std::vector<std::string> effects;   ///< from --verify: what the preset's knobs were seen to do
  /// From --verify: what the evidence says changed against the default preset at this batch (backend, math),
  /// e.g. "backend MKL -> oneDNN brg_matmul:avx512_core; math unchanged (fp32)"; empty without evidence.
  std::string attribution;
  std::optional<double> cosine;       ///< from --verify: logits' cosine similarity to float64 at this batch
  bool accuracy_flagged = false;      ///< cosine below the report's threshold
  // Across processes (stats/processes.hpp): each process summarised by its lowest chunk median.
  std::vector<double> process_estimates_ns; ///< one per repetition that measured this batch
  std::optional<double> estimate_ns;        ///< their mean: the figure speed-ups are ratios of
  std::optional<double> estimate_low_ns;    ///< its 95% hierarchical bootstrap interval
  std::optional<double> estimate_high_ns;
  std::optional<double> between_cv;         ///< variance component between processes, as a CV
  std::optional<double> within_cv;          ///< between chunks within a process, as a CV
  std::vector<std::string> flags;           ///< outlier processes, drift, warm-up that never settled
  std::vector<std::string> inert_knobs;     ///< knobs this preset sets that cannot act on this host
  std::optional<record::roofline> roofline; ///< against the report's peak figures, when it has some
};

/// The results of one invocation, with what is needed to read them later (docs/schema.md).
struct report {
  /// "complete", or "interrupted": SIGINT or SIGTERM stopped the run; `runs` holds what had finished (the
  /// interrupted process with the batches it completed).
  std::string status = "complete";
  record::context context;
  model_info model;                          ///< the first (or only) model
  std::vector<model_info> models;            ///< every model, when several ran side by side; else empty
  record::settings settings;
  std::vector<preset_run> runs;              ///< in the order they ran: repetitions interleaved
  std::vector<preset_comparison> comparison; ///< one per preset and batch, computed once from runs
  std::optional<run_conditions> conditions;  ///< absent in reports of older versions
};

nlohmann::json to_json(const preset_comparison& c);
void from_json(const node& n, preset_comparison& out);
/// The whole report, "schema" and "schema_version" first.
nlohmann::json to_json(const report& r);
/// Checks the schema and version, then reads every part; errors name `n`'s file and the JSON path.
void from_json(const node& n, report& out);

/// Reads a report from text; `name` stands for the file in messages. Throws report_error naming the file,
/// and the line and column of a syntax error or the JSON path of a missing or ill-typed field.
report parse_report(const std::string& text, const std::string& name);

/// The text of a report file, read within report_json_limits: a missing, unreadable or directory path, a file
/// over the size limit or one that never ends (/dev/zero) throws report_error naming it, before it fills the
/// memory. Also for files that may be whole reports (--peak).
std::string read_report_text(const std::filesystem::path& path);

/// Reads a report file (the same errors as parse_report and read_report_text).
report load_report(const std::filesystem::path& path);

} // namespace gbench::record

#include <catch2/catch.hpp>

#include <algorithm>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/record/report.hpp"
#include "gbench/compare/preset_comparison.hpp"
#include "gbench/report/columns.hpp"
#include "gbench/report/reporter.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/json_text.hpp"
#include "schema_check.hpp"

using namespace gbench;

namespace {

// Two presets, two batches, fixed samples; one batch failed. No clock and no date reach the output.
record::report synthetic_report() {
  record::report r;
  r.context = record::make_context(host::host_info{}, {"graviton-bench"});
  const auto model = config::load_model("tiny-mlp", GBENCH_CONFIGS "/models");
  r.model = record::describe(model);
  r.settings.batches = {32, 10};
  r.settings.warmup = 2;
  r.settings.iterations = 4;
  const std::vector<std::vector<std::int64_t>> samples{
      {1'200'000, 1'000'000, 1'100'000, 1'300'000}, {400'000, 410'000, 395'000, 600'000}, {850, 900, 1'000, 950}};
  const char* names[] = {"default", "bf16"};
  std::size_t k = 0;
  for (const char* name : names) {
    record::preset_run pr;
    pr.preset.name = name;
    pr.ok = true;
    for (const std::int64_t batch : r.settings.batches) {
      record::batch_result b;
      b.batch = batch;
      if (std::string(name) == "bf16" && batch == 10) {
        b.error = "not measured: the benchmark process ended before this batch";
      } else {
        b.ok = true;
        b.warmup = 2;
        b.samples_ns = samples.at(k++);
        record::compute_statistics(b, model);
      }
      pr.batches.push_back(b);
    }
    r.runs.push_back(pr);
  }
  // Fixed ceilings: the roofline columns are part of the golden output.
  record::peak_figures f;
  f.date = "2026-01-01T00:00:00Z";
  f.threads = 2;
  f.source = "file";
  f.file = "peak.json";
  f.fp32 = {.dtype = "float32", .n = 1024, .samples_ns = {10'737'418}, .median_ns = 10'737'418, .gflops = 200,
            .route = "BLAS (mkl: no oneDNN execution)"};
  f.bf16 = record::gemm_figure{.dtype = "bfloat16", .n = 1024, .samples_ns = {5'368'709}, .median_ns = 5'368'709,
                             .gflops = 400, .route = "oneDNN brg_matmul:avx512_core_amx (bf16 src, bf16 weights)"};
  f.triad = {.bytes_per_array = 1 << 30, .llc_bytes = 1 << 25, .samples_ns = {161'061'274},
             .median_ns = 161'061'274, .gbps = 20};
  r.context.peak = f;
    r.comparison = compare::compare_presets(r);
  return r;
}

std::string render(const std::string& format) {
  std::ostringstream out;
  report::make_reporter(format)->write(synthetic_report(), out);
  return out.str();
}

void check_baseline(const std::string& name, const std::string& actual) {
  const std::filesystem::path path = std::filesystem::path(GBENCH_BASELINES) / name;
  if (const char* update = std::getenv("GBENCH_UPDATE_BASELINES"); update != nullptr && std::string(update) == "1") {
    std::ofstream(path) << actual;
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK(util::read_text_file(path) == actual);
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  // RFC 4180: quoted fields may hold commas, quotes (doubled) and newlines.
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  rows.pop_back(); // after the last newline
  return rows;
}

} // namespace

TEST_CASE("durations take the largest unit that keeps them above one", "[report]") {
  CHECK(report::format_duration_ns(999) == "999 ns");
  CHECK(report::format_duration_ns(1'234) == "1.234 us");
  CHECK(report::format_duration_ns(7'262'000'000) == "7.262 s");
  CHECK(report::format_duration_ns(16'201'400) == "16.201 ms");
}

TEST_CASE("table output matches its baseline", "[report][golden]") { check_baseline("report-table.txt", render("table")); }

TEST_CASE("markdown output matches its baseline", "[report][golden]") {
  check_baseline("report-markdown.md", render("markdown"));
}

TEST_CASE("csv output parses, one row per preset and batch", "[report]") {
  const auto rows = parse_csv(render("csv"));
  REQUIRE(rows.size() == 5);
  const auto& header = rows[0];
  for (const auto& row : rows) {
    CHECK(row.size() == header.size());
  }
  CHECK(header[0] == "preset");
  CHECK(rows[1][0] == "default");
  CHECK(rows[1][1] == "32");
  CHECK(std::stod(rows[1][3]) == Approx(1'150'000)); // median of 1.0 1.1 1.2 1.3 ms
  CHECK(rows[4].back().rfind("failed: not measured", 0) == 0);
  const auto column = [&](const std::string& key) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), key) - header.begin());
  };
  // The speed-up of bf16 at batch 32 against default: 1.15 ms / 925 ns.
  CHECK(rows[3][0] == "bf16");
  CHECK(std::stod(rows[3].at(column("speedup"))) == Approx(1'150'000.0 / 925.0));
  // The roofline of default at batch 32: tiny-mlp moves its 80722 weights and 32*(256+128+128+344+344+10)
  // activations, all float32, for 32*160480 FLOPs: 10.7 FLOP/B, above the ridge of 200 GFLOP/s at 20 GB/s, so
  // compute-bound; at batch 10 (4.3 FLOP/B) memory-bound.
  const double intensity = 32.0 * 160480 / (4.0 * (80722 + 32 * (256 + 128 + 128 + 344 + 344 + 10)));
  CHECK(std::stod(rows[1].at(column("intensity_flop_per_byte"))) == Approx(intensity));
  CHECK(std::stod(rows[1].at(column("bound_gflops"))) == Approx(200));
  const double gflops = 32.0 * 160480 / 1'150'000;
  CHECK(std::stod(rows[1].at(column("percent_of_bound"))) == Approx(100 * gflops / 200));
  const double intensity10 = 10.0 * 160480 / (4.0 * (80722 + 10 * (256 + 128 + 128 + 344 + 344 + 10)));
  CHECK(std::stod(rows[2].at(column("bound_gflops"))) == Approx(intensity10 * 20));
  CHECK(rows[4].at(column("percent_of_bound")).empty()); // failed: no roofline
}

TEST_CASE("json output is the report", "[report]") {
  const auto j = nlohmann::json::parse(render("json"));
  gbench_test::check_schema(j, "report");
  CHECK(j["schema_version"] == record::schema_version);
  CHECK(j["runs"][0]["results"][0]["samples_ns"].size() == 4);
  CHECK(j["runs"][1]["results"][1]["status"] == "failed");
  CHECK(j["runs"][0]["results"][0]["statistics_ns"]["median"].get<double>() == Approx(1'150'000));
  CHECK(j["comparison"].size() == 4);
  CHECK(j["comparison"][2]["vs_baseline"]["speedup"].get<double>() == Approx(1'150'000.0 / 925.0));
  CHECK(j["context"]["peak"]["fp32_gemm"]["gflops"] == 200.0);
  CHECK(j["comparison"][0]["roofline"]["bound"] == "compute");
  CHECK(j["comparison"][1]["roofline"]["bound"] == "memory");
  CHECK_FALSE(j["comparison"][3].contains("roofline")); // failed: nothing measured to place
}

TEST_CASE("a byte that is not UTF-8 in a worker's stderr or an error does not lose the report", "[report]") {
  // A worker's stderr tail is cut at a byte count, which can fall inside a character; a model path may be in
  // another encoding. The JSON writers replace such bytes with U+FFFD rather than throw.
  auto r = synthetic_report();
  r.runs[1].ok = false;
  r.runs[1].error = "cannot open /models/caf\xe9.pt";
  r.runs[1].stderr_tail = "worker: 12 \xc2"; // the first byte of a two-byte character, cut there
  const std::string replacement = "\xef\xbf\xbd";
  for (const char* format : {"json", "jsonl"}) {
    std::ostringstream out;
    REQUIRE_NOTHROW(report::make_reporter(format)->write(r, out));
    std::string text = out.str();
    if (std::string(format) == "jsonl") {
      std::ostringstream streamed;
      const auto reporter = report::make_reporter(format);
      REQUIRE_NOTHROW(reporter->begin(r, streamed));
      REQUIRE_NOTHROW(reporter->on_run(r.runs[1], streamed));
      text = streamed.str();
    }
    INFO(format);
    CHECK_THAT(text, Catch::Matchers::Contains("caf" + replacement + ".pt"));
    CHECK_THAT(text, Catch::Matchers::Contains("12 " + replacement));
  }
  CHECK(util::json_dump(nlohmann::json("ok \xff"), -1) == "\"ok " + replacement + "\"");
}

TEST_CASE("reports are replaced atomically", "[report][files]") {
  util::temp_dir dir;
  const auto path = dir.path() / "r.json";
  util::write_file_atomically(path, "first");
  util::write_file_atomically(path, "second");
  CHECK(util::read_text_file(path) == "second");
  // Nothing but the report is left behind.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("unwritable destinations are named with the fix", "[report][files]") {
  util::temp_dir dir;
  CHECK_THROWS_WITH(util::check_writable(dir.path() / "none" / "r.json", "--json"),
                    Catch::Matchers::Contains("does not exist"));
  CHECK_THROWS_WITH(util::check_writable(dir.path(), "--json"), Catch::Matchers::Contains("is a directory"));
  CHECK_NOTHROW(util::check_writable(dir.path() / "r.json", "--json"));
  CHECK_THROWS_AS(util::write_file_atomically(dir.path() / "none" / "r.json", "x"), output_error);
}

namespace {

// The recipe's study as a run reports it: `presets` at batches 256, 32 and 10, three processes each in lockstep, the
// host's peak figures, and with `verified` the accuracy and what the evidence says changed.
record::report recipe_report(const std::vector<std::string>& presets, bool verified) {
  record::report r = synthetic_report();
  r.runs.clear();
  r.settings.batches = {256, 32, 10};
  const auto model = config::load_model("recipe-mlp", GBENCH_CONFIGS "/models");
  r.model = record::describe(model);
  double factor = 1.0;
  for (const auto& name : presets) {
    for (int set = 1; set <= 3; ++set) {
      record::preset_run pr;
      pr.preset.name = name;
      pr.repetition = set;
      pr.design = record::design::lockstep;
      pr.ok = true;
      for (const std::int64_t batch : r.settings.batches) {
        record::batch_result b;
        b.batch = batch;
        b.ok = true;
        b.chunk_size = 4;
        for (int i = 0; i < 40; ++i) {
          b.samples_ns.push_back(static_cast<std::int64_t>(batch * 123'456 * factor * (1.0 + 0.01 * (i % 5) + 0.003 * set)));
        }
        record::compute_statistics(b, model);
        pr.batches.push_back(b);
      }
      if (verified) {
        pr.evidence.emplace();
        pr.evidence->effects = {"bf16 math: seen"};
        for (const std::int64_t batch : r.settings.batches) {
          record::batch_evidence e;
          e.batch = batch;
          e.ok = true;
          e.accuracy.cosine = 0.99998;
          e.attribution = "backend MKL -> oneDNN brg_matmul:avx512_core_amx; math fp32 -> bf16";
          pr.evidence->batches.push_back(e);
        }
      }
      r.runs.push_back(pr);
    }
    factor *= 0.8;
  }
  r.comparison = compare::compare_presets(r);
  return r;
}

report::reporter_options with_columns(std::vector<std::string> columns) {
  report::reporter_options o;
  o.columns = std::move(columns);
  return o;
}

std::size_t widest_table_line(const std::string& text) {
  // The table: from its header to the line before the first blank line or note.
  std::istringstream in(text);
  std::size_t widest = 0;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("preset", 0) == 0) {
      inside = true;
    } else if (inside && (line.empty() || line.front() == '[')) {
      break;
    }
    if (inside) {
      widest = std::max(widest, line.size());
    }
  }
  return widest;
}

} // namespace

TEST_CASE("the default table fits 120 characters for the recipe's scenario, and --columns all shows every column",
          "[report]") {
  for (const bool verified : {false, true}) {
    for (const auto& presets : {std::vector<std::string>{"default"}, std::vector<std::string>{"default", "thp", "x86-bf16"}}) {
      INFO(presets.size() << " preset(s), verified " << verified);
      const auto r = recipe_report(presets, verified);
      std::ostringstream narrow;
      report::make_reporter("table")->write(r, narrow);
      CHECK(widest_table_line(narrow.str()) <= 120);
      CHECK_THAT(narrow.str(), Catch::Matchers::Contains("median"));
      // Comparison columns only with something to compare; evidence only with --verify.
      CHECK((narrow.str().find("speedup") != std::string::npos) == (presets.size() > 1));
      CHECK((narrow.str().find("cosine") != std::string::npos) == verified);
      std::ostringstream wide;
      report::make_reporter("table", with_columns({"all"}))->write(r, wide);
      CHECK(widest_table_line(wide.str()) > 200);
      for (const char* header : {"IQR", "p90", "GB/s", "between", "within", "FLOP/B", "roof GFLOP/s", "% roof",
                                 "speedup", "95% CI", "verdict", "cosine", "changed (evidence)", "note", "status"}) {
        CHECK_THAT(wide.str(), Catch::Matchers::Contains(header));
      }
    }
  }
  std::ostringstream chosen;
  report::make_reporter("table", with_columns({"preset", "batch", "p90"}))->write(recipe_report({"default"}, false), chosen);
  CHECK_THAT(chosen.str(), Catch::Matchers::Contains("preset   batch        p90"));
  CHECK_THROWS_WITH(report::make_reporter("table", with_columns({"median", "latency"})),
                    Catch::Matchers::Contains("--columns: unknown column 'latency'"));
}

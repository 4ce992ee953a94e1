#include "gbench/report/stored_report.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/config/json_file.hpp"
#include "gbench/error.hpp"

namespace gbench::report {

namespace {

using json = nlohmann::json;

// Checks the parts of a report that compare and export rely on. Every message names the file and the
// JSON path, so that a hand-edited or half-written report points at its own defect.
class checker {
public:
  explicit checker(const std::string& name) : name_(name) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw report_error(fmt::format("{}: {}: {}", name_, path, what));
  }

  const json& member(const json& object, const std::string& path, const char* key) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      fail(path, fmt::format("missing key '{}'; is this a complete graviton-bench report?", key));
    }
    return *it;
  }

  const json& object(const json& parent, const std::string& path, const char* key) const {
    const auto& v = member(parent, path, key);
    if (!v.is_object()) {
      fail(join(path, key), fmt::format("expected an object, found {}", describe(v)));
    }
    return v;
  }

  const json& array(const json& parent, const std::string& path, const char* key) const {
    const auto& v = member(parent, path, key);
    if (!v.is_array()) {
      fail(join(path, key), fmt::format("expected an array, found {}", describe(v)));
    }
    return v;
  }

  std::string string(const json& parent, const std::string& path, const char* key) const {
    const auto& v = member(parent, path, key);
    if (!v.is_string()) {
      fail(join(path, key), fmt::format("expected a string, found {}", describe(v)));
    }
    return v.get<std::string>();
  }

  std::int64_t integer(const json& parent, const std::string& path, const char* key) const {
    const auto& v = member(parent, path, key);
    if (!v.is_number_integer()) {
      fail(join(path, key), fmt::format("expected a whole number, found {}", describe(v)));
    }
    return v.get<std::int64_t>();
  }

  void integers(const json& parent, const std::string& path, const char* key) const {
    const auto& v = array(parent, path, key);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_number_integer()) {
        fail(fmt::format("{}[{}]", join(path, key), i),
             fmt::format("expected a whole number, found {}", describe(v[i])));
      }
    }
  }

  static std::string join(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }

  static std::string describe(const json& v) {
    const std::string text = v.dump();
    return fmt::format("{} {}", v.type_name(), text.size() > 40 ? text.substr(0, 37) + "..." : text);
  }

private:
  const std::string& name_;
};

std::string fact_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

stored_series& series_of(stored_report& r, const std::string& preset, std::int64_t batch) {
  for (auto& s : r.series) {
    if (s.preset == preset && s.batch == batch) {
      return s;
    }
  }
  stored_series s;
  s.preset = preset;
  s.batch = batch;
  r.series.push_back(std::move(s));
  return r.series.back();
}

void add_failure(stored_series& s, const std::string& error) {
  if (s.ok) {
    s.ok = false;
    s.error = error.empty() ? std::string("failed (no reason recorded)") : error;
  }
}

json parse_text(const std::string& text, const std::string& name) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw report_error(
        fmt::format("{}: the file is empty; expected a graviton-bench JSON report (written by --json)", name));
  }
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    const std::size_t offset = e.byte == 0 ? 0 : std::min<std::size_t>(e.byte - 1, text.size());
    const int line = config::line_of_offset(text, offset);
    const std::size_t line_start = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
    const std::size_t column = line_start == std::string::npos ? offset + 1 : offset - line_start;
    std::string what = e.what();
    if (const auto colon = what.find(": "); colon != std::string::npos) {
      what = what.substr(colon + 2);
    }
    const bool at_end = e.byte >= text.size();
    throw report_error(fmt::format("{}:{}:{}: malformed JSON{}: {}", name, line, column,
                                   at_end ? " (the file ends too early: truncated?)" : "", what));
  }
}

void read_run(const checker& c, const json& run, std::size_t index, const std::vector<std::int64_t>& planned,
              stored_report& r) {
  const std::string path = fmt::format("runs[{}]", index);
  if (!run.is_object()) {
    c.fail(path, fmt::format("expected an object, found {}", checker::describe(run)));
  }
  const auto& preset = c.object(run, path, "preset");
  const std::string name = c.string(preset, path + ".preset", "name");
  const std::string status = c.string(run, path, "status");
  if (status != "ok" && status != "failed") {
    c.fail(path + ".status", fmt::format("expected \"ok\" or \"failed\", found \"{}\"", status));
  }
  const bool run_ok = status == "ok";
  const std::string run_error =
      run.contains("error") && run["error"].is_string() ? run["error"].get<std::string>() : std::string();
  const auto results_it = run.find("results");
  if (results_it == run.end() && run_ok) {
    c.member(run, path, "results"); // throws
  }
  std::vector<std::int64_t> seen;
  if (results_it != run.end()) {
    if (!results_it->is_array()) {
      c.fail(path + ".results", fmt::format("expected an array, found {}", checker::describe(*results_it)));
    }
    for (std::size_t i = 0; i < results_it->size(); ++i) {
      const auto& b = (*results_it)[i];
      const std::string bpath = fmt::format("{}.results[{}]", path, i);
      if (!b.is_object()) {
        c.fail(bpath, fmt::format("expected an object, found {}", checker::describe(b)));
      }
      const std::int64_t batch = c.integer(b, bpath, "batch");
      if (batch < 1) {
        c.fail(bpath + ".batch", fmt::format("{} is not a batch size", batch));
      }
      const std::string bstatus = c.string(b, bpath, "status");
      if (bstatus != "ok" && bstatus != "failed") {
        c.fail(bpath + ".status", fmt::format("expected \"ok\" or \"failed\", found \"{}\"", bstatus));
      }
      seen.push_back(batch);
      auto& s = series_of(r, name, batch);
      ++s.repetitions;
      if (bstatus == "failed") {
        add_failure(s, b.contains("error") && b["error"].is_string() ? b["error"].get<std::string>() : run_error);
        continue;
      }
      const auto& samples = c.array(b, bpath, "samples_ns");
      if (samples.empty()) {
        c.fail(bpath + ".samples_ns", "is empty; an ok result holds one sample per timed forward");
      }
      for (std::size_t k = 0; k < samples.size(); ++k) {
        if (!samples[k].is_number() || !(samples[k].get<double>() > 0) || !std::isfinite(samples[k].get<double>())) {
          c.fail(fmt::format("{}.samples_ns[{}]", bpath, k),
                 fmt::format("expected a positive number of nanoseconds, found {}", checker::describe(samples[k])));
        }
        s.samples_ns.push_back(samples[k].get<double>());
      }
      s.repetition_sizes.push_back(samples.size());
    }
  }
  if (!run_ok) {
    // A process that died records no result for the batches it did not reach: they failed with it.
    for (const auto batch : planned) {
      if (std::find(seen.begin(), seen.end(), batch) == seen.end()) {
        auto& s = series_of(r, name, batch);
        ++s.repetitions;
        add_failure(s, run_error);
      }
    }
  }
}

} // namespace

const stored_series* stored_report::find(const std::string& preset, std::int64_t batch) const {
  for (const auto& s : series) {
    if (s.preset == preset && s.batch == batch) {
      return &s;
    }
  }
  return nullptr;
}

stored_report parse_stored_report(const std::string& text, const std::string& name) {
  const json j = parse_text(text, name);
  const checker c(name);
  if (!j.is_object()) {
    c.fail("(top level)",
           fmt::format("expected an object, found {}; not a graviton-bench report", checker::describe(j)));
  }
  if (!j.contains("schema") && j.contains("benchmarks")) {
    throw report_error(fmt::format("{}: this is Google Benchmark JSON (e.g. from 'graviton-bench export'), not a "
                                   "graviton-bench report; compare the reports written by --json",
                                   name));
  }
  const std::string schema = c.string(j, "", "schema");
  if (schema != "graviton-bench-report") {
    c.fail("schema", fmt::format("\"{}\" is not a graviton-bench report (expected \"graviton-bench-report\")", schema));
  }
  const std::int64_t version = c.integer(j, "", "schema_version");
  if (version != 1) {
    c.fail("schema_version", version > 1 ? fmt::format("{} is newer than this graviton-bench reads (1); use a newer "
                                                       "graviton-bench",
                                                       version)
                                         : fmt::format("{} is not a schema version (expected 1)", version));
  }
  stored_report r;
  r.name = name;
  r.context = c.object(j, "", "context");
  const auto& host = c.object(r.context, "context", "host");
  r.model = c.object(j, "", "model");
  (void)c.string(r.model, "model", "name");
  c.integers(r.model, "model", "input_shape");
  c.integers(r.model, "model", "hidden");
  (void)c.integer(r.model, "model", "outputs");
  if (j.contains("models")) {
    // Rows of several models (--model a.pt,a.pt2) would be pooled by preset here, mixing the models.
    c.fail("models", "the report holds several models (--model a,b); compare and export read reports of one "
                     "model: run each model on its own with --json");
  }
  r.facts.emplace_back("model.sha256", r.model.contains("sha256") ? fact_text(r.model["sha256"]) : "none");
  const auto& settings = c.object(j, "", "settings");
  c.integers(settings, "settings", "batches");
  const auto planned = settings["batches"].get<std::vector<std::int64_t>>();
  const auto& runs = c.array(j, "", "runs");

  r.facts.emplace_back("model.input_shape", fact_text(r.model["input_shape"]));
  r.facts.emplace_back("model.hidden", fact_text(r.model["hidden"]));
  r.facts.emplace_back("model.outputs", fact_text(r.model["outputs"]));
  // Every run of a report uses the same LibTorch; a failed run may not have recorded it.
  for (const auto& run : runs) {
    if (run.is_object() && run.contains("libtorch") && run["libtorch"].is_object() && !run["libtorch"].empty()) {
      for (const char* key : {"version", "blas", "acl", "onednn_version"}) {
        if (run["libtorch"].contains(key) && !run["libtorch"][key].is_null()) {
          r.facts.emplace_back(fmt::format("libtorch.{}", key), fact_text(run["libtorch"][key]));
        }
      }
      break;
    }
  }
  r.facts.emplace_back("host.arch", c.string(host, "context.host", "arch"));
  r.facts.emplace_back("host.cpu_model", c.string(host, "context.host", "cpu_model"));

  for (std::size_t i = 0; i < runs.size(); ++i) {
    read_run(c, runs[i], i, planned, r);
  }
  if (r.series.empty()) {
    c.fail("runs", "holds no result; run graviton-bench with --json to write a report");
  }
  return r;
}

stored_report load_stored_report(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw report_error(fmt::format("{}: no such file", name));
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw report_error(fmt::format("{}: is a directory; expected a graviton-bench JSON report", name));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    // An empty file also leaves the stream failed: let the parser say "empty".
    if (!in.is_open()) {
      throw report_error(fmt::format("{}: cannot be read; check its permissions", name));
    }
  }
  return parse_stored_report(text.str(), name);
}

std::vector<fact_difference> differing_facts(const stored_report& a, const stored_report& b) {
  std::vector<fact_difference> out;
  for (const auto& [key, value] : a.facts) {
    for (const auto& [other_key, other_value] : b.facts) {
      if (key == other_key && value != other_value) {
        out.push_back({key, value, other_value});
      }
    }
  }
  return out;
}

stored_report pool_reports(const std::vector<stored_report>& reports, bool allow_mismatch) {
  if (reports.empty()) {
    throw input_error("pool_reports: no report given");
  }
  stored_report pooled = reports.front();
  std::vector<std::string> names{pooled.name};
  for (std::size_t i = 1; i < reports.size(); ++i) {
    const auto& r = reports[i];
    const auto diff = differing_facts(reports.front(), r);
    if (!diff.empty() && !allow_mismatch) {
      std::vector<std::string> parts;
      for (const auto& d : diff) {
        parts.push_back(fmt::format("{} is {} in {} but {} in {}", d.key, d.baseline, reports.front().name,
                                    d.candidate, r.name));
      }
      throw mismatch_error(fmt::format("reports of one side must come from the same build and host: {}",
                                       fmt::join(parts, "; ")));
    }
    names.push_back(r.name);
    for (const auto& s : r.series) {
      auto& into = series_of(pooled, s.preset, s.batch);
      into.repetitions += s.repetitions;
      into.samples_ns.insert(into.samples_ns.end(), s.samples_ns.begin(), s.samples_ns.end());
      into.repetition_sizes.insert(into.repetition_sizes.end(), s.repetition_sizes.begin(), s.repetition_sizes.end());
      if (!s.ok) {
        add_failure(into, s.error);
      }
    }
  }
  pooled.name = fmt::format("{}", fmt::join(names, " + "));
  return pooled;
}

} // namespace gbench::report

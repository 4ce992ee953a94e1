#include "gbench/report/stored_report.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"

namespace gbench::report {

namespace {

std::string list_text(const std::vector<std::int64_t>& v) { return fmt::format("[{}]", fmt::join(v, ",")); }

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

void add_run(const record::preset_run& run, const std::vector<std::int64_t>& planned, stored_report& r) {
  std::vector<std::int64_t> seen;
  for (const auto& b : run.batches) {
    seen.push_back(b.batch);
    auto& s = series_of(r, run.preset.name, b.batch);
    ++s.repetitions;
    if (!b.ok) {
      add_failure(s, b.error.empty() ? run.error : b.error);
      continue;
    }
    s.samples_ns.insert(s.samples_ns.end(), b.samples_ns.begin(), b.samples_ns.end());
    s.repetition_sizes.push_back(b.samples_ns.size());
    s.chunk_sizes.push_back(static_cast<std::size_t>(std::max<std::int64_t>(0, b.chunk_size)));
    if (s.command_line.empty()) {
      s.command_line = r.report.context.command_line;
    }
  }
  if (!run.ok) {
    // A process that died records no result for the batches it did not reach: they failed with it.
    for (const auto batch : planned) {
      if (std::find(seen.begin(), seen.end(), batch) == seen.end()) {
        auto& s = series_of(r, run.preset.name, batch);
        ++s.repetitions;
        add_failure(s, run.error);
      }
    }
  }
}

stored_report from_record(record::report report, const std::string& name) {
  stored_report r;
  r.name = name;
  r.report = std::move(report);
  const auto& model = r.report.model;
  if (!r.report.models.empty()) {
    // Rows of several models (--model a.pt,a.pt2) would be pooled by preset here, mixing the models.
    throw report_error(fmt::format("{}: models: the report holds several models (--model a,b); compare and export "
                                   "read reports of one model: run each model on its own with --json",
                                   name));
  }
  // A model file is its bytes: another file is another experiment, even of the same shape.
  r.facts.emplace_back("model.sha256", model.sha256.empty() ? std::string("none") : model.sha256);
  r.facts.emplace_back("model.input_shape", list_text(model.input_shape));
  r.facts.emplace_back("model.hidden", list_text(model.hidden));
  r.facts.emplace_back("model.outputs", std::to_string(model.outputs));
  // Every run of a report uses the same LibTorch; a failed run may not have recorded it.
  for (const auto& run : r.report.runs) {
    if (run.libtorch) {
      const auto& t = *run.libtorch;
      r.facts.emplace_back("libtorch.version", t.version);
      r.facts.emplace_back("libtorch.blas", t.blas);
      r.facts.emplace_back("libtorch.acl", t.acl ? "true" : "false");
      r.facts.emplace_back("libtorch.onednn_version", t.onednn_version);
      break;
    }
  }
  r.facts.emplace_back("host.arch", r.report.context.host.arch);
  r.facts.emplace_back("host.cpu_model", r.report.context.host.cpu_model);
  for (const auto& run : r.report.runs) {
    add_run(run, r.report.settings.batches, r);
  }
  if (r.series.empty()) {
    throw report_error(
        fmt::format("{}: runs: holds no result; run graviton-bench with --json to write a report", name));
  }
  return r;
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
  return from_record(record::parse_report(text, name), name);
}

stored_report load_stored_report(const std::filesystem::path& path) {
  return from_record(record::load_report(path), path.string());
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
      into.chunk_sizes.insert(into.chunk_sizes.end(), s.chunk_sizes.begin(), s.chunk_sizes.end());
      if (into.command_line.empty()) {
        into.command_line = s.command_line;
      }
      if (!s.ok) {
        add_failure(into, s.error);
      }
    }
  }
  pooled.name = fmt::format("{}", fmt::join(names, " + "));
  return pooled;
}

} // namespace gbench::report

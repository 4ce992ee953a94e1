#include "gbench/compare/stored_report.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"

namespace gbench::compare {

namespace {

std::string list_text(const std::vector<std::int64_t>& v) { return fmt::format("[{}]", fmt::join(v, ",")); }

stored_report checked(record::report report, const std::string& name) {
  if (!report.models.empty()) {
    // Rows of several models (--model a.pt,a.pt2) would be compared by preset here, mixing the models.
    throw report_error(fmt::format("{}: models: the report holds several models (--model a,b); compare and export "
                                   "read reports of one model: run each model on its own with --json",
                                   name));
  }
  if (report.runs.empty()) {
    throw report_error(
        fmt::format("{}: runs: holds no result; run graviton-bench with --json to write a report", name));
  }
  return {name, std::move(report)};
}

} // namespace

stored_report parse_stored_report(const std::string& text, const std::string& name) {
  return checked(record::parse_report(text, name), name);
}

stored_report load_stored_report(const std::filesystem::path& path) {
  return checked(record::load_report(path), path.string());
}

std::vector<std::pair<std::string, std::string>> facts_of(const record::report& r) {
  std::vector<std::pair<std::string, std::string>> facts;
  const auto& model = r.model;
  // A model file is its bytes: another file is another experiment, even of the same shape.
  facts.emplace_back("model.sha256", model.sha256.empty() ? std::string("none") : model.sha256);
  facts.emplace_back("model.input_shape", list_text(model.input_shape));
  facts.emplace_back("model.hidden", list_text(model.hidden));
  facts.emplace_back("model.outputs", std::to_string(model.outputs));
  // Every run of a report uses the same LibTorch; a failed run may not have recorded it.
  const auto run = std::find_if(r.runs.begin(), r.runs.end(), [](const record::preset_run& x) { return x.libtorch; });
  if (run != r.runs.end()) {
    const auto& t = *run->libtorch;
    facts.emplace_back("libtorch.version", t.version);
    facts.emplace_back("libtorch.blas", t.blas);
    facts.emplace_back("libtorch.acl", t.acl ? "true" : "false");
    facts.emplace_back("libtorch.onednn_version", t.onednn_version);
  }
  facts.emplace_back("host.arch", r.context.host.arch);
  facts.emplace_back("host.cpu_model", r.context.host.cpu_model);
  return facts;
}

std::vector<fact_difference> differing_facts(const record::report& a, const record::report& b) {
  std::vector<fact_difference> out;
  const auto fb = facts_of(b);
  for (const auto& [key, value] : facts_of(a)) {
    for (const auto& [other_key, other_value] : fb) {
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
  const auto last_round = [](const record::report& r) {
    int last = 0;
    for (const auto& run : r.runs) {
      last = std::max(last, run.repetition);
    }
    return last;
  };
  for (std::size_t i = 1; i < reports.size(); ++i) {
    const auto& r = reports[i];
    const auto diff = differing_facts(reports.front().report, r.report);
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
    const int offset = last_round(pooled.report);
    for (auto run : r.report.runs) {
      run.repetition += offset;
      pooled.report.runs.push_back(std::move(run));
    }
  }
  pooled.name = fmt::format("{}", fmt::join(names, " + "));
  return pooled;
}

stored_report load_side(const std::vector<std::string>& files, bool allow_mismatch) {
  std::vector<stored_report> reports;
  reports.reserve(files.size());
  for (const auto& f : files) {
    reports.push_back(load_stored_report(f));
  }
  return reports.size() == 1 ? std::move(reports.front()) : pool_reports(reports, allow_mismatch);
}

} // namespace gbench::compare

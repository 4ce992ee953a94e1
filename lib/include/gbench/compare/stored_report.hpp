#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "gbench/record/report.hpp"

/// Reports read back for `compare` and `export`: the same record::report a run writes, processes intact.
namespace gbench::compare {

/// A report read back from a file (or pooled from the files of one side), with its processes intact.
struct stored_report {
  std::string name;      ///< the file(s) as given, the prefix of every message about it
  record::report report; ///< as read; pooled files' runs follow each other, their rounds numbered on
};

/// Reads a report file for compare and export. Throws report_error naming the file (and the line and column of
/// a syntax error, or the JSON path of a missing or ill-typed field) when it cannot be read, is empty,
/// truncated, malformed, of another schema or version, holds several models, or no result.
stored_report load_stored_report(const std::filesystem::path& path);
/// The same from text already read; `name` stands for the file in messages.
stored_report parse_stored_report(const std::string& text, const std::string& name);

/// What two reports must share to be compared, as (key, value): model.sha256, model.input_shape, model.hidden,
/// model.outputs, libtorch.version/blas/acl/onednn_version (when a run recorded them), host.arch,
/// host.cpu_model.
std::vector<std::pair<std::string, std::string>> facts_of(const record::report& r);

/// A difference between two reports' facts.
struct fact_difference {
  std::string key;
  std::string baseline;
  std::string candidate;
};

/// The facts both reports hold with different values, in the order of `a`'s facts.
std::vector<fact_difference> differing_facts(const record::report& a, const record::report& b);

/// Several reports of the same build and host (rounds of a CI job) as one: their runs one after the other,
/// the k-th report's rounds numbered after the (k-1)-th's. Throws mismatch_error when their facts differ,
/// unless allow_mismatch.
stored_report pool_reports(const std::vector<stored_report>& reports, bool allow_mismatch);

/// The reports of one side of a comparison, read and pooled (compare's BASE.json with --baseline ..., or NEW.json
/// with --candidate ...).
stored_report load_side(const std::vector<std::string>& files, bool allow_mismatch);

} // namespace gbench::compare

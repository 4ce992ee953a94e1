#pragma once

#include <stdexcept>
#include <string>

/// Errors thrown by the gbench library. Each kind maps to one documented exit code of graviton-bench.
namespace gbench {

/// Documented process exit codes (docs/failures.md, "Exit codes").
enum class exit_code : int {
  ok = 0,
  internal = 1,        ///< an unexpected failure (a bug, or LibTorch threw something unforeseen)
  usage = 2,           ///< the command line could not be parsed
  invalid_input = 3,   ///< a bad value: batch, preset, model, config file
  out_of_memory = 4,   ///< a batch would not fit in available memory; refused before allocating
  output = 5,          ///< an output path cannot be written
  partial_failure = 6, ///< some preset or batch failed; the others were reported
  regression = 10,       ///< compare: a (preset, batch) regressed, or failed in the candidate only
  unusable_report = 11,  ///< compare, export: a report file is unreadable, corrupt, truncated or of another schema
  context_mismatch = 12, ///< compare: the reports differ in model shape, LibTorch build or host CPU
  inconclusive = 13,     ///< compare: too few runs a side to tell a change from process luck, and no regression
};

/// Root of the library's error hierarchy; the message names the input and the fix.
class error : public std::runtime_error {
public:
  explicit error(const std::string& message, exit_code code = exit_code::internal)
      : std::runtime_error(message), code_(code) {}
  [[nodiscard]] exit_code code() const noexcept { return code_; }

private:
  exit_code code_;
};

/// A value given by the user or a config file is wrong.
class input_error : public error {
public:
  explicit input_error(const std::string& message) : error(message, exit_code::invalid_input) {}
};

/// A batch would not fit in memory.
class memory_error : public error {
public:
  explicit memory_error(const std::string& message) : error(message, exit_code::out_of_memory) {}
};

/// A report file given to compare or export cannot be used; the message names the file.
class report_error : public error {
public:
  explicit report_error(const std::string& message) : error(message, exit_code::unusable_report) {}
};

/// Two reports measured different things (model shape, LibTorch build, host CPU) and must not be compared.
class mismatch_error : public error {
public:
  explicit mismatch_error(const std::string& message) : error(message, exit_code::context_mismatch) {}
};

/// An output file or directory cannot be written.
class output_error : public error {
public:
  explicit output_error(const std::string& message) : error(message, exit_code::output) {}
};

} // namespace gbench

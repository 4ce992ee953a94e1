#pragma once
// Input files written for a test, and the message an input is refused with.

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <catch2/catch.hpp>

#include "gbench/error.hpp"
#include "gbench/util/files.hpp"

namespace gbench_test {

// Writes `text` to `path`; returns the path, to be passed on as an argument.
inline std::string write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

inline std::filesystem::path write_temp(const gbench::util::temp_dir& dir, const std::string& name,
                                        const std::string& text) {
  const auto path = dir.path() / name;
  std::ofstream(path) << text;
  return path;
}

// The message of the input_error that `f` throws, or "no error".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const gbench::input_error& e) {
    return e.what();
  }
  return "no error";
}

// The message of the input_error that `f` throws; the test fails when there is none.
template <class F> std::string input_error_of(F&& f) {
  try {
    f();
  } catch (const gbench::input_error& e) {
    return e.what();
  }
  FAIL("no input_error");
  return {};
}

} // namespace gbench_test

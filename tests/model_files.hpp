#pragma once
// The model files of the tests: the test set that the CTest fixture export_test_models writes
// (scripts/export-models --set test), and where the model configs are.

#include <filesystem>
#include <functional>
#include <string>

#include <catch2/catch.hpp>

#include "gbench/error.hpp"

namespace gbench_test {

inline const std::filesystem::path models_dir = GBENCH_TEST_MODELS;
inline const std::filesystem::path configs_models = std::filesystem::path(GBENCH_CONFIGS) / "models";

inline std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const gbench::input_error& e) {
    return e.what();
  }
  return "(no input_error thrown)";
}

// A model file of the test set; fails the test (never skips) when the export fixture did not write it.
inline std::filesystem::path exported(const std::string& name) {
  const auto p = models_dir / name;
  INFO("written by scripts/export-models --set test (the CTest fixture export_test_models)");
  REQUIRE(std::filesystem::is_regular_file(p));
  return p;
}

// The AOTInductor packages of the test set: the CTest fixture compiles them, so a missing one is a failure,
// never a skipped test.
inline void require_package() {
  for (const char* name : {"tiny-mlp.pt2", "other-arch.pt2", "other-torch.pt2"}) {
    INFO("run the CTest fixture export_test_models, or scripts/export-models --set test");
    REQUIRE(std::filesystem::is_regular_file(models_dir / name));
  }
}

} // namespace gbench_test

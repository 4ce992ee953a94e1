#include "gbench/record/status.hpp"

#include <fmt/format.h>

namespace gbench::record {

const char* status_word(bool ok) { return ok ? "ok" : "failed"; }

bool read_status(const node& n) {
  const auto status = n.at("status");
  const std::string word = status.string();
  if (word != "ok" && word != "failed") {
    status.fail(fmt::format("expected \"ok\" or \"failed\", found \"{}\"", word));
  }
  return word == "ok";
}

} // namespace gbench::record

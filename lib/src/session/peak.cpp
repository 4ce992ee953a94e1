#include "gbench/session/peak.hpp"

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "gbench/backend/libtorch.hpp"
#include "gbench/error.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/peak.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::session {

int run_peak(const peak_request& request, std::ostream& out) {
  const auto host = host::query_host();
  if (!request.json_path.empty()) {
    util::check_writable(request.json_path, "--json");
  }
  if (request.use_cache) {
    std::string why;
    const int threads = request.measure.threads.value_or(backend::query_libtorch().threads);
    if (const auto cached = peak::read_cache(host, threads, why)) {
      out << peak::describe(*cached) << fmt::format("(cached in {})\n", cached->file);
      if (!request.json_path.empty()) {
        util::write_file_atomically(request.json_path, util::json_dump(record::to_json(*cached), 2) + "\n");
      }
      return 0;
    }
    std::cerr << fmt::format("peak: {}; measuring\n", why);
  }
  if (host.load_average > 0.5 * host.cores) {
    std::cerr << fmt::format("warning: the machine is busy (1-minute load average {:.1f} on {} cores); the peak "
                             "figures will be low, and every roofline percentage held against them high\n",
                             host.load_average, host.cores);
  }
  auto figures = peak::measure(request.measure, host, request.executable);

  const auto cache = peak::cache_file(host, figures.threads);
  std::error_code ec;
  std::filesystem::create_directories(cache.parent_path(), ec);
  try {
    figures.file = cache.string();
    util::write_file_atomically(cache, util::json_dump(record::to_json(figures), 2) + "\n");
  } catch (const output_error& e) {
    figures.file.clear();
    std::cerr << fmt::format("warning: the per-host cache cannot be written ({}); runs will not find these figures "
                             "unless given --peak FILE\n",
                             e.what());
  }
  out << peak::describe(figures);
  if (!figures.file.empty()) {
    out << fmt::format("(cached in {})\n", figures.file);
  }
  if (!request.json_path.empty()) {
    util::write_file_atomically(request.json_path, util::json_dump(record::to_json(figures), 2) + "\n");
    std::cerr << fmt::format("peak figures written to {}\n", request.json_path);
  }
  return 0;
}

} // namespace gbench::session

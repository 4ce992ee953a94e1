#include "gbench/serve/split.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "gbench/error.hpp"

namespace gbench::serve {

namespace {

std::string gib(std::int64_t bytes) {
  return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
}

int whole(const std::string& text) {
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size() ? value : 0;
}

split parse_one(const std::string& item, int cpus) {
  const auto x = item.find('x');
  const int p = x == std::string::npos ? 0 : whole(item.substr(0, x));
  const int t = x == std::string::npos ? 0 : whole(item.substr(x + 1));
  if (p < 1 || t < 1) {
    throw input_error(fmt::format("--split: '{}' is not PROCESSESxTHREADS; write e.g. --split 2x1, a list such as "
                                  "1x2,2x1, or auto",
                                  item));
  }
  if (static_cast<std::int64_t>(p) * t > cpus) {
    throw input_error(fmt::format("--split {}: {} processes of {} thread{} need {} CPUs of their own, but this run "
                                  "may use {}; give a split of at most {} CPUs, or more CPUs (--cpus)",
                                  item, p, t, t == 1 ? "" : "s", static_cast<std::int64_t>(p) * t, cpus, cpus));
  }
  return {p, t};
}

} // namespace

std::string name_of(const split& s) {
  return fmt::format("{}x{}", s.processes, s.threads);
}

std::vector<split> parse_splits(const std::string& text, int cpus) {
  if (cpus < 1) {
    throw input_error("--split: this run may use no CPU; check --cpus");
  }
  std::vector<split> out;
  if (text == "auto") {
    for (int p = 1; p <= cpus; ++p) {
      if (cpus % p == 0) {
        out.push_back({p, cpus / p});
      }
    }
    return out;
  }
  for (std::size_t start = 0; start <= text.size();) {
    const auto comma = std::min(text.find(',', start), text.size());
    const auto s = parse_one(text.substr(start, comma - start), cpus);
    if (std::find(out.begin(), out.end(), s) != out.end()) {
      throw input_error(fmt::format("--split: {} is given twice; give each split once", name_of(s)));
    }
    out.push_back(s);
    start = comma + 1;
  }
  return out;
}

std::vector<std::vector<int>> assign_cpus(const split& s, const std::vector<int>& order) {
  std::vector<std::vector<int>> out(static_cast<std::size_t>(s.processes));
  if (order.empty()) {
    return out;
  }
  const auto used = static_cast<std::size_t>(s.processes) * static_cast<std::size_t>(s.threads);
  std::vector<int> cpus(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::min(used, order.size())));
  std::sort(cpus.begin(), cpus.end());
  for (std::size_t i = 0; i < cpus.size(); ++i) {
    out[i / static_cast<std::size_t>(s.threads)].push_back(cpus[i]);
  }
  return out;
}

std::map<std::string, std::string> split_environment(const split& s) {
  return {{"OMP_NUM_THREADS", std::to_string(s.threads)}, {"OMP_PROC_BIND", "false"}, {"OMP_PLACES", "cores"}};
}

std::int64_t split_bytes(const split& s, const config::model_spec& model, std::int64_t batch) {
  return static_cast<std::int64_t>(s.processes) * (model.estimate_bytes(batch) + process_allowance_bytes);
}

void check_split_memory(const split& s, const config::model_spec& model, std::int64_t batch,
                        std::int64_t available_bytes) {
  if (available_bytes <= 0) {
    return;
  }
  const auto need = split_bytes(s, model, batch);
  if (need > available_bytes) {
    const auto fits = available_bytes / (model.estimate_bytes(batch) + process_allowance_bytes);
    throw memory_error(fmt::format(
        "--split {}: {} copies of model '{}' at batch {} need about {} (each {}: weights {}, activations, and about "
        "{} MiB for LibTorch itself), but only {} of memory is available; {}",
        name_of(s), s.processes, model.name, batch, gib(need), gib(need / s.processes), gib(model.weight_bytes()),
        process_allowance_bytes >> 20, gib(available_bytes),
        fits >= 1 ? fmt::format("give at most {} processes, a smaller model or a smaller batch", fits)
                  : std::string("not even one copy fits: use a smaller model or batch")));
  }
}

} // namespace gbench::serve

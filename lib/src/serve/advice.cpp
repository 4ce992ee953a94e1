#include "gbench/serve/advice.hpp"

#include <cmath>
#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/config/json_file.hpp"
#include "gbench/error.hpp"
#include "gbench/host/allocator.hpp"
#include "gbench/host/placement.hpp"

namespace gbench::serve {

namespace {

std::vector<std::string> settings_of(const config::torch_settings& s) {
  std::vector<std::string> out;
  if (s.matmul_precision) {
    out.push_back(fmt::format("matmul_precision={} (torch.set_float32_matmul_precision)", *s.matmul_precision));
  }
  if (s.mkldnn) {
    out.push_back(fmt::format("mkldnn={} (torch.backends.mkldnn.enabled)", *s.mkldnn ? "true" : "false"));
  }
  if (s.weights_dtype) {
    out.push_back(fmt::format("weights_dtype={} (the Linear weights converted once)", *s.weights_dtype));
  }
  return out;
}

} // namespace

std::optional<recommendation> recommend(const std::vector<split_result>& splits, const settings& s) {
  const split_result* chosen = nullptr;
  for (const auto& split : splits) {
    if (split.status != "ok" || !split.best) {
      continue;
    }
    const auto& p = split.points[*split.best];
    if (chosen == nullptr || p.samples_per_s > chosen->points[*chosen->best].samples_per_s) {
      chosen = &split; // splits run fewest processes first: a tie keeps the fewer
    }
  }
  if (chosen == nullptr) {
    return std::nullopt;
  }
  const auto& p = chosen->points[*chosen->best];
  recommendation r;
  r.processes = chosen->processes;
  r.threads = chosen->threads;
  for (const auto& w : chosen->workers) {
    r.cpus.push_back(w.cpus);
  }
  r.env = chosen->env;
  if (s.preset.settings.allocator) {
    if (const auto* a = host::find_allocator(*s.preset.settings.allocator); a != nullptr && !a->soname.empty()) {
      r.env["LD_PRELOAD"] = a->soname;
    }
  }
  r.settings = settings_of(s.preset.settings);
  r.throughput = p.throughput.value.value_or(0);
  r.samples_per_s = p.samples_per_s;
  r.p99_ms = p.latency_ms.p99;
  r.target_ms = s.target_ms;
  r.cost_per_million = chosen->cost_per_million;
  r.basis = s.target_ms ? fmt::format("the highest throughput whose p99 was within {} ms, over {} split{}",
                                      *s.target_ms, splits.size(), splits.size() == 1 ? "" : "s")
                        : fmt::format("the highest throughput measured, over {} split{} (no p99 target: give --p99 MS)",
                                      splits.size(), splits.size() == 1 ? "" : "s");
  r.line = launch_line(r.processes, r.cpus, r.env);
  return r;
}

std::string launch_line(int processes, const std::vector<std::vector<int>>& cpus,
                        const std::map<std::string, std::string>& env) {
  std::string vars;
  for (const auto& [key, value] : env) {
    vars += fmt::format("{}={} ", key, value);
  }
  const bool pinned = !cpus.empty() && !cpus.front().empty();
  if (processes == 1) {
    return fmt::format("{}{}YOUR_SERVER", vars,
                       pinned ? fmt::format("taskset -c {} ", host::format_cpu_list(cpus.front())) : "");
  }
  if (!pinned) {
    return fmt::format("for i in $(seq {}); do {}YOUR_SERVER & done", processes, vars);
  }
  std::vector<std::string> sets;
  for (const auto& c : cpus) {
    sets.push_back(host::format_cpu_list(c));
  }
  return fmt::format("for cpus in {}; do {}taskset -c \"$cpus\" YOUR_SERVER & done", fmt::join(sets, " "), vars);
}

double cost_per_million(double price_per_hour, double samples_per_s) {
  return samples_per_s > 0 ? price_per_hour / (samples_per_s * 3600.0) * 1e6 : INFINITY;
}

bool looks_like_instance_type(const std::string& name) {
  static const std::regex pattern("[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[a-z0-9]+");
  return std::regex_match(name, pattern);
}

std::pair<std::string, std::string> instance_type_of(const std::string& option, const std::string& dmi_product_name) {
  if (!option.empty()) {
    return {option, "--instance-type"};
  }
  if (looks_like_instance_type(dmi_product_name)) {
    return {dmi_product_name, "dmi"};
  }
  return {"", "none"};
}

std::map<std::string, double> read_prices(const std::filesystem::path& path) {
  const auto doc = config::load_json_document(path);
  if (!doc.value.is_object() || doc.value.empty()) {
    throw input_error(fmt::format("{}: expected an object of instance type to price per hour in USD, e.g. "
                                  "{{\"c7g.xlarge\": 0.145}}",
                                  path.string()));
  }
  std::map<std::string, double> out;
  for (const auto& [type, price] : doc.value.items()) {
    if (!price.is_number() || !(price.get<double>() > 0) || !std::isfinite(price.get<double>())) {
      throw input_error(fmt::format("{}{}: {} is not a price; give the on-demand price per hour in USD, a positive "
                                    "number such as 0.145",
                                    doc.where(doc.line_of_key(type)), type, price.dump()));
    }
    out[type] = price.get<double>();
  }
  return out;
}

std::pair<std::optional<double>, std::string> price_of(std::optional<double> option, const std::string& prices_file,
                                                       const std::string& instance_type) {
  if (option) {
    return {option, "--price-per-hour"};
  }
  if (prices_file.empty()) {
    return {std::nullopt, "none"};
  }
  const auto prices = read_prices(prices_file);
  if (instance_type.empty()) {
    throw input_error(
        fmt::format("--prices {}: this host's instance type is unknown (its DMI product name is not one); "
                    "give --instance-type, e.g. --instance-type c7g.xlarge",
                    prices_file));
  }
  const auto it = prices.find(instance_type);
  if (it == prices.end()) {
    std::vector<std::string> known;
    for (const auto& [type, price] : prices) {
      known.push_back(type);
    }
    throw input_error(fmt::format("--prices {}: no price for instance type '{}' (it has {}); add it, or give "
                                  "--price-per-hour",
                                  prices_file, instance_type, fmt::join(known, ", ")));
  }
  return {it->second, prices_file};
}

} // namespace gbench::serve

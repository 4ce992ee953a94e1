#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gbench/serve/result.hpp"

/// The answer of a serve run, and what it costs (docs/serve.md, "The answer", "Cost").
namespace gbench::serve {

/// The split to run: of the splits whose workers all lived, the one whose best point served the most samples
/// per second (ties to fewer processes), with its environment, CPUs, figures, cost and the line that starts it;
/// none when no split has a best point (no load met the target).
std::optional<recommendation> recommend(const std::vector<split_result>& splits, const settings& s);

/// A shell line that starts the split's processes as measured: each with the environment, pinned with taskset
/// to its CPUs (when the run pinned them), YOUR_SERVER standing for the program that serves.
std::string launch_line(int processes, const std::vector<std::vector<int>>& cpus,
                        const std::map<std::string, std::string>& env);

/// Cost per million inferences (samples) at `samples_per_s`, from a price per hour.
double cost_per_million(double price_per_hour, double samples_per_s);

/// The instance type and where it came from: --instance-type when given ("--instance-type"), else the DMI product
/// name when it reads like an EC2 instance type such as c7g.xlarge ("dmi"), else none ("none").
std::pair<std::string, std::string> instance_type_of(const std::string& option, const std::string& dmi_product_name);

/// Whether a DMI product name reads like an instance type: family.size, e.g. c7g.xlarge or m7i-flex.large.
bool looks_like_instance_type(const std::string& name);

/// A prices file: a JSON object of instance type to on-demand price per hour in USD, e.g.
/// {"c7g.xlarge": 0.145, "c7i.xlarge": 0.1785}. Throws input_error naming the file and the fix.
std::map<std::string, double> read_prices(const std::filesystem::path& path);

/// The price per hour and where it came from: --price-per-hour, else the prices file's entry for the instance
/// type (input_error naming the file, the type and the fix when it has none), else none.
std::pair<std::optional<double>, std::string> price_of(std::optional<double> option, const std::string& prices_file,
                                                       const std::string& instance_type);

} // namespace gbench::serve

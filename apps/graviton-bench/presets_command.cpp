#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "paths.hpp"

namespace gbench::app {

CLI::App* setup_presets(CLI::App& app, presets_options& opt) {
  auto* sub = app.add_subcommand("presets", "List the presets and the knobs they set");
  sub->add_option("--presets", opt.presets_file, "Also read presets from this JSON file")->check(CLI::ExistingFile);
  sub->add_option("--configs", opt.configs, "Folder holding presets.json and models/");
  return sub;
}

int run_presets(const presets_options& opt) {
  const auto catalog = load_catalog(config_dir(opt.configs), opt.presets_file);
  std::size_t width = 0;
  for (const auto& p : catalog.presets()) {
    width = std::max(width, p.name.size());
  }
  for (const auto& p : catalog.presets()) {
    std::vector<std::string> parts;
    for (const auto& [k, v] : p.env) {
      parts.push_back(k + "=" + v);
    }
    if (p.settings.matmul_precision) {
      parts.push_back("matmul_precision=" + *p.settings.matmul_precision);
    }
    if (p.settings.mkldnn) {
      parts.push_back(fmt::format("mkldnn={}", *p.settings.mkldnn));
    }
    if (p.settings.threads) {
      parts.push_back(fmt::format("threads={}", *p.settings.threads));
    }
    if (p.settings.weights_dtype) {
      parts.push_back("weights_dtype=" + *p.settings.weights_dtype);
    }
    for (const auto& [name, value] : {std::pair{"fp32_precision", p.settings.fp32_precision},
                                      {"quantized_engine", p.settings.quantized_engine},
                                      {"int8_activations", p.settings.int8_activations}}) {
      if (value) {
        parts.push_back(fmt::format("{}={}", name, *value));
      }
    }
    if (p.settings.int4_group_size) {
      parts.push_back(fmt::format("int4_group_size={}", *p.settings.int4_group_size));
    }
    if (p.settings.int4_fallback) {
      parts.push_back(fmt::format("int4_fallback={}", *p.settings.int4_fallback));
    }
    std::cout << fmt::format("{:<{}}  {}\n{:<{}}  sets: {}\n", p.name, width, p.description, "", width,
                             parts.empty() ? std::string("nothing (every knob unset)") : fmt::format("{}", fmt::join(parts, " ")));
  }
  std::vector<std::string> knobs;
  for (const auto& k : catalog.knobs()) {
    knobs.push_back(k.name);
  }
  std::cout << fmt::format("\nmanaged knobs (unset in a preset's process unless the preset sets them): {}\n",
                           fmt::join(knobs, ", "));
  return 0;
}

} // namespace gbench::app

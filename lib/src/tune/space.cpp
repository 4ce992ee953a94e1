#include "gbench/tune/space.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"
#include "gbench/host/allocator.hpp"

namespace gbench::tune {

namespace {

dimension_kind kind_of(const std::string& name) {
  if (name == "matmul_precision") {
    return dimension_kind::matmul_precision;
  }
  if (name == "threads") {
    return dimension_kind::threads;
  }
  if (name == "allocator") {
    return dimension_kind::allocator;
  }
  if (name == "weights_dtype") {
    return dimension_kind::weights_dtype;
  }
  return dimension_kind::env;
}

// The value that means the same as leaving the setting unset: trying it again would measure the default twice.
std::string same_as_unset(dimension_kind kind, const space_facts& facts) {
  switch (kind) {
  case dimension_kind::matmul_precision:
    return "highest";
  case dimension_kind::threads:
    return std::to_string(facts.default_threads);
  case dimension_kind::allocator:
    return "glibc";
  case dimension_kind::weights_dtype:
    return "f32";
  case dimension_kind::env:
    break;
  }
  return {};
}

// The doctor's verdict on one value of weights_dtype: the bf16 probe speaks for "bf16" under the setting's own
// name, the quantized forms have one each.
const record::knob_verdict* value_verdict(const space_facts& facts, const std::string& value) {
  const std::string name = value == "bf16" ? std::string("weights_dtype") : "weights_dtype=" + value;
  const auto it = std::find_if(facts.verdicts.begin(), facts.verdicts.end(),
                               [&](const record::knob_verdict& v) { return v.knob == name; });
  return it == facts.verdicts.end() ? nullptr : &*it;
}

} // namespace

double search_space::grid_points() const {
  double n = 1;
  for (const auto& d : dimensions) {
    n *= static_cast<double>(d.values.size());
  }
  return n;
}

std::vector<std::string> search_space::groups() const {
  std::vector<std::string> out;
  for (const auto& g : declared_groups) { // no duplicates: build_space records each group once
    if (std::any_of(dimensions.begin(), dimensions.end(), [&](const dimension& d) { return d.group == g; })) {
      out.push_back(g);
    }
  }
  for (const auto& d : dimensions) {
    if (std::find(out.begin(), out.end(), d.group) == out.end()) {
      out.push_back(d.group);
    }
  }
  return out;
}

// --knobs: every name must declare candidates.
void check_only(const std::vector<const config::knob*>& declared, const std::vector<std::string>& only) {
  for (const auto& name : only) {
    const bool known = std::any_of(declared.begin(), declared.end(),
                                   [&](const config::knob* k) { return k->name == name && k->candidates.declared(); });
    if (!known) {
      std::vector<std::string> searchable;
      for (const auto* k : declared) {
        if (k->candidates.declared()) {
          searchable.push_back(k->name);
        }
      }
      throw input_error(fmt::format("--knobs: '{}' has no candidates declared; searchable: {} (declare \"candidates\" "
                                    "for it in a presets file)",
                                    name, fmt::join(searchable, ", ")));
    }
  }
}

namespace {

// A value of weights_dtype the doctor calls inert here: left out, with its reason, once.
bool pruned_value(search_space& space, const space_facts& facts, const std::string& knob, const std::string& v) {
  const auto* judged = value_verdict(facts, v);
  if (judged == nullptr || judged->effective) {
    return false;
  }
  const std::string name = fmt::format("{}={}", knob, v);
  if (std::none_of(space.pruned.begin(), space.pruned.end(), [&](const pruned_dimension& p) { return p.name == name; })) {
    space.pruned.push_back({name, fmt::format("inert here: {}", judged->reason)});
  }
  return true;
}

// The weights' type decides which kernels run at all: its stage follows the math stage (which it may make moot)
// and comes before routes, memory and threads, which are then tuned for the kernels it chose.
void precision_after_math(std::vector<std::string>& groups) {
  const auto precision = std::find(groups.begin(), groups.end(), std::string("precision"));
  const auto math = std::find(groups.begin(), groups.end(), std::string("math"));
  if (precision != groups.end() && math != groups.end() && precision > math + 1) {
    std::rotate(math + 1, precision, precision + 1);
  }
}

// The doctor's verdict on a dimension: false (and the dimension pruned with the reason) when inert here. The
// weights' type is judged value by value instead (pruned_value).
bool judged_effective(dimension& d, const space_facts& facts, search_space& space) {
  if (d.kind == dimension_kind::weights_dtype) {
    d.verdict = "effective";
    d.reason = "each value judged on its own";
    return true;
  }
  const auto verdict = std::find_if(facts.verdicts.begin(), facts.verdicts.end(),
                                    [&](const record::knob_verdict& v) { return v.knob == d.name; });
  if (verdict == facts.verdicts.end()) {
    d.verdict = "no verdict";
    d.reason = "the doctor does not assess it: searched";
    return true;
  }
  if (!verdict->effective) {
    space.pruned.push_back({d.name, fmt::format("inert here: {}", verdict->reason)});
    return false;
  }
  d.verdict = "effective";
  d.reason = verdict->reason;
  return true;
}

} // namespace

search_space build_space(const config::preset_catalog& catalog, const space_facts& facts,
                         const std::vector<std::string>& only) {
  std::vector<const config::knob*> declared;
  for (const auto& k : catalog.knobs()) {
    declared.push_back(&k);
  }
  for (const auto& k : catalog.search_settings()) {
    declared.push_back(&k);
  }
  check_only(declared, only);
  search_space space;
  for (const auto* k : declared) {
    if (!k->candidates.declared() || (!only.empty() && std::find(only.begin(), only.end(), k->name) == only.end())) {
      continue;
    }
    dimension d;
    d.name = k->name;
    d.kind = kind_of(k->name);
    d.group = k->group.empty() ? k->name : k->group;
    if (std::find(space.declared_groups.begin(), space.declared_groups.end(), d.group) ==
        space.declared_groups.end()) {
      space.declared_groups.push_back(d.group);
    }
    if (!judged_effective(d, facts, space)) {
      continue;
    }
    const std::string origin = fmt::format("candidates of {}: ", k->name);
    const std::string unset_twin = same_as_unset(d.kind, facts);
    d.values.emplace_back();
    for (const auto& v : config::expand(k->candidates, facts.cores)) {
      if (d.kind == dimension_kind::env) {
        catalog.check_value(origin, k->name, v);
      } else {
        config::check_setting_value(origin, k->name, v);
      }
      if (d.kind == dimension_kind::allocator) {
        host::require_allocator(v);
      }
      if (d.kind == dimension_kind::weights_dtype && v != unset_twin && pruned_value(space, facts, k->name, v)) {
        continue;
      }
      if (v != unset_twin && std::find(d.values.begin(), d.values.end(), v) == d.values.end()) {
        d.values.push_back(v);
      }
    }
    if (d.values.size() < 2) {
      const bool values_pruned = std::any_of(space.pruned.begin(), space.pruned.end(), [&](const pruned_dimension& p) {
        return p.name.starts_with(k->name + "=");
      });
      space.pruned.push_back(
          {k->name, values_pruned ? std::string("every candidate is inert here (above) or the same as leaving it unset")
                                  : fmt::format("its candidates are all the same as leaving it unset ({})",
                                                unset_twin.empty() ? "unset" : unset_twin)});
      continue;
    }
    space.dimensions.push_back(std::move(d));
  }
  precision_after_math(space.declared_groups);
  if (space.dimensions.empty()) {
    std::vector<std::string> why;
    for (const auto& p : space.pruned) {
      why.push_back(fmt::format("{} ({})", p.name, p.reason));
    }
    throw input_error(fmt::format("nothing to search: {}; declare \"candidates\" for a knob that can act here, or "
                                  "choose others with --knobs",
                                  why.empty()
                                      ? std::string("no knob or setting declares candidates")
                                      : fmt::format("every declared knob was left out: {}", fmt::join(why, "; "))));
  }
  return space;
}

std::string name_of(const search_space& space, const assignment& a) {
  std::vector<std::string> parts;
  for (const auto& d : space.dimensions) {
    const auto it = a.find(d.name);
    if (it != a.end() && !it->second.empty()) {
      parts.push_back(fmt::format("{}={}", d.name, it->second));
    }
  }
  return parts.empty() ? std::string("default") : fmt::format("{}", fmt::join(parts, " "));
}

config::preset preset_of(const search_space& space, const assignment& a, const std::string& name) {
  config::preset p;
  p.name = name;
  p.description = "a configuration of the tune search";
  for (const auto& d : space.dimensions) {
    const auto it = a.find(d.name);
    if (it == a.end() || it->second.empty()) {
      continue;
    }
    switch (d.kind) {
    case dimension_kind::env:
      p.env[d.name] = it->second;
      break;
    case dimension_kind::matmul_precision:
      p.settings.matmul_precision = it->second;
      break;
    case dimension_kind::threads:
      p.settings.threads = std::stoi(it->second);
      break;
    case dimension_kind::allocator:
      p.settings.allocator = it->second;
      break;
    case dimension_kind::weights_dtype:
      p.settings.weights_dtype = it->second;
      break;
    }
  }
  return p;
}

double race_size(const search_space& space, const std::string& group) {
  double n = 1;
  for (const auto& d : space.dimensions) {
    if (group.empty() || d.group == group) {
      n *= static_cast<double>(d.values.size());
    }
  }
  return n;
}

std::vector<assignment> combinations(const search_space& space, const assignment& base, const std::string& group) {
  std::vector<assignment> out{base};
  for (const auto& d : space.dimensions) {
    if (!group.empty() && d.group != group) {
      continue;
    }
    std::vector<assignment> next;
    for (const auto& partial : out) {
      for (const auto& v : d.values) {
        assignment a = partial;
        if (v.empty()) {
          a.erase(d.name);
        } else {
          a[d.name] = v;
        }
        next.push_back(std::move(a));
      }
    }
    out = std::move(next);
  }
  return out;
}

nlohmann::json to_json(const search_space& space) {
  nlohmann::json j{{"dimensions", nlohmann::json::array()},
                   {"pruned", nlohmann::json::array()},
                   {"grid_points", space.grid_points()}};
  for (const auto& d : space.dimensions) {
    std::vector<std::string> values;
    for (const auto& v : d.values) {
      values.push_back(v.empty() ? "(unset)" : v);
    }
    j["dimensions"].push_back(
        {{"name", d.name}, {"group", d.group}, {"values", values}, {"verdict", d.verdict}, {"reason", d.reason}});
  }
  for (const auto& p : space.pruned) {
    j["pruned"].push_back({{"name", p.name}, {"reason", p.reason}});
  }
  return j;
}

} // namespace gbench::tune

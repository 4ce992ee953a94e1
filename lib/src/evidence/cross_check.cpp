#include "gbench/evidence/cross_check.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/evidence/routes.hpp"

namespace gbench::evidence {

namespace {

std::string math_name(const std::string& math) {
  if (math == "f32") {
    return "fp32";
  }
  return math.empty() ? std::string("unobserved") : math;
}

std::string place(const record::layer_route& r, const std::string& blas) {
  if (r.backend == "blas") {
    return blas_display_name(blas);
  }
  if (r.backend == "mixed") {
    return fmt::format("oneDNN {} and {} (mixed)", r.implementation, blas_display_name(blas));
  }
  if (r.backend != "onednn") { // a quantized operator outside oneDNN: its engine or kernel
    static const std::map<std::string, std::string> names{{"fbgemm", "FBGEMM"},
                                                          {"qnnpack", "QNNPACK"},
                                                          {"aten", "ATen"},
                                                          {"kleidiai", "KleidiAI"},
                                                          {"reference", "reference kernel"}};
    const auto it = names.find(r.backend);
    return fmt::format("{} {}", it == names.end() ? r.backend : it->second, r.implementation);
  }
  if (!r.op.empty() && r.op.starts_with("quantized::")) {
    return fmt::format("oneDNN {} ({})", r.implementation, r.op);
  }
  return fmt::format("oneDNN {}", r.implementation);
}

bool quantized_math(const std::string& math) {
  return math == "int8" || math == "int4";
}

// "what unchanged (x)" or "what a -> b [on k of n layers]", over the layers' values before and after.
std::string change_of(const std::string& what, const std::vector<std::string>& before,
                      const std::vector<std::string>& after) {
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (before[i] != after[i]) {
      changed.push_back(i);
    }
  }
  if (changed.empty()) {
    const bool uniform = std::all_of(after.begin(), after.end(), [&](const std::string& v) { return v == after[0]; });
    return uniform ? fmt::format("{} unchanged ({})", what, after[0]) : fmt::format("{} unchanged", what);
  }
  std::set<std::pair<std::string, std::string>> pairs;
  for (const auto i : changed) {
    pairs.emplace(before[i], after[i]);
  }
  if (pairs.size() == 1) {
    const auto& [from, to] = *pairs.begin();
    return changed.size() == after.size()
               ? fmt::format("{} {} -> {}", what, from, to)
               : fmt::format("{} {} -> {} on {} of {} layers", what, from, to, changed.size(), after.size());
  }
  std::vector<std::string> items;
  for (const auto i : changed) {
    items.push_back(fmt::format("layer {} {} -> {}", i + 1, before[i], after[i]));
  }
  return fmt::format("{} {}", what, fmt::join(items, ", "));
}

const std::vector<record::layer_route>& routes_of(const record::batch_evidence& e) { return e.routes; }

const std::vector<record::batch_evidence>& batches_of(const record::preset_run& r) {
  static const std::vector<record::batch_evidence> none;
  return r.evidence ? r.evidence->batches : none;
}

const record::batch_evidence* batch_of(const record::preset_run* r, std::int64_t batch) {
  if (r == nullptr) {
    return nullptr;
  }
  for (const auto& e : batches_of(*r)) {
    if (e.ok && e.batch == batch) {
      return &e;
    }
  }
  return nullptr;
}

std::string blas_of(const record::preset_run& r) { return r.libtorch ? r.libtorch->blas : std::string{}; }

bool sets_bf16(const config::preset& p) {
  return p.env.count("DNNL_DEFAULT_FPMATH_MODE") != 0 || p.env.count("ONEDNN_DEFAULT_FPMATH_MODE") != 0 ||
         p.settings.matmul_precision.value_or("highest") == "medium" ||
         p.settings.fp32_precision.value_or("ieee") == "bf16" || p.settings.weights_dtype.value_or("f32") == "bf16";
}

std::int64_t huge_page_growth(const record::preset_run& r) {
  return r.evidence && r.evidence->huge_pages_before && r.evidence->huge_pages_after
             ? *r.evidence->huge_pages_after - *r.evidence->huge_pages_before
             : 0;
}

// The bf16 effect of a preset that asks for bf16: observed, emulated, or allowed but unused, with the
// evidence of one layer.
std::string bf16_effect(const record::preset_run& r, const record::preset_run* baseline) {
  int bf16_layers = 0;
  int layers = 0;
  const record::layer_route* example = nullptr;
  const record::layer_route* emulated = nullptr;
  std::vector<record::layer_route> all;
  for (const auto& e : batches_of(r)) {
    for (const auto& route : routes_of(e)) {
      all.push_back(route);
    }
  }
  for (const auto& route : all) {
    ++layers;
    if (route.math == "bf16") {
      ++bf16_layers;
      example = example != nullptr ? example : &route;
    } else if (route.math_basis.find("emulated") != std::string::npos) {
      emulated = emulated != nullptr ? emulated : &route;
    }
  }
  bool baseline_bf16 = false;
  if (baseline != nullptr && baseline != &r) {
    for (const auto& e : batches_of(*baseline)) {
      for (const auto& route : routes_of(e)) {
        baseline_bf16 = baseline_bf16 || route.math == "bf16";
      }
    }
  }
  if (bf16_layers > 0 && !baseline_bf16) {
    return fmt::format("bf16 math: observed ({} of {} layer runs computed in bf16: {})", bf16_layers, layers,
                       example->math_basis);
  }
  if (emulated != nullptr) {
    return fmt::format("bf16 math: emulated on this host, no bf16 kernel ran ({})", emulated->math_basis);
  }
  // The most telling layer: one that was allowed bf16, else one on oneDNN, else any.
  const record::layer_route* shown = nullptr;
  for (const auto& route : all) {
    if (!route.fpmath.empty() && shown == nullptr) {
      shown = &route;
    }
  }
  for (const auto& route : all) {
    if (route.backend != "blas" && shown == nullptr) {
      shown = &route;
    }
  }
  if (shown == nullptr) {
    return fmt::format("bf16 math: not observed on this host (every layer ran on {}: {})", blas_display_name(blas_of(r)),
                       all.empty() ? std::string("no routes") : all.front().math_basis);
  }
  return fmt::format("bf16 math: not observed on this host ({}: {})", place(*shown, blas_of(r)), shown->math_basis);
}

// What a quantized weights_dtype was seen to do: the operator and engine of every layer, or why it is inert.
std::string weights_effect(const record::preset_run& r, const std::string& asked) {
  const std::string status = r.libtorch ? r.libtorch->weights_status : std::string{};
  const std::string detail = r.libtorch ? r.libtorch->weights_detail : std::string{};
  if (status == "inert" || status == "not applicable") {
    return fmt::format("weights {}: {} here ({})", asked, status, detail);
  }
  int layers = 0;
  int served = 0;
  std::vector<std::string> where;
  for (const auto& e : batches_of(r)) {
    for (const auto& route : routes_of(e)) {
      ++layers;
      if (quantized_math(route.math)) {
        ++served;
        const auto p = place(route, blas_of(r));
        if (std::find(where.begin(), where.end(), p) == where.end()) {
          where.push_back(p);
        }
      }
    }
  }
  if (served == 0) {
    return fmt::format("weights {}: not observed (no layer ran a quantized operator{})", asked,
                       detail.empty() ? "" : "; " + detail);
  }
  return fmt::format("weights {}: observed ({} of {} layer runs on {})", asked, served, layers, fmt::join(where, ", "));
}

// What went wrong in the process, loudly: reference kernels (slow paths), oneDNN turned off mid-run.
void warn_slow_or_disabled(record::preset_run& r) {
  auto& ev = *r.evidence;
  std::vector<std::string> slow;
  for (const auto& e : ev.batches) {
    for (std::size_t l = 0; l < e.routes.size(); ++l) {
      if (e.routes[l].reference) {
        slow.push_back(fmt::format("layer {} at batch {}: {}", l + 1, e.batch, place(e.routes[l], blas_of(r))));
      }
    }
    for (const auto& p : e.primitives) {
      if (e.routes.empty() && is_reference_implementation(p.implementation)) {
        slow.push_back(fmt::format("{} {} at batch {}", p.kind, p.implementation, e.batch));
      }
    }
  }
  if (!slow.empty()) {
    ev.effects.push_back(fmt::format("REFERENCE KERNEL (slow path): {}", fmt::join(slow, "; ")));
  }
  if (!ev.onednn_disabled.empty()) {
    ev.effects.push_back(fmt::format("ONEDNN DISABLED MID-RUN: PyTorch switched this process to BLAS after a failed "
                                     "oneDNN matmul, so every later matmul ran on BLAS whatever the preset asked "
                                     "(\"{}\")",
                                     ev.onednn_disabled));
  }
}

} // namespace

std::string expected_precision(const std::vector<record::layer_route>& routes) {
  // The coarsest math any layer used sets the error's level: int4, then int8, then bf16.
  for (const char* level : {"int4", "int8"}) {
    if (std::any_of(routes.begin(), routes.end(), [&](const record::layer_route& r) { return r.math == level; })) {
      return level;
    }
  }
  const bool bf16 = std::any_of(routes.begin(), routes.end(), [](const record::layer_route& r) {
    return r.math == "bf16" || r.src_dtype == "bf16" || r.wei_dtype == "bf16";
  });
  return bf16 ? "bf16" : "fp32";
}

std::string observed_precision(double max_rel_error, std::optional<double> baseline_max_rel_error) {
  const bool above_floor = max_rel_error >= bf16_error_floor;
  const bool above_baseline = !baseline_max_rel_error || max_rel_error >= bf16_error_ratio * *baseline_max_rel_error;
  return above_floor && above_baseline ? "bf16" : "fp32";
}

namespace {

std::string contradiction_message(const std::string& expected, const std::string& why, double max_rel_error,
                                  std::optional<double> baseline_max_rel_error) {
  const auto observed = observed_precision(max_rel_error, baseline_max_rel_error);
  // int8 and int4 move logits at least as far as bf16 does: a reduced-precision error is what they predict, whatever
  // the baseline's (a model quantized at export is as far off under every preset).
  if (expected == observed || (quantized_math(expected) && max_rel_error >= bf16_error_floor)) {
    return {};
  }
  return fmt::format(
      "CONTRADICTION: the routes say {} math ({}) but the accuracy is {}-level (max rel error {:.2e}{}); "
      "one of the two is wrong, so neither is reported as the effect",
      expected, why, observed, max_rel_error,
      baseline_max_rel_error ? fmt::format(", default preset {:.2e}", *baseline_max_rel_error) : "");
}

} // namespace

std::string contradiction(const std::vector<record::layer_route>& routes, double max_rel_error,
                          std::optional<double> baseline_max_rel_error) {
  const auto expected = expected_precision(routes);
  std::string why;
  for (const auto& r : routes) {
    if (expected == "fp32" || r.math == expected || r.src_dtype == "bf16" || r.wei_dtype == "bf16") {
      why = fmt::format("{}->{}: {}", r.in_features, r.out_features, r.math_basis);
      break;
    }
  }
  return contradiction_message(expected, why, max_rel_error, baseline_max_rel_error);
}

std::string blas_display_name(const std::string& blas) {
  if (blas == "mkl") {
    return "MKL";
  }
  if (blas == "open" || blas == "openblas") {
    return "OpenBLAS";
  }
  if (blas == "nvpl") {
    return "NVPL";
  }
  return blas.empty() ? std::string("BLAS") : blas;
}

std::string attribution(const std::vector<record::layer_route>& routes, const std::vector<record::layer_route>& baseline,
                        const std::string& blas) {
  if (routes.empty() || routes.size() != baseline.size()) {
    return {};
  }
  std::vector<std::string> where_before;
  std::vector<std::string> where_after;
  std::vector<std::string> math_before;
  std::vector<std::string> math_after;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    where_before.push_back(place(baseline[i], blas));
    where_after.push_back(place(routes[i], blas));
    math_before.push_back(math_name(baseline[i].math));
    math_after.push_back(math_name(routes[i].math));
  }
  return fmt::format("{}; {}", change_of("backend", where_before, where_after), change_of("math", math_before, math_after));
}

std::string describe_route(const record::layer_route& r, const std::string& blas) {
  const std::string slow = r.reference ? "; REFERENCE KERNEL (slow path)" : "";
  if (r.math_basis == fmt::format("{} data", r.math) && slow.empty()) {
    return fmt::format("{}->{} {}, {}", r.in_features, r.out_features, place(r, blas), math_name(r.math));
  }
  return fmt::format("{}->{} {}, {} ({}{})", r.in_features, r.out_features, place(r, blas), math_name(r.math),
                     r.math_basis, slow);
}

void judge(std::vector<record::preset_run>& runs, const record::preset_run* baseline) {
  for (auto& r : runs) {
    if (!r.evidence) {
      continue;
    }
    auto& ev = *r.evidence;
    ev.effects.clear();
    const bool is_baseline = baseline != nullptr && r.preset.name == baseline->preset.name;
    for (auto& e : ev.batches) {
      if (!e.ok || !e.accuracy.unavailable.empty()) {
        continue; // without a float64 reference there is no error to judge the precision by
      }
      const auto* base = is_baseline ? nullptr : batch_of(baseline, e.batch);
      e.baseline_max_rel_error = base != nullptr ? std::optional<double>(base->accuracy.max_rel_error) : std::nullopt;
      e.observed_precision = observed_precision(e.accuracy.max_rel_error, e.baseline_max_rel_error);
      if (e.routes.empty()) { // a model file: its operators and primitives
        const auto [expected, why] = model_file_precision(e);
        e.expected_precision = expected;
        e.contradiction = contradiction_message(expected, why, e.accuracy.max_rel_error, e.baseline_max_rel_error);
      } else {
        e.expected_precision = expected_precision(e.routes);
        e.contradiction = contradiction(e.routes, e.accuracy.max_rel_error, e.baseline_max_rel_error);
      }
      if (quantized_math(e.expected_precision) && e.accuracy.max_rel_error >= bf16_error_floor) {
        e.observed_precision = e.expected_precision; // a reduced-precision error, as int8 or int4 predicts
      }
      e.attribution = base != nullptr ? attribution(e.routes, base->routes, blas_of(r)) : std::string{};
    }
    if (sets_bf16(r.preset)) {
      ev.effects.push_back(bf16_effect(r, baseline));
      for (const auto& e : ev.batches) {
        if (!e.attribution.empty() && !e.attribution.starts_with("backend unchanged")) {
          const auto backend = e.attribution.substr(0, e.attribution.find(';'));
          ev.effects.push_back(fmt::format("backend changed: {} (batch {})", backend.substr(backend.find(' ') + 1),
                                           e.batch));
          break;
        }
      }
    }
    if (r.preset.env.count("TORCH_MKLDNN_MATMUL_MIN_DIM") != 0 || r.preset.env.count("TORCH_MKLDNN_MATMUL_MIN_SIZE") != 0) {
      std::vector<std::string> moved;
      for (const auto& e : ev.batches) {
        const auto* base = batch_of(baseline, e.batch);
        if (base == nullptr) {
          continue;
        }
        for (std::size_t l = 0; l < e.routes.size() && l < base->routes.size(); ++l) {
          if (e.routes[l].backend != base->routes[l].backend) {
            moved.push_back(fmt::format("layer {} at batch {}: {} -> {}", l + 1, e.batch, base->routes[l].backend,
                                        e.routes[l].backend));
          }
        }
      }
      ev.effects.push_back(moved.empty()
                               ? std::string("matmul size threshold: no effect observed on this host (every layer ran "
                                             "where it runs under the default preset)")
                               : fmt::format("matmul size threshold: observed ({})", fmt::join(moved, "; ")));
    }
    if (r.preset.env.count("THP_MEM_ALLOC_ENABLE") != 0 && r.preset.env.at("THP_MEM_ALLOC_ENABLE") == "1") {
      const std::int64_t grew = huge_page_growth(r);
      const std::int64_t base = baseline != nullptr ? huge_page_growth(*baseline) : 0;
      ev.effects.push_back(grew > base ? fmt::format("transparent huge pages: observed ({:.1f} MiB of huge pages, "
                                                     "default preset {:.1f} MiB)",
                                                     static_cast<double>(grew) / 1048576.0,
                                                     static_cast<double>(base) / 1048576.0)
                                       : "transparent huge pages: no effect observed on this host (no more huge pages "
                                         "than under the default preset)");
    }
    if (const auto w = r.preset.settings.weights_dtype.value_or("f32"); w != "f32" && w != "bf16") {
      ev.effects.push_back(weights_effect(r, w));
    }
    warn_slow_or_disabled(r);
    for (const auto& e : ev.batches) {
      if (!e.contradiction.empty()) {
        ev.effects.push_back(fmt::format("batch {}: {}", e.batch, e.contradiction));
      }
    }
  }
}

} // namespace gbench::evidence

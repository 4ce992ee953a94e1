#include "gbench/record/evidence.hpp"

#include "gbench/record/status.hpp"

namespace gbench::record {

nlohmann::json to_json(const accuracy& a) {
  if (!a.unavailable.empty()) {
    return {{"unavailable", a.unavailable}};
  }
  return {{"cosine", a.cosine},
          {"max_abs_error", a.max_abs_error},
          {"max_rel_error", a.max_rel_error},
          {"top1_agreement", a.top1_agreement}};
}

void from_json(const node& n, accuracy& out) {
  if (n.find("unavailable")) {
    read(n, "unavailable", out.unavailable);
    return;
  }
  read(n, "cosine", out.cosine);
  read(n, "max_abs_error", out.max_abs_error);
  read(n, "max_rel_error", out.max_rel_error);
  read(n, "top1_agreement", out.top1_agreement);
}

nlohmann::json to_json(const record::layer_route& r) {
  nlohmann::json j{{"in_features", r.in_features},
                   {"out_features", r.out_features},
                   {"backend", r.backend},
                   {"implementation", r.implementation},
                   {"math", r.math},
                   {"execs", r.execs}};
  // Written when known, so that reports from before these fields read back as they were.
  for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"isa", &r.isa},
                                   {"src_dtype", &r.src_dtype},
                                   {"wei_dtype", &r.wei_dtype},
                                   {"dst_dtype", &r.dst_dtype},
                                   {"fpmath", &r.fpmath},
                                   {"math_basis", &r.math_basis},
                                   {"op", &r.op}}) {
    if (!value->empty()) {
      j[key] = *value;
    }
  }
  if (r.reference) {
    j["reference"] = true;
  }
  return j;
}

void from_json(const node& n, record::layer_route& out) {
  read(n, "in_features", out.in_features);
  read(n, "out_features", out.out_features);
  read(n, "backend", out.backend);
  read_optional(n, "implementation", out.implementation);
  read_optional(n, "isa", out.isa);
  read_optional(n, "src_dtype", out.src_dtype);
  read_optional(n, "wei_dtype", out.wei_dtype);
  read_optional(n, "dst_dtype", out.dst_dtype);
  read_optional(n, "fpmath", out.fpmath);
  read_optional(n, "math", out.math);
  read_optional(n, "math_basis", out.math_basis);
  read_optional(n, "execs", out.execs);
  read_optional(n, "op", out.op);
  read_optional(n, "reference", out.reference);
}

nlohmann::json to_json(const record::primitive_summary& p) {
  return {{"kind", p.kind},           {"implementation", p.implementation}, {"problem", p.problem},
          {"math", p.math},           {"src_dtype", p.src_dtype},           {"wei_dtype", p.wei_dtype},
          {"dst_dtype", p.dst_dtype}, {"execs", p.execs}};
}

void from_json(const node& n, record::primitive_summary& out) {
  read(n, "kind", out.kind);
  read_optional(n, "implementation", out.implementation);
  read_optional(n, "problem", out.problem);
  read_optional(n, "math", out.math);
  read_optional(n, "src_dtype", out.src_dtype);
  read_optional(n, "wei_dtype", out.wei_dtype);
  read_optional(n, "dst_dtype", out.dst_dtype);
  read_optional(n, "execs", out.execs);
}

nlohmann::json to_json(const batch_evidence& e) {
  nlohmann::json j{{"batch", e.batch}, {"status", status_word(e.ok)}};
  if (!e.ok) {
    j["error"] = e.error;
    return j;
  }
  nlohmann::json routes = nlohmann::json::array();
  for (const auto& r : e.routes) {
    routes.push_back(to_json(r));
  }
  j["routes"] = std::move(routes);
  nlohmann::json primitives = nlohmann::json::array();
  for (const auto& p : e.primitives) {
    primitives.push_back(to_json(p));
  }
  if (!primitives.empty()) { // written when oneDNN ran any: reports of earlier versions read back unchanged
    j["primitives"] = std::move(primitives);
  }
  j["onednn_verbose"] = e.verbose_lines;
  if (!e.operators.empty()) { // written when recorded: reports of earlier versions read back unchanged
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& op : e.operators) {
      ops.push_back({{"name", op.name}, {"input_shapes", op.input_shapes}});
    }
    j["operators"] = std::move(ops);
  }
  j["accuracy"] = to_json(e.accuracy);
  if (!e.expected_precision.empty()) {
    j["cross_check"] = {{"expected_precision", e.expected_precision},
                        {"observed_precision", e.observed_precision},
                        {"baseline_max_rel_error", or_null(e.baseline_max_rel_error)},
                        {"agrees", e.contradiction.empty()},
                        {"contradiction", e.contradiction}};
  }
  if (!e.attribution.empty()) {
    j["attribution"] = e.attribution;
  }
  return j;
}

void from_json(const node& n, batch_evidence& out) {
  read(n, "batch", out.batch);
  out.ok = read_status(n);
  if (!out.ok) {
    read_optional(n, "error", out.error);
    return;
  }
  read_optional(n, "routes", out.routes);
  read_optional(n, "primitives", out.primitives);
  read_optional(n, "onednn_verbose", out.verbose_lines);
  if (const auto ops = n.find("operators")) {
    for (const auto& item : ops->elements()) {
      record::op_call op;
      read(item, "name", op.name);
      read_optional(item, "input_shapes", op.input_shapes);
      out.operators.push_back(std::move(op));
    }
  }
  read(n, "accuracy", out.accuracy);
  if (const auto check = n.find("cross_check")) {
    read_optional(*check, "expected_precision", out.expected_precision);
    read_optional(*check, "observed_precision", out.observed_precision);
    read_optional(*check, "baseline_max_rel_error", out.baseline_max_rel_error);
    read_optional(*check, "contradiction", out.contradiction);
  }
  read_optional(n, "attribution", out.attribution);
}

nlohmann::json to_json(const run_evidence& e) {
  nlohmann::json batches = nlohmann::json::array();
  for (const auto& b : e.batches) {
    batches.push_back(to_json(b));
  }
  nlohmann::json j{{"batches", std::move(batches)},
                   {"anon_huge_pages_before", or_null(e.huge_pages_before)},
                   {"anon_huge_pages_after", or_null(e.huge_pages_after)},
                   {"effects", e.effects}};
  if (!e.onednn_isa.empty()) {
    j["onednn_isa"] = e.onednn_isa;
  }
  if (!e.onednn_disabled.empty()) {
    j["onednn_disabled"] = e.onednn_disabled;
  }
  return j;
}

void from_json(const node& n, run_evidence& out) {
  read(n, "batches", out.batches);
  read_optional(n, "anon_huge_pages_before", out.huge_pages_before);
  read_optional(n, "anon_huge_pages_after", out.huge_pages_after);
  read_optional(n, "onednn_isa", out.onednn_isa);
  read_optional(n, "onednn_disabled", out.onednn_disabled);
  read_optional(n, "effects", out.effects);
}

} // namespace gbench::record

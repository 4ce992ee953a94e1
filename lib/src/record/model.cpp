#include "gbench/record/model.hpp"

#include <fmt/format.h>

namespace gbench::record {

model_info describe(const config::model_spec& spec) {
  return {.name = spec.name,
          .description = spec.description,
          .input_shape = spec.input_shape,
          .hidden = spec.hidden,
          .outputs = spec.outputs,
          .parameters = spec.parameter_count(),
          .weight_bytes = spec.weight_bytes(),
          .flops_per_sample = spec.flops_per_sample(),
          .flops_source = spec.flops_source,
          .kind = spec.kind,
          .file = spec.file,
          .sha256 = spec.sha256,
          .file_bytes = spec.file_bytes,
          .inputs = spec.inputs,
          .inputs_from = spec.inputs_from,
          .sidecar = spec.sidecar,
          .twin = spec.twin,
          .sidecar_flops = spec.sidecar_flops};
}

config::model_spec spec_of(const model_info& m) {
  // Field by field: the file fields below have defaults (-Wmissing-field-initializers).
  config::model_spec spec;
  spec.name = m.name;
  spec.description = m.description;
  spec.input_shape = m.input_shape;
  spec.hidden = m.hidden;
  spec.outputs = m.outputs;
  if (m.kind != config::model_kind::mlp) {
    spec.kind = m.kind;
    spec.file = m.file;
    spec.sha256 = m.sha256;
    spec.file_bytes = m.file_bytes;
    spec.inputs = m.inputs;
    spec.inputs_from = m.inputs_from;
    spec.sidecar = m.sidecar;
    spec.twin = m.twin;
    spec.file_parameters = m.parameters;
    spec.file_weight_bytes = m.weight_bytes;
    spec.file_flops = m.flops_per_sample;
    spec.flops_source = m.flops_source;
    spec.sidecar_flops = m.sidecar_flops;
  }
  return spec;
}

nlohmann::json to_json(const config::input_spec& in) {
  nlohmann::json j{{"name", in.name}, {"shape", in.shape}, {"dtype", in.dtype}};
  if (in.is_integer()) {
    j["range"] = {in.low, in.high};
  }
  return j;
}

void from_json(const node& n, config::input_spec& out) {
  read(n, "name", out.name);
  read(n, "shape", out.shape);
  read(n, "dtype", out.dtype);
  if (const auto range = n.find("range")) {
    const auto ends = range->elements();
    if (ends.size() != 2) {
      range->fail_type("[low, high]");
    }
    out.low = ends[0].integer();
    out.high = ends[1].integer();
  }
}

nlohmann::json to_json(const model_info& m) {
  nlohmann::json j{{"name", m.name},
                   {"description", m.description},
                   {"input_shape", m.input_shape},
                   {"hidden", m.hidden},
                   {"outputs", m.outputs},
                   {"parameters", m.parameters},
                   {"weight_bytes", m.weight_bytes},
                   {"flops_per_sample", m.flops_per_sample}};
  if (m.kind == config::model_kind::mlp) {
    return j; // the MLP's FLOPs are its formula's; its reports stay as those of earlier versions
  }
  j["flops_source"] = m.flops_source;
  j["kind"] = config::to_string(m.kind);
  j["file"] = m.file;
  j["sha256"] = m.sha256;
  j["file_bytes"] = m.file_bytes;
  j["inputs"] = nlohmann::json::array();
  for (const auto& in : m.inputs) {
    j["inputs"].push_back(to_json(in));
  }
  j["inputs_from"] = m.inputs_from;
  j["sidecar"] = m.sidecar;
  j["twin"] = m.twin;
  j["sidecar_flops"] = or_null(m.sidecar_flops);
  return j;
}

void from_json(const node& n, model_info& out) {
  // The shape is what compare checks two reports by; the rest is read when there.
  read(n, "name", out.name);
  read(n, "input_shape", out.input_shape);
  read(n, "hidden", out.hidden);
  read(n, "outputs", out.outputs);
  read_optional(n, "description", out.description);
  read_optional(n, "parameters", out.parameters);
  read_optional(n, "weight_bytes", out.weight_bytes);
  read_optional(n, "flops_per_sample", out.flops_per_sample);
  read_optional(n, "flops_source", out.flops_source);
  if (const auto kind = n.find("kind")) {
    const std::string word = kind->string();
    if (word != "torchscript" && word != "aoti" && word != "mlp") {
      kind->fail(fmt::format("expected \"torchscript\", \"aoti\" or \"mlp\", found \"{}\"", word));
    }
    out.kind = word == "aoti" ? config::model_kind::aoti
                              : (word == "torchscript" ? config::model_kind::torchscript : config::model_kind::mlp);
  }
  read_optional(n, "file", out.file);
  read_optional(n, "sha256", out.sha256);
  read_optional(n, "file_bytes", out.file_bytes);
  read_optional(n, "inputs", out.inputs);
  read_optional(n, "inputs_from", out.inputs_from);
  read_optional(n, "sidecar", out.sidecar);
  read_optional(n, "twin", out.twin);
  read_optional(n, "sidecar_flops", out.sidecar_flops);
}

} // namespace gbench::record

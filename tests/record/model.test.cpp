// record/model: the model block of a report, made from a model spec and back, and its JSON.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/record/model.hpp"

using Catch::Matchers::Contains;
using namespace gbench;

TEST_CASE("the MLP's model block is its shape and figures, and gives the same spec back", "[record]") {
  const auto spec = config::load_model("tiny-mlp", GBENCH_CONFIGS "/models");
  const auto m = record::describe(spec);
  CHECK(m.parameters == spec.parameter_count());
  CHECK(m.flops_per_sample == spec.flops_per_sample());
  const auto j = record::to_json(m);
  CHECK_FALSE(j.contains("kind")); // the MLP's reports stay as those of earlier versions
  record::model_info back;
  from_json(record::node(j, "r.json", "model"), back);
  CHECK(record::to_json(back) == j);
  const auto again = record::spec_of(back);
  CHECK(again.kind == config::model_kind::mlp);
  CHECK(again.parameter_count() == spec.parameter_count());
  CHECK(again.linear_layers() == spec.linear_layers());
}

TEST_CASE("a model file's block keeps its identity and inputs, and a kind that is none is refused", "[record]") {
  record::model_info m;
  m.name = "net.pt";
  m.input_shape = {16};
  m.outputs = 10;
  m.parameters = 1000;
  m.weight_bytes = 4000;
  m.flops_per_sample = 2000;
  m.flops_source = "profiler";
  m.kind = config::model_kind::torchscript;
  m.file = "/models/net.pt";
  m.sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  m.file_bytes = 3;
  m.inputs = {{.name = "ids", .shape = {16}, .dtype = "int64", .low = 0, .high = 999}};
  m.inputs_from = "--input";
  const auto j = record::to_json(m);
  CHECK(j["kind"] == "torchscript");
  CHECK(j["inputs"][0]["range"] == nlohmann::json{0, 999});
  record::model_info back;
  from_json(record::node(j, "r.json", "model"), back);
  CHECK(record::to_json(back) == j);
  const auto spec = record::spec_of(back);
  CHECK(spec.is_file());
  CHECK(spec.sha256 == m.sha256);
  CHECK(spec.inputs.at(0).describe() == "ids: 16 int64 in [0, 999]");
  CHECK(spec.file_parameters == 1000);

  auto bad = j;
  bad["kind"] = "onnx";
  CHECK_THROWS_AS(from_json(record::node(bad, "r.json", "model"), back), report_error);
  CHECK_THROWS_WITH(from_json(record::node(bad, "r.json", "model"), back),
                    Contains("r.json: model.kind: expected \"torchscript\", \"aoti\" or \"mlp\", found \"onnx\""));
  bad = j;
  bad["inputs"][0]["range"] = {0};
  CHECK_THROWS_WITH(from_json(record::node(bad, "r.json", "model"), back), Contains("[low, high]"));
}

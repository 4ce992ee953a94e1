// backend/model_file: the loaders on the models scripts/export-models writes for the tests ([models]: CTest
// exports them first, as a fixture, the AOTInductor package included).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "gbench/backend/mlp.hpp"
#include "gbench/backend/model_file.hpp"
#include "gbench/backend/profiler.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/util/files.hpp"
#include "input_files.hpp"
#include "model_files.hpp"

using Catch::Matchers::Contains;
using gbench::config::load_model;
using gbench_test::configs_models;
using gbench_test::exported;
using gbench_test::message_of;
using gbench_test::models_dir;
using gbench_test::require_package;
using gbench_test::write;

namespace {

gbench::config::model_spec inspected(const std::filesystem::path& file, const std::vector<std::string>& inputs = {}) {
  auto spec = load_model(file.string(), configs_models, inputs);
  gbench::backend::inspect_model(spec, 0);
  return spec;
}

} // namespace

TEST_CASE("TorchScript loader: parameters, FLOPs from the profiler, outputs", "[models]") {
  const auto spec = inspected(exported("tiny-mlp.pt"));
  const auto builtin = load_model("tiny-mlp", configs_models);
  CHECK(spec.kind == gbench::config::model_kind::torchscript);
  CHECK(spec.parameter_count() == builtin.parameter_count());
  CHECK(spec.outputs == builtin.outputs);
  CHECK(spec.flops_source == "profiler");
  CHECK(spec.flops_per_sample() == Approx(builtin.flops_per_sample())); // addmm: 2*in*out per sample
  CHECK(spec.inputs_from == (models_dir / "tiny-mlp.json").string());

  gbench::backend::mlp_session session(spec, 0);
  session.prepare(4);
  const auto accuracy = session.compare_with_float64();
  CHECK(accuracy.available);
  CHECK(accuracy.cosine > 0.999999);
  CHECK(accuracy.top1_agreement == 1.0);
}

TEST_CASE("TorchScript recipe MLP: the built-in MLP's predictions and operator rows with the same weights", "[models]") {
  const auto file = inspected(exported("recipe-mlp.pt"));
  const auto builtin = load_model("recipe-mlp", configs_models);
  gbench::backend::mlp_session scripted(file, 0);
  gbench::backend::mlp_session native(builtin, 0);
  scripted.prepare(4);
  native.prepare(4);
  CHECK(scripted.predicted_classes(4) == native.predicted_classes(4));
  const auto a = scripted.outputs(4);
  const auto b = native.outputs(4);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].size() == b[i].size());
    for (std::size_t k = 0; k < a[i].size(); ++k) {
      CHECK(a[i][k] == b[i][k]); // the same weights, input and ATen calls: bit for bit
    }
  }

  const auto rows = [](gbench::backend::mlp_session& s) {
    const auto table = gbench::profile::aggregate(gbench::backend::profile_forwards(s, 2, true, ""), true);
    std::map<std::string, std::int64_t> counts;
    for (const auto& op : table.ops) {
      if (op.name == "aten::linear" || op.name == "aten::addmm") {
        counts[op.name + " " + op.input_shapes] += op.count;
      }
    }
    return counts;
  };
  const auto scripted_rows = rows(scripted);
  CHECK(scripted_rows.size() == 6); // three layers, each an aten::linear and its aten::addmm
  CHECK(scripted_rows == rows(native));
}

TEST_CASE("AOTInductor loader: the same predictions as its TorchScript twin, accuracy from the twin", "[models][aoti]") {
  require_package();
  const auto spec = inspected(exported("tiny-mlp.pt2"));
  CHECK(spec.kind == gbench::config::model_kind::aoti);
  CHECK(spec.twin == (models_dir / "tiny-mlp.pt").string());
  CHECK(spec.parameter_count() == load_model("tiny-mlp", configs_models).parameter_count());
  CHECK((spec.flops_source == "sidecar" || spec.flops_source == "profiler"));
  CHECK(spec.flops_per_sample() == Approx(load_model("tiny-mlp", configs_models).flops_per_sample()));

  gbench::backend::mlp_session compiled(spec, 0);
  gbench::backend::mlp_session eager(inspected(exported("tiny-mlp.pt")), 0);
  compiled.prepare(8);
  eager.prepare(8);
  CHECK(compiled.predicted_classes(8) == eager.predicted_classes(8));
  const auto accuracy = compiled.compare_with_float64();
  CHECK(accuracy.available);
  CHECK(accuracy.cosine > 0.9999);

  // Without its twin, the accuracy is unavailable and says why.
  gbench::util::temp_dir dir;
  std::filesystem::copy_file(exported("tiny-mlp.pt2"), dir.path() / "alone.pt2");
  const auto alone = inspected(dir.path() / "alone.pt2", {"16x16"});
  CHECK(alone.twin.empty());
  CHECK(alone.flops_source != "sidecar");
  gbench::backend::mlp_session lonely(alone, 0);
  lonely.prepare(2);
  const auto none = lonely.compare_with_float64();
  CHECK_FALSE(none.available);
  CHECK_THAT(none.unavailable, Contains("no TorchScript twin") && Contains("alone.pt"));
}

TEST_CASE("models: the encoder and CNN of the test set load and run", "[models]") {
  const auto encoder = inspected(exported("tiny-encoder.pt"));
  REQUIRE(encoder.inputs.size() == 1);
  CHECK(encoder.inputs[0].dtype == "int64");
  CHECK(encoder.outputs == 2);
  CHECK(encoder.flops_source == "profiler");
  CHECK(encoder.flops_per_sample() > 0);
  const auto cnn = inspected(exported("tiny-cnn.pt"));
  CHECK(cnn.outputs == 10);
  CHECK(cnn.parameter_count() > 0);
  gbench::backend::mlp_session session(cnn, 0);
  session.prepare(3);
  CHECK(session.predicted_classes(3).size() == 3);
  const auto accuracy = session.compare_with_float64();
  CHECK(accuracy.available);
  CHECK(accuracy.cosine > 0.9999);
}

TEST_CASE("bad model files: no model, truncated, rejected inputs", "[models]") {
  gbench::util::temp_dir dir;
  write(dir.path() / "text.pt", "this is no model\n");
  CHECK_THAT(message_of([&] { (void)inspected(dir.path() / "text.pt", {"16x16"}); }),
             Contains("text.pt: not a loadable TorchScript model"));
  write(dir.path() / "text.pt2", "this is no model\n");
  CHECK_THAT(message_of([&] { (void)inspected(dir.path() / "text.pt2", {"16x16"}); }),
             Contains("text.pt2: not an AOTInductor package"));
  const std::string bytes = gbench::util::read_text_file(exported("tiny-mlp.pt"));
  const auto cut = dir.path() / "cut-tiny-mlp.pt";
  write(cut, bytes.substr(0, bytes.size() / 2));
  CHECK_THAT(message_of([&] { (void)inspected(cut, {"16x16"}); }), Contains("cut-") && Contains("truncated"));

  const auto shape = message_of([&] { (void)inspected(exported("tiny-mlp.pt"), {"9x9"}); });
  CHECK_THAT(shape, Contains("rejected its inputs") && Contains("input0: [2, 9, 9] float32") && Contains("--input"));
  const auto dtype = message_of([&] { (void)inspected(exported("tiny-mlp.pt"), {"16x16:int64:0..3"}); });
  CHECK_THAT(dtype, Contains("rejected its inputs") && Contains("int64"));
}

TEST_CASE("bad AOTInductor packages: truncated, another architecture or PyTorch, rejected inputs", "[models][aoti]") {
  require_package();
  gbench::util::temp_dir dir;
  const std::string bytes = gbench::util::read_text_file(exported("tiny-mlp.pt2"));
  const auto cut = dir.path() / "cut-tiny-mlp.pt2";
  write(cut, bytes.substr(0, bytes.size() / 2));
  CHECK_THAT(message_of([&] { (void)inspected(cut, {"16x16"}); }), Contains("cut-") && Contains("truncated"));
  CHECK_THAT(message_of([&] { (void)inspected(exported("other-arch.pt2"), {"16x16"}); }),
             Contains("compiled for riscv64") && Contains("compile it again"));
  CHECK_THAT(message_of([&] { (void)inspected(exported("other-torch.pt2"), {"16x16"}); }),
             Contains("compiled by PyTorch 1.0.0") && Contains("compile it again"));
  const auto compiled = message_of([&] { (void)inspected(exported("tiny-mlp.pt2"), {"9x9"}); });
  CHECK_THAT(compiled, Contains("rejected its inputs") && Contains("[2, 9, 9]"));
}

TEST_CASE("a model quantized at export: its operators, its float twin's reference, presets not applicable",
          "[models][quantized]") {
  const auto spec = inspected(exported("tiny-mlp.int8-dynamic.pt"));
  // STEM.int8-dynamic.pt shares STEM.json and takes STEM.pt's float64 copy as the reference.
  CHECK(spec.inputs_from == (models_dir / "tiny-mlp.json").string());
  CHECK(spec.twin == (models_dir / "tiny-mlp.pt").string());
  gbench::backend::mlp_session session(spec, 0);
  gbench::config::torch_settings quantize;
  quantize.weights_dtype = "int8-dynamic";
  const auto outcome = session.use_weights(quantize, true);
  CHECK(outcome.status == "not applicable");
  CHECK_THAT(outcome.detail, Contains("quantize at export") && Contains("--quantize int8-dynamic"));
  session.prepare(8);
  std::int64_t dynamic = 0;
  for (const auto& e : gbench::backend::profile_forwards(session, 1, false, "")) {
    dynamic += e.name == "quantized::linear_dynamic" ? 1 : 0;
  }
  CHECK(dynamic == 3);
  const auto accuracy = session.compare_with_float64();
  REQUIRE(accuracy.available);
  CHECK(accuracy.cosine > 0.999);
  CHECK(accuracy.max_rel_error > 1e-4); // int8, against the float model's float64 copy
}

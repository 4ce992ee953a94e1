// Model files (lib/src/backend/model_file.cpp, lib/src/config/model_file.cpp): the --input parser, sidecars, file
// identity (no LibTorch model needed), then the loaders on the models scripts/export-models writes for the tests
// ([models]: CTest exports them first, as a fixture, the AOTInductor package included).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "gbench/backend/mlp.hpp"
#include "gbench/backend/model_file.hpp"
#include "gbench/backend/profiler.hpp"
#include "gbench/config/model_spec.hpp"
#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"
#include "gbench/util/files.hpp"
#include "gbench/util/subprocess.hpp"
#include "run_binary.hpp"
#include "schema_check.hpp"

using Catch::Matchers::Contains;
using gbench::input_error;
using gbench::config::load_model;
using gbench::config::parse_input;

namespace {

const std::filesystem::path models_dir = GBENCH_TEST_MODELS;
const std::filesystem::path configs_models = std::filesystem::path(GBENCH_CONFIGS) / "models";

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e.what();
  }
  return "(no input_error thrown)";
}

// A model file of the test set; fails the test (never skips) when the export fixture did not write it.
std::filesystem::path exported(const std::string& name) {
  const auto p = models_dir / name;
  INFO("written by scripts/export-models --set test (the CTest fixture export_test_models)");
  REQUIRE(std::filesystem::is_regular_file(p));
  return p;
}

gbench::config::model_spec inspected(const std::filesystem::path& file, const std::vector<std::string>& inputs = {}) {
  auto spec = load_model(file.string(), configs_models, inputs);
  gbench::backend::inspect_model(spec, 0);
  return spec;
}

// The AOTInductor packages of the test set: the CTest fixture compiles them, so a missing one is a failure,
// never a skipped test.
void require_package() {
  for (const char* name : {"tiny-mlp.pt2", "other-arch.pt2", "other-torch.pt2"}) {
    INFO("run the CTest fixture export_test_models, or scripts/export-models --set test");
    REQUIRE(std::filesystem::is_regular_file(models_dir / name));
  }
}

using gbench_test::run_cli;

} // namespace

TEST_CASE("input parser gives shape, dtype and value range of one sample", "[model_file]") {
  auto in = parse_input("3x224x224", 0);
  CHECK(in.shape == std::vector<std::int64_t>{3, 224, 224});
  CHECK(in.dtype == "float32");
  CHECK(in.name == "input0");
  in = parse_input("128:int64:0..30521", 1);
  CHECK(in.shape == std::vector<std::int64_t>{128});
  CHECK(in.dtype == "int64");
  CHECK(in.low == 0);
  CHECK(in.high == 30521);
  CHECK(in.describe() == "input1: 128 int64 in [0, 30521]");
  CHECK(parse_input("16:bfloat16", 0).dtype == "bfloat16");

  CHECK_THAT(message_of([] { (void)parse_input("3x0x2", 0); }), Contains("--input '3x0x2'") && Contains("SHAPE"));
  CHECK_THAT(message_of([] { (void)parse_input("3xx2", 0); }), Contains("is not a shape"));
  CHECK_THAT(message_of([] { (void)parse_input("", 0); }), Contains("is not a shape"));
  CHECK_THAT(message_of([] { (void)parse_input("8:float33", 0); }), Contains("unknown dtype 'float33'") && Contains("float32"));
  CHECK_THAT(message_of([] { (void)parse_input("8:float32:0..9", 0); }), Contains("of an integer input"));
  CHECK_THAT(message_of([] { (void)parse_input("8:int64:9..0", 0); }), Contains("LOW <= HIGH"));
}

TEST_CASE("sidecar: FILE.pt.json before STEM.json, inputs, description, FLOPs, unknown keys refused", "[model_file]") {
  gbench::util::temp_dir dir;
  const auto model = dir.path() / "net.pt";
  write(model, "not read here");
  CHECK(gbench::config::find_sidecar(model).empty());
  write(dir.path() / "net.json", R"({"description": "shared", "inputs": [{"shape": [4]}]})");
  CHECK(gbench::config::find_sidecar(model) == dir.path() / "net.json");
  write(dir.path() / "net.pt.json", R"({
  "description": "a net",
  "inputs": [{"name": "ids", "shape": [16], "dtype": "int64", "range": [0, 999]},
             {"name": "mask", "shape": [16], "dtype": "bool"}],
  "flops_per_sample": 1.5e6
})");
  REQUIRE(gbench::config::find_sidecar(model) == dir.path() / "net.pt.json");
  gbench::config::model_spec spec;
  gbench::config::read_sidecar(dir.path() / "net.pt.json", spec);
  CHECK(spec.description == "a net");
  REQUIRE(spec.inputs.size() == 2);
  CHECK(spec.inputs[0].describe() == "ids: 16 int64 in [0, 999]");
  CHECK(spec.inputs[1].dtype == "bool");
  CHECK(spec.sidecar_flops.value_or(0) == 1.5e6);

  write(dir.path() / "bad.json", "{\n  \"inputs\": [{\"shape\": [4]}],\n  \"batch_size\": 8\n}");
  CHECK_THAT(message_of([&] { gbench::config::read_sidecar(dir.path() / "bad.json", spec); }),
             Contains("bad.json:3:") && Contains("unknown key 'batch_size'") && Contains("inputs"));
  write(dir.path() / "bad.json", R"({"inputs": [{"shape": [4], "dtype": "float32", "range": [0, 3]}]})");
  CHECK_THAT(message_of([&] { gbench::config::read_sidecar(dir.path() / "bad.json", spec); }),
             Contains("'range'") && Contains("integer input"));
  write(dir.path() / "bad.json", R"({"inputs": [{"shape": [4], "layout": "nchw"}]})");
  CHECK_THAT(message_of([&] { gbench::config::read_sidecar(dir.path() / "bad.json", spec); }),
             Contains("unknown key 'layout' in input 0"));
}

TEST_CASE("model file identity: hash, size, inputs, and a file without known inputs is refused", "[model_file]") {
  gbench::util::temp_dir dir;
  const auto model = dir.path() / "net.pt";
  write(model, "abc");
  auto spec = load_model(model.string(), configs_models, {"4x4"});
  CHECK(spec.kind == gbench::config::model_kind::torchscript);
  CHECK(spec.name == "net.pt");
  CHECK(spec.file_bytes == 3);
  CHECK(spec.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // SHA-256("abc")
  CHECK(spec.inputs_from == "--input");
  CHECK(spec.input_shape == std::vector<std::int64_t>{4, 4});
  CHECK_THAT(message_of([&] { (void)load_model(model.string(), configs_models); }),
             Contains("its inputs are unknown") && Contains("--input"));
  CHECK_THAT(message_of([&] { (void)load_model((dir.path() / "none.pt2").string(), configs_models); }),
             Contains("no file") && Contains("none.pt2"));
  CHECK_THAT(message_of([] { (void)load_model("tiny-mlp", configs_models, {"4x4"}); }),
             Contains("--input") && Contains("MLP spec"));
  const auto pt2 = dir.path() / "net.pt2";
  write(pt2, "abc");
  CHECK(load_model(pt2.string(), configs_models, {"4"}).twin == std::filesystem::absolute(model).lexically_normal().string());
}

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

TEST_CASE("graviton-bench on a TorchScript file: report fields, bad files exit 3", "[models][cli]") {
  gbench::util::temp_dir dir;
  const auto json = dir.path() / "r.json";
  const auto ok = run_cli({"--model", exported("tiny-mlp.pt").string(), "--batch", "2", "--warmup", "1", "--iters",
                           "3", "--threads", "1", "--json", json.string()});
  INFO(ok.stderr_tail);
  REQUIRE(ok.exit_code == 0);
  const auto report = nlohmann::json::parse(gbench::util::read_text_file(json));
  const auto& model = report.at("model");
  CHECK(model.at("kind") == "torchscript");
  CHECK(model.at("file") == exported("tiny-mlp.pt").string());
  CHECK(model.at("sha256").get<std::string>().size() == 64);
  CHECK(model.at("file_bytes") == std::filesystem::file_size(exported("tiny-mlp.pt")));
  CHECK(model.at("parameters") == load_model("tiny-mlp", configs_models).parameter_count());
  CHECK(model.at("flops_source") == "profiler");
  CHECK(model.at("inputs").at(0).at("shape") == nlohmann::json{16, 16});
  CHECK(report.at("runs").at(0).at("results").at(0).at("status") == "ok");
  gbench_test::check_schema(report, "report");

  write(dir.path() / "x.pt", "no model");
  const auto bad = run_cli({"--model", (dir.path() / "x.pt").string(), "--input", "16x16"});
  CHECK(bad.exit_code == 3);
  CHECK_THAT(bad.stderr_tail, Contains("not a loadable TorchScript model"));
  std::filesystem::copy_file(exported("tiny-mlp.pt"), dir.path() / "y.pt");
  write(dir.path() / "y.json", R"({"inputs": [{"shape": [16, 16]}], "batch": 4})");
  const auto sidecar = run_cli({"--model", (dir.path() / "y.pt").string()});
  CHECK(sidecar.exit_code == 3);
  CHECK_THAT(sidecar.stderr_tail, Contains("y.json:1:") && Contains("unknown key 'batch'"));
}

TEST_CASE("eager against compiled: --model a.pt,a.pt2 gives a row each, compared with the first", "[models][aoti][cli]") {
  require_package();
  gbench::util::temp_dir dir;
  const auto json = dir.path() / "r.json";
  const std::string both = exported("tiny-mlp.pt").string() + "," + exported("tiny-mlp.pt2").string();
  const auto r = run_cli({"--model", both, "--batch", "4", "--warmup", "1", "--iters", "20", "--threads", "1",
                          "--no-profile", "--verify", "--json", json.string()});
  INFO(r.stderr_tail);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.stdout_text, Contains("tiny-mlp.pt2 vs tiny-mlp.pt (default) @4:"));
  const auto report = nlohmann::json::parse(gbench::util::read_text_file(json));
  REQUIRE(report.at("models").size() == 2);
  CHECK(report.at("models").at(1).at("kind") == "aoti");
  REQUIRE(report.at("runs").size() == 2);
  CHECK(report.at("runs").at(0).at("model") == "tiny-mlp.pt");
  CHECK(report.at("runs").at(1).at("model") == "tiny-mlp.pt2");
  const auto& rows = report.at("comparison");
  REQUIRE(rows.size() == 2);
  CHECK(rows.at(0).at("model") == "tiny-mlp.pt");
  CHECK(rows.at(0).at("baseline") == true);
  CHECK(rows.at(1).at("model") == "tiny-mlp.pt2");
  CHECK(rows.at(1).contains("speedup"));
  CHECK(rows.at(1).contains("verdict"));
  // --verify: the package's accuracy comes from its TorchScript twin.
  const auto& accuracy = report.at("runs").at(1).at("evidence").at("batches").at(0).at("accuracy");
  CHECK(accuracy.at("cosine").get<double>() > 0.9999);
  gbench_test::check_schema(report, "report");

  const auto compared = run_cli({"compare", json.string(), json.string()});
  CHECK(compared.exit_code == 11);
  CHECK_THAT(compared.stderr_tail, Contains("several models"));
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

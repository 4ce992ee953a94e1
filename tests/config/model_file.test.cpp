// config/model_file: model files without LibTorch: the --input parser, sidecars, and a file's identity.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gbench/config/model_spec.hpp"
#include "gbench/util/files.hpp"
#include "input_files.hpp"
#include "model_files.hpp"

using Catch::Matchers::Contains;
using gbench::config::load_model;
using gbench::config::parse_input;
using gbench_test::configs_models;
using gbench_test::message_of;
using gbench_test::write;

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

// config.pbtxt through libprotobuf's text format, the export layout with its manifest, and the
// reader's checks: the round trip restores a version's files, and each kind of tampering is named.
#include <gtest/gtest.h>

#include <map>

#include "base/crypto.h"
#include "registry/model_inspect.h"
#include "testing/test_support.h"
#include "triton/repository_export.h"
#include "triton/repository_reader.h"
#include "triton/triton_config.h"

namespace moebius::triton {
namespace {

using ::moebius::testing::StatusIs;
using ::testing::HasSubstr;

std::string XgbJson(int features, const std::string& objective = "binary:logistic", int classes = 0) {
  return Json{{"learner",
               {{"learner_model_param", {{"num_feature", std::to_string(features)}, {"num_class", std::to_string(classes)}}},
                {"objective", {{"name", objective}}},
                {"gradient_booster", Json::object()}}}}
      .dump();
}

// Blobs by sha256, and a registered version over them.
struct Fixture {
  std::map<std::string, std::string> blobs;

  registry::ModelFile Put(const std::string& path, const std::string& bytes, const std::string& role) {
    std::string sha = Sha256Hex(bytes);
    blobs[sha] = bytes;
    return {path, sha, static_cast<int64_t>(bytes.size()), role};
  }
  registry::ModelVersion Xgboost(const std::string& model, int64_t n, int features, const std::string& objective = "binary:logistic") {
    registry::ModelVersion v;
    v.model_name = model;
    v.version = n;
    v.format = "xgboost";
    v.flavor = "moebius";
    v.model_file = "model.json";
    v.files = {Put("model.json", XgbJson(features, objective), "model"), Put("transform.json", "{\"steps\":[]}", "transform")};
    v.content_sha256 = registry::ContentHash(v.files);
    v.signature = Json{{"inputs", {{{"name", "age"}, {"datatype", "INT64"}, {"shape", {-1}}}}},
                       {"outputs", {{{"name", "predict"}, {"datatype", "FP32"}, {"shape", {-1}}}}},
                       {"features", features},
                       {"source", "signature.json"}};
    v.lineage = Json{{"run", {{"id", "r1"}}}};
    return v;
  }
  registry::ReadFile Reader() const {
    return [this](const registry::ModelFile& f, int64_t max) -> Result<std::string> { return blobs.at(f.sha256).substr(0, static_cast<size_t>(max)); };
  }
};

// The exported files as a repository on "disk": path → bytes.
std::map<std::string, std::string> Materialize(const Fixture& fx, const std::vector<ExportedFile>& plan) {
  std::map<std::string, std::string> out;
  for (const auto& f : plan) out[f.path] = f.generated ? f.content : fx.blobs.at(f.sha256);
  return out;
}

Result<Repository> Read(const std::map<std::string, std::string>& disk) {
  std::vector<RepositoryFile> files;
  for (const auto& [p, b] : disk) files.push_back({p, Sha256Hex(b), static_cast<int64_t>(b.size())});
  return ReadRepository(files, [&disk](const RepositoryFile& f, int64_t max) -> Result<std::string> {
    return disk.at(f.path).substr(0, static_cast<size_t>(max));
  });
}

TEST(TritonConfig, RendersAndParsesBackUnchanged) {
  ModelConfig c;
  c.name = "churn";
  c.backend = "fil";
  c.max_batch_size = 1024;
  c.inputs = {{"input__0", "FP32", {12}}};
  c.outputs = {{"output__0", "FP32", {2}}};
  c.dynamic_batching = true;
  c.max_queue_delay_us = 100;
  c.instance_kind = "KIND_CPU";
  c.instance_count = 1;
  c.version_policy = "specific";
  c.specific_versions = {1, 3};
  c.parameters = {{"model_type", "xgboost_json"}, {"output_class", "true"}};
  ASSERT_OK_AND_ASSIGN(std::string text, RenderConfig(c));
  EXPECT_THAT(text, HasSubstr("data_type: TYPE_FP32"));
  EXPECT_THAT(text, HasSubstr("backend: \"fil\""));
  EXPECT_THAT(text, HasSubstr("kind: KIND_CPU"));
  ASSERT_OK_AND_ASSIGN(ModelConfig back, ParseConfig(text));
  EXPECT_EQ(back, c);
  ASSERT_OK_AND_ASSIGN(std::string again, RenderConfig(back));
  EXPECT_EQ(again, text);
}

TEST(TritonConfig, ReadsTritonsListSyntaxAndNamesFieldsItSkips) {
  const char* text = R"(name: "resnet"
platform: "onnxruntime_onnx"
max_batch_size: 8
input [ { name: "x", data_type: TYPE_FP32, format: FORMAT_NCHW, dims: [ 3, 224, 224 ] } ]
output [ { name: "y", data_type: TYPE_FP32, dims: [ 1000 ] } ]
optimization { graph { level: 1 } }
)";
  std::vector<std::string> unknown;
  ASSERT_OK_AND_ASSIGN(ModelConfig c, ParseConfig(text, &unknown));
  EXPECT_EQ(c.platform, "onnxruntime_onnx");
  ASSERT_EQ(c.inputs.size(), 1u);
  EXPECT_EQ(c.inputs[0].dims, (std::vector<int64_t>{3, 224, 224}));
  EXPECT_EQ(c.inputs[0].datatype, "FP32");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_THAT(unknown[0], HasSubstr("optimization"));
}

TEST(TritonConfig, SyntaxErrorsNameTheLine) {
  EXPECT_THAT(ParseConfig("name: \"a\"\nmax_batch_size: \"many\"\n"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("line 2")));
  ModelConfig c;
  c.inputs = {{"x", "COMPLEX", {1}}};
  EXPECT_THAT(RenderConfig(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("COMPLEX")));
}

TEST(Export, WritesTritonsLayoutAndTheReaderRestoresTheVersion) {
  Fixture fx;
  ExportRequest rq;
  rq.versions = {fx.Xgboost("churn model", 3, 12)};
  ASSERT_OK_AND_ASSIGN(auto plan, PlanExport(rq, fx.Reader()));
  auto disk = Materialize(fx, plan);
  ASSERT_TRUE(disk.count("churn_model/config.pbtxt"));
  ASSERT_TRUE(disk.count("churn_model/3/xgboost.json"));
  ASSERT_TRUE(disk.count("churn_model/3/moebius/transform.json"));
  ASSERT_TRUE(disk.count(kManifestPath));
  ASSERT_OK_AND_ASSIGN(ModelConfig c, ParseConfig(disk["churn_model/config.pbtxt"]));
  EXPECT_EQ(c.backend, "fil");
  EXPECT_EQ(c.inputs[0].dims, std::vector<int64_t>{12});
  EXPECT_EQ(c.outputs[0].dims, std::vector<int64_t>{2});  // binary:logistic with predict_proba

  ASSERT_OK_AND_ASSIGN(Repository repo, Read(disk));
  EXPECT_TRUE(repo.problems.empty()) << repo.problems.front();
  ASSERT_EQ(repo.versions.size(), 1u);
  const RepositoryVersion& v = repo.versions[0];
  EXPECT_EQ(v.version, 3);
  EXPECT_EQ(v.format, "xgboost");
  EXPECT_EQ(registry::ContentHash(v.files), rq.versions[0].content_sha256);
  EXPECT_EQ(v.record["registered_model"], "churn model");
}

TEST(Export, AnEnsembleFansTheSameInputsOut) {
  Fixture fx;
  ExportRequest rq;
  rq.versions = {fx.Xgboost("a", 1, 5), fx.Xgboost("b", 2, 5, "reg:squarederror")};
  rq.ensemble = "both";
  ASSERT_OK_AND_ASSIGN(auto plan, PlanExport(rq, fx.Reader()));
  auto disk = Materialize(fx, plan);
  ASSERT_OK_AND_ASSIGN(ModelConfig e, ParseConfig(disk["both/config.pbtxt"]));
  EXPECT_EQ(e.platform, "ensemble");
  ASSERT_EQ(e.ensemble.size(), 2u);
  EXPECT_EQ(e.outputs.size(), 2u);
  EXPECT_EQ(e.outputs[1].dims, std::vector<int64_t>{1});  // the regressor's one value
  ASSERT_OK_AND_ASSIGN(Repository repo, Read(disk));
  EXPECT_TRUE(repo.problems.empty()) << repo.problems.front();
  EXPECT_EQ(repo.ensembles.size(), 1u);

  rq.versions = {fx.Xgboost("a", 1, 5), fx.Xgboost("c", 1, 6)};
  EXPECT_THAT(PlanExport(rq, fx.Reader()), StatusIs(StatusCode::kInvalidArgument, HasSubstr("different inputs")));
}

TEST(Reader, NamesEveryKindOfTampering) {
  Fixture fx;
  ExportRequest rq;
  rq.versions = {fx.Xgboost("churn", 1, 4)};
  ASSERT_OK_AND_ASSIGN(auto plan, PlanExport(rq, fx.Reader()));
  auto base = Materialize(fx, plan);

  auto changed = base;
  changed["churn/1/moebius/transform.json"] = "{\"steps\":[1]}";
  ASSERT_OK_AND_ASSIGN(Repository r1, Read(changed));
  ASSERT_FALSE(r1.problems.empty());
  EXPECT_THAT(r1.problems[0], HasSubstr("does not match the manifest"));

  auto extra = base;
  extra["churn/1/evil.so"] = "x";
  ASSERT_OK_AND_ASSIGN(Repository r2, Read(extra));
  ASSERT_FALSE(r2.problems.empty());
  EXPECT_THAT(r2.problems[0], HasSubstr("not in the manifest"));

  auto escape = base;
  escape["churn/../../etc/passwd"] = "x";
  ASSERT_OK_AND_ASSIGN(Repository r3, Read(escape));
  ASSERT_FALSE(r3.problems.empty());
  EXPECT_THAT(r3.problems[0], HasSubstr("leaves the repository"));

  // A configuration that disagrees with the model: 5 features for a model trained on 4.
  auto wrong = base;
  wrong.erase(kManifestPath);
  std::string& cfg = wrong["churn/config.pbtxt"];
  cfg.replace(cfg.find("dims: 4"), 7, "dims: 5");
  ASSERT_OK_AND_ASSIGN(Repository r4, Read(wrong));
  ASSERT_FALSE(r4.problems.empty());
  EXPECT_THAT(r4.problems[0], HasSubstr("takes 4 features"));
}

TEST(Reader, APlainTritonRepositoryRegistersUnderTheRegistrysNames) {
  std::map<std::string, std::string> disk;
  disk["m/config.pbtxt"] =
      "name: \"m\"\nbackend: \"fil\"\nmax_batch_size: 8\ninput { name: \"input__0\" data_type: TYPE_FP32 dims: 3 }\n"
      "output { name: \"output__0\" data_type: TYPE_FP32 dims: 1 }\nparameters { key: \"model_type\" value { string_value: \"xgboost_json\" } }\n";
  disk["m/2/xgboost.json"] = XgbJson(3, "reg:squarederror");
  ASSERT_OK_AND_ASSIGN(Repository repo, Read(disk));
  EXPECT_TRUE(repo.problems.empty()) << repo.problems.front();
  ASSERT_EQ(repo.versions.size(), 1u);
  ASSERT_EQ(repo.versions[0].files.size(), 1u);
  EXPECT_EQ(repo.versions[0].files[0].path, "model.json");
  EXPECT_EQ(repo.versions[0].signature["features"], 3);

  disk.erase("m/2/xgboost.json");
  disk["m/2/notes.txt"] = "trained on the March data";
  ASSERT_OK_AND_ASSIGN(Repository missing, Read(disk));
  ASSERT_FALSE(missing.problems.empty());
  EXPECT_THAT(missing.problems[0], HasSubstr("lacks the model file xgboost.json"));
}

}  // namespace
}  // namespace moebius::triton

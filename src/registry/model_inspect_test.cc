// Model folders as the built-in trainers and MLflow write them: format, model file, signature
// (read, inferred and checked) and the refusals.
#include "registry/model_inspect.h"

#include <gtest/gtest.h>

#include <map>

#include "base/crypto.h"
#include "testing/test_support.h"

namespace moebius::registry {
namespace {

using ::moebius::testing::StatusIs;
using ::testing::HasSubstr;

// A folder in memory: path → bytes.
struct Folder {
  std::map<std::string, std::string> files;
  std::vector<ModelFile> List() const {
    std::vector<ModelFile> out;
    for (const auto& [p, b] : files) out.push_back({p, Sha256Hex(b), static_cast<int64_t>(b.size()), ""});
    return out;
  }
  Result<InspectedModel> Inspect() const {
    return InspectModelFiles(List(), [this](const ModelFile& f, int64_t max) -> Result<std::string> {
      return files.at(f.path).substr(0, static_cast<size_t>(max));
    });
  }
};

std::string XgbJson(int features, const std::string& objective = "binary:logistic", Json names = Json::array()) {
  return Json{{"learner",
               {{"learner_model_param", {{"num_feature", std::to_string(features)}, {"num_class", "0"}}},
                {"objective", {{"name", objective}}},
                {"feature_names", names},
                {"gradient_booster", Json::object()}}},
              {"version", {1, 7, 4}}}
      .dump();
}

std::string MoebiusSignature(int features) {
  Json fs = Json::array();
  for (int i = 0; i < features; ++i) fs.push_back({{"name", "f" + std::to_string(i)}, {"type", "float"}});
  return Json{{"format", "moebius.signature"},
              {"version", 1},
              {"inputs", {{{"name", "age"}, {"type", "int"}}, {{"name", "city"}, {"type", "string"}}}},
              {"features", fs},
              {"output", {{"task", "binary"}, {"classes", {"no", "yes"}}, {"type", "probability of classes[1]"}}}}
      .dump();
}

TEST(InspectModelFiles, ReadsTheBuiltInTrainersLayout) {
  Folder f{{{"model.json", XgbJson(4)}, {"signature.json", MoebiusSignature(4)}, {"transform.json", "{}"}}};
  ASSERT_OK_AND_ASSIGN(InspectedModel m, f.Inspect());
  EXPECT_EQ(m.format, "xgboost");
  EXPECT_EQ(m.flavor, "moebius");
  EXPECT_EQ(m.model_file, "model.json");
  EXPECT_EQ(m.signature["source"], "signature.json");
  EXPECT_EQ(m.signature["inputs"][0], (Json{{"name", "age"}, {"datatype", "INT64"}, {"shape", {-1}}}));
  EXPECT_EQ(m.signature["inputs"][1]["datatype"], "BYTES");
  EXPECT_EQ(m.signature["features"], 4);
  std::map<std::string, std::string> roles;
  for (const auto& x : m.files) roles[x.path] = x.role;
  EXPECT_EQ(roles, (std::map<std::string, std::string>{{"model.json", "model"}, {"signature.json", "signature"}, {"transform.json", "transform"}}));
}

TEST(InspectModelFiles, ChecksTheSignatureAgainstTheModel) {
  Folder f{{{"model.json", XgbJson(5)}, {"signature.json", MoebiusSignature(4)}}};
  EXPECT_THAT(f.Inspect(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("gives 4 features but model.json was trained on 5")));
}

TEST(InspectModelFiles, InfersTheSignatureOfAnXgboostModel) {
  Folder f{{{"model.json", XgbJson(3, "multi:softprob", {"a", "b", "c"})}}};
  ASSERT_OK_AND_ASSIGN(InspectedModel m, f.Inspect());
  EXPECT_EQ(m.signature["source"], "model file");
  EXPECT_EQ(m.signature["inputs"].size(), 3u);
  EXPECT_EQ(m.signature["inputs"][2]["name"], "c");
  Folder unnamed{{{"model.json", XgbJson(7)}}};
  ASSERT_OK_AND_ASSIGN(InspectedModel u, unnamed.Inspect());
  EXPECT_EQ(u.signature["inputs"][0]["shape"], (Json{-1, 7}));
}

TEST(InspectModelFiles, ReadsAnMlflowModelDirectory) {
  std::string mlmodel = R"(artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.xgboost
    data: model.xgb
  xgboost:
    data: model.xgb
    model_class: xgboost.sklearn.XGBClassifier
signature:
  inputs: '[{"name": "x1", "type": "double"}, {"name": "x2", "type": "long"}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
)";
  Folder f{{{"MLmodel", mlmodel}, {"model.xgb", XgbJson(2)}, {"requirements.txt", "xgboost"}}};
  ASSERT_OK_AND_ASSIGN(InspectedModel m, f.Inspect());
  EXPECT_EQ(m.flavor, "mlflow");
  EXPECT_EQ(m.format, "xgboost");
  EXPECT_EQ(m.model_file, "model.xgb");
  EXPECT_EQ(m.signature["inputs"][1], (Json{{"name", "x2"}, {"datatype", "INT64"}, {"shape", {-1}}}));
  EXPECT_EQ(m.signature["outputs"][0]["datatype"], "INT64");
  // Two columns, a model trained on three: refused.
  f.files["model.xgb"] = XgbJson(3);
  EXPECT_THAT(f.Inspect(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("gives 2 features")));
}

TEST(InspectModelFiles, RefusesWhatCannotBeServed) {
  EXPECT_THAT((Folder{{{"notes.txt", "hi"}}}).Inspect(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("no model file found")));
  EXPECT_THAT((Folder{{{"a.onnx", "\x08\x07"}, {"b.onnx", "\x08\x07"}}}).Inspect(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("more than one model file")));
  EXPECT_THAT((Folder{{{"model.json", R"({"not": "a model"})"}}}).Inspect(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("no learner")));
  // A pickled module (a zip without code/) and an ONNX file without a signature.
  std::string pickled = std::string("PK\x03\x04", 4) + "archive/data.pkl....";
  EXPECT_THAT((Folder{{{"model.pt", pickled}, {"signature.json", MoebiusSignature(1)}}}).Inspect(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a TorchScript file")));
  EXPECT_THAT((Folder{{{"model.onnx", std::string("\x08\x07", 2)}}}).Inspect(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no signature")));
  EXPECT_THAT((Folder{{{"MLmodel", "flavors:\n  sklearn:\n    pickled_model: model.pkl\n"}, {"model.pkl", "x"}}}).Inspect(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("sklearn are not supported")));
  EXPECT_THAT((Folder{{{"MLmodel", "flavors: [unclosed"}}}).Inspect(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("MLmodel")));
}

TEST(InspectModelFiles, AcceptsATorchScriptFileWithASignature) {
  std::string script = std::string("PK\x03\x04", 4) + "model/data.pklPK....model/code/__torch__/m.py";
  ASSERT_OK_AND_ASSIGN(InspectedModel m, (Folder{{{"model.pt", script}, {"signature.json", MoebiusSignature(1)}}}).Inspect());
  EXPECT_EQ(m.format, "torchscript");
}

TEST(ContentHash, DependsOnPathsAndBytesNotOrder) {
  std::vector<ModelFile> a = {{"a", "1", 1, ""}, {"b", "2", 1, ""}};
  std::vector<ModelFile> b = {{"b", "2", 1, ""}, {"a", "1", 1, ""}};
  std::vector<ModelFile> c = {{"a", "1", 1, ""}, {"c", "2", 1, ""}};
  EXPECT_EQ(ContentHash(a), ContentHash(b));
  EXPECT_NE(ContentHash(a), ContentHash(c));
}

}  // namespace
}  // namespace moebius::registry

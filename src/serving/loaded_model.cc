#include "serving/loaded_model.h"

#include <chrono>
#include <map>

#include "base/strings.h"

namespace moebius::serving {
namespace {

constexpr int64_t kMaxModelBytes = 1LL << 30;
constexpr int64_t kMaxTransformBytes = 64LL << 20;

const registry::ModelFile* FileWithRole(const registry::ModelVersion& v, const std::string& role) {
  for (const auto& f : v.files)
    if (f.role == role) return &f;
  return nullptr;
}

}  // namespace

Result<Runtime> ParseRuntime(const std::string& name) {
  if (name == "auto" || name.empty()) return Runtime::kAuto;
  if (name == "compiled") return Runtime::kCompiled;
  if (name == "xgboost") return Runtime::kXgboost;
  return InvalidArgument("runtime must be auto, compiled or xgboost, got '" + name + "'");
}

const char* RuntimeName(Runtime r) {
  switch (r) {
    case Runtime::kCompiled: return "compiled";
    case Runtime::kXgboost: return "xgboost";
    default: return "auto";
  }
}

Result<std::shared_ptr<const LoadedModel>> LoadedModel::Load(const registry::ModelVersion& v, const registry::ReadFile& read, Runtime runtime) {
  if (v.format != "xgboost")
    return FailedPrecondition("version " + std::to_string(v.version) + " of '" + v.model_name + "' is a " + v.format +
                              " model; serving runs XGBoost models so far (TorchScript and ONNX runtimes are not built yet)");
  const registry::ModelFile* model = nullptr;
  for (const auto& f : v.files)
    if (f.path == v.model_file) model = &f;
  if (!model) return Internal("version " + std::to_string(v.version) + " of '" + v.model_name + "' lacks its model file");
  if (model->size > kMaxModelBytes) return FailedPrecondition("the model file is larger than 1 GiB");
  ASSIGN_OR_RETURN(std::string bytes, read(*model, model->size));
  std::string what = "version " + std::to_string(v.version) + " of '" + v.model_name + "'";
  auto m = std::make_shared<LoadedModel>();
  bool json = !bytes.empty() && bytes[0] == '{' && bytes.find("\"learner\"") != std::string::npos;
  if (runtime != Runtime::kXgboost) {
    if (!json && runtime == Runtime::kCompiled)
      return FailedPrecondition(what + " is a binary (UBJSON) XGBoost model; the compiled predictor reads the JSON form (use the xgboost runtime)");
    if (json) {
      auto trees = CompiledTrees::FromXgboostJson(bytes);
      if (trees.ok()) m->trees_ = std::move(*trees);
      else if (runtime == Runtime::kCompiled) return FailedPrecondition(what + " does not run on the compiled predictor: " + trees.status().message());
      else runtime = Runtime::kXgboost;  // auto: XGBoost's own runtime takes it
    } else {
      runtime = Runtime::kXgboost;
    }
  }
  if (runtime == Runtime::kXgboost) {
    auto booster = XgboostRuntime::Load(bytes);
    if (!booster.ok()) return FailedPrecondition(what + ": " + booster.status().message());
    m->xgboost_ = std::move(*booster);
  }
  if (const registry::ModelFile* t = FileWithRole(v, "transform")) {
    if (t->size > kMaxTransformBytes) return FailedPrecondition("transform.json is larger than 64 MiB");
    ASSIGN_OR_RETURN(std::string text, read(*t, t->size));
    auto spec = transform::TransformSpec::Parse(text);
    if (!spec.ok()) return FailedPrecondition("the version's transform.json: " + spec.status().message());
    ASSIGN_OR_RETURN(transform::Transformer tr, transform::Transformer::Create(std::move(*spec)));
    if (static_cast<int64_t>(tr.num_features()) != m->num_features())
      return FailedPrecondition("transform.json gives " + std::to_string(tr.num_features()) + " features but the model takes " +
                                std::to_string(m->num_features()));
    m->columns_ = tr.input_columns();
    m->transform_ = std::move(tr);
  } else {
    // No transform: the signature's inputs are the features, in order (an MLflow model, or a model
    // whose signature was inferred from its feature names).
    for (const Json& in : v.signature.value("inputs", Json::array())) {
      std::string dt = in.value("datatype", "");
      if (dt == "BYTES") return FailedPrecondition("input '" + in.value("name", "") + "' is a string but the version has no transform.json to encode it");
      m->columns_.emplace_back(in.value("name", ""), transform::ColumnType::kNumeric);
    }
    if (static_cast<int64_t>(m->columns_.size()) != m->num_features()) m->columns_.clear();  // only input__0 then
  }
  return std::shared_ptr<const LoadedModel>(std::move(m));
}

Json LoadedModel::InputsJson() const {
  Json out = Json::array();
  for (const auto& [name, type] : columns_)
    out.push_back({{"name", name}, {"datatype", type == transform::ColumnType::kString ? "BYTES" : "FP64"}, {"shape", {-1}}});
  if (columns_.empty()) out.push_back({{"name", "input__0"}, {"datatype", "FP32"}, {"shape", {-1, num_features()}}});
  return out;
}

Json LoadedModel::OutputsJson() const {
  Json shape = num_outputs() == 1 ? Json::array({-1}) : Json::array({-1, num_outputs()});
  return Json::array({{{"name", "predict"}, {"datatype", "FP32"}, {"shape", shape}}});
}

Result<std::vector<float>> LoadedModel::Features(const InferRequest& r, size_t* rows) const {
  const size_t f = static_cast<size_t>(num_features());
  // The features themselves: input__0 [n, features].
  if (r.inputs.size() == 1 && r.inputs[0].name == "input__0") {
    const InputTensor& t = r.inputs[0];
    if (t.datatype == "BYTES") return InvalidArgument("input 'input__0' holds the features: it must be numeric");
    if (t.shape.size() != 2 || t.shape[1] != static_cast<int64_t>(f))
      return InvalidArgument("input 'input__0' must have shape [n, " + std::to_string(f) + "]");
    *rows = static_cast<size_t>(t.shape[0]);
    return std::vector<float>(t.numbers.begin(), t.numbers.end());
  }
  if (columns_.empty()) return InvalidArgument("this model takes one input 'input__0' of shape [n, " + std::to_string(f) + "]");
  std::map<std::string, const InputTensor*> by_name;
  for (const auto& t : r.inputs) by_name[t.name] = &t;
  std::vector<std::string> names;
  for (const auto& [name, type] : columns_) names.push_back(name);
  for (const auto& t : r.inputs)
    if (std::find(names.begin(), names.end(), t.name) == names.end())
      return InvalidArgument("unknown input '" + t.name + "'; the model takes " + Join(names, ", "));
  int64_t n = -1;
  std::vector<const InputTensor*> cols;
  for (const auto& [name, type] : columns_) {
    auto it = by_name.find(name);
    if (it == by_name.end()) return InvalidArgument("missing input '" + name + "'; the model takes " + Join(names, ", "));
    const InputTensor& t = *it->second;
    if (!(t.shape.size() == 1 || (t.shape.size() == 2 && t.shape[1] == 1)))
      return InvalidArgument("input '" + name + "' must have shape [n] or [n, 1], one value per row");
    if (n >= 0 && t.shape[0] != n) return InvalidArgument("input '" + name + "' has " + std::to_string(t.shape[0]) + " rows, the others " + std::to_string(n));
    n = t.shape[0];
    bool text = t.datatype == "BYTES";
    if (type == transform::ColumnType::kNumeric && text) return InvalidArgument("input '" + name + "' is numeric: send numbers, not BYTES");
    if (type == transform::ColumnType::kString && !text) return InvalidArgument("input '" + name + "' is a string column: send BYTES");
    cols.push_back(&t);
  }
  *rows = static_cast<size_t>(n);
  std::vector<float> features(static_cast<size_t>(n) * f);
  if (!transform_) {
    for (size_t r = 0; r < static_cast<size_t>(n); ++r)
      for (size_t c = 0; c < f; ++c) features[r * f + c] = static_cast<float>(cols[c]->numbers[r]);
    return features;
  }
  std::vector<transform::Cell> row(cols.size());
  for (size_t r = 0; r < static_cast<size_t>(n); ++r) {
    for (size_t c = 0; c < cols.size(); ++c)
      row[c] = cols[c]->datatype == "BYTES" ? transform::Cell::String(cols[c]->strings[r]) : transform::Cell::Number(cols[c]->numbers[r]);
    RETURN_IF_ERROR(transform_->ApplyRow(row, std::span<float>(features.data() + r * f, f)));
  }
  return features;
}

Result<std::vector<OutputTensor>> LoadedModel::Infer(const InferRequest& r, uint64_t* transform_ns) const {
  size_t n = 0;
  auto t0 = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::vector<float> features, Features(r, &n));
  if (transform_ns) *transform_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
  for (const auto& name : r.requested_outputs)
    if (name != "predict") return InvalidArgument("unknown output '" + name + "'; the model gives 'predict'");
  OutputTensor out;
  out.name = "predict";
  int64_t per_row = num_outputs();
  out.shape = per_row == 1 ? std::vector<int64_t>{static_cast<int64_t>(n)} : std::vector<int64_t>{static_cast<int64_t>(n), per_row};
  out.data.resize(n * static_cast<size_t>(per_row));
  if (xgboost_) RETURN_IF_ERROR(xgboost_->Predict(features.data(), n, out.data.data()));
  else trees_.Predict(features.data(), n, out.data.data());
  return std::vector<OutputTensor>{std::move(out)};
}

}  // namespace moebius::serving

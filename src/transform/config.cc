#include "transform/config.h"

#include <algorithm>
#include <cmath>

namespace moebius::transform {
namespace {

struct KindName {
  StepKind kind;
  const char* name;
};
constexpr KindName kKindNames[] = {
    {StepKind::kImpute, "impute"},         {StepKind::kLog, "log"},
    {StepKind::kMinMax, "min_max"},        {StepKind::kZScore, "z_score"},
    {StepKind::kPassthrough, "passthrough"}, {StepKind::kBucketize, "bucketize"},
    {StepKind::kOneHot, "one_hot"},        {StepKind::kVocabulary, "vocabulary"},
    {StepKind::kHash, "hash"},
};

struct StrategyName {
  ImputeStrategy strategy;
  const char* name;
};
constexpr StrategyName kStrategyNames[] = {
    {ImputeStrategy::kMean, "mean"},
    {ImputeStrategy::kMedian, "median"},
    {ImputeStrategy::kMostFrequent, "most_frequent"},
    {ImputeStrategy::kConstant, "constant"},
};

const char* JsonTypeName(const Json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

bool IsFinal(StepKind k) {
  return k == StepKind::kBucketize || k == StepKind::kOneHot || k == StepKind::kVocabulary || k == StepKind::kHash;
}

}  // namespace

const char* StepKindName(StepKind kind) {
  for (const auto& k : kKindNames) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

std::optional<StepKind> StepKindFromName(std::string_view name) {
  for (const auto& k : kKindNames) {
    if (name == k.name) return k.kind;
  }
  return std::nullopt;
}

const char* ImputeStrategyName(ImputeStrategy s) {
  for (const auto& k : kStrategyNames) {
    if (k.strategy == s) return k.name;
  }
  return "?";
}

std::optional<ImputeStrategy> ImputeStrategyFromName(std::string_view name) {
  for (const auto& k : kStrategyNames) {
    if (name == k.name) return k.strategy;
  }
  return std::nullopt;
}

void StepConfig::AppendJson(Json* out) const {
  (*out)["kind"] = StepKindName(kind);
  switch (kind) {
    case StepKind::kImpute:
      (*out)["strategy"] = ImputeStrategyName(strategy);
      if (strategy == ImputeStrategy::kConstant && value.has_value()) {
        if (const double* d = std::get_if<double>(&*value)) {
          (*out)["value"] = *d;
        } else {
          (*out)["value"] = std::get<std::string>(*value);
        }
      }
      break;
    case StepKind::kBucketize:
    case StepKind::kHash:
      (*out)["buckets"] = buckets;
      break;
    case StepKind::kOneHot:
    case StepKind::kVocabulary:
      if (top_k > 0) (*out)["top_k"] = top_k;
      (*out)["min_frequency"] = min_frequency;
      break;
    default:
      break;
  }
}

Json TransformConfig::ToJson() const {
  Json cols = Json::array();
  for (const auto& c : columns) {
    Json col = Json::object();
    col["column"] = c.column;
    if (!c.name.empty()) col["name"] = c.name;
    Json steps = Json::array();
    for (const auto& s : c.steps) {
      Json step = Json::object();
      s.AppendJson(&step);
      steps.push_back(std::move(step));
    }
    col["steps"] = std::move(steps);
    cols.push_back(std::move(col));
  }
  return Json{{"columns", std::move(cols)}};
}

namespace internal {

Status CheckKeys(const std::string& where, const Json& obj, const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return InvalidArgument(where + "." + key + ": unknown field");
    }
  }
  return Status::Ok();
}

Result<std::optional<int64_t>> IntField(const std::string& where, const Json& obj, const char* key, int64_t min,
                                        int64_t max) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::optional<int64_t>();
  std::string field = where + "." + key;
  int64_t v;
  if (it->is_number_integer()) {
    v = it->get<int64_t>();
  } else if (it->is_number_unsigned()) {
    return InvalidArgument(field + ": must be at most " + std::to_string(max));
  } else {
    return InvalidArgument(field + ": must be an integer, got " + JsonTypeName(*it));
  }
  if (v < min || v > max) {
    return InvalidArgument(field + ": must be between " + std::to_string(min) + " and " + std::to_string(max) +
                           ", got " + std::to_string(v));
  }
  return std::optional<int64_t>(v);
}

Result<std::optional<double>> FiniteField(const std::string& where, const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::optional<double>();
  if (!it->is_number()) {
    return InvalidArgument(where + "." + key + ": must be a number, got " + JsonTypeName(*it));
  }
  double v = it->get<double>();
  if (!std::isfinite(v)) return InvalidArgument(where + "." + key + ": must be finite");
  return std::optional<double>(v);
}

Result<std::optional<std::string>> StringField(const std::string& where, const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::optional<std::string>();
  if (!it->is_string()) {
    return InvalidArgument(where + "." + key + ": must be a string, got " + JsonTypeName(*it));
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<StepConfig> StepConfigFromJson(const std::string& where, const Json& json,
                                      const std::vector<std::string>& allowed_extra) {
  if (!json.is_object()) return InvalidArgument(where + ": must be an object, got " + JsonTypeName(json));
  ASSIGN_OR_RETURN(auto kind_name, StringField(where, json, "kind"));
  if (!kind_name) return InvalidArgument(where + ".kind: required");
  auto kind = StepKindFromName(*kind_name);
  if (!kind) return InvalidArgument(where + ".kind: unknown step kind '" + *kind_name + "'");
  StepConfig s;
  s.kind = *kind;
  std::vector<std::string> allowed = {"kind"};
  switch (s.kind) {
    case StepKind::kImpute: {
      allowed.insert(allowed.end(), {"strategy", "value"});
      ASSIGN_OR_RETURN(auto strategy, StringField(where, json, "strategy"));
      if (!strategy) return InvalidArgument(where + ".strategy: required");
      auto st = ImputeStrategyFromName(*strategy);
      if (!st) return InvalidArgument(where + ".strategy: unknown strategy '" + *strategy + "'");
      s.strategy = *st;
      auto it = json.find("value");
      if (s.strategy == ImputeStrategy::kConstant) {
        if (it == json.end()) return InvalidArgument(where + ".value: required for the constant strategy");
        if (it->is_string()) {
          s.value = Scalar(it->get<std::string>());
        } else {
          ASSIGN_OR_RETURN(auto d, FiniteField(where, json, "value"));
          s.value = Scalar(*d);
        }
      } else if (it != json.end()) {
        return InvalidArgument(where + ".value: only the constant strategy takes a value");
      }
      break;
    }
    case StepKind::kBucketize:
    case StepKind::kHash: {
      allowed.push_back("buckets");
      int64_t max = s.kind == StepKind::kBucketize ? kMaxBucketizeBuckets : kMaxIndex;
      ASSIGN_OR_RETURN(auto b, IntField(where, json, "buckets", 1, max));
      if (!b) return InvalidArgument(where + ".buckets: required");
      s.buckets = *b;
      break;
    }
    case StepKind::kOneHot:
    case StepKind::kVocabulary: {
      allowed.insert(allowed.end(), {"top_k", "min_frequency"});
      ASSIGN_OR_RETURN(auto k, IntField(where, json, "top_k", 1, kMaxIndex - 1));
      ASSIGN_OR_RETURN(auto f, IntField(where, json, "min_frequency", 1, INT64_MAX));
      s.top_k = k.value_or(0);
      s.min_frequency = f.value_or(1);
      break;
    }
    default:
      break;
  }
  allowed.insert(allowed.end(), allowed_extra.begin(), allowed_extra.end());
  RETURN_IF_ERROR(CheckKeys(where, json, allowed));
  return s;
}

}  // namespace internal

Result<TransformConfig> TransformConfig::FromJson(const Json& json) {
  if (!json.is_object()) return InvalidArgument("transform config must be a JSON object");
  RETURN_IF_ERROR(internal::CheckKeys("config", json, {"columns"}));
  auto it = json.find("columns");
  if (it == json.end() || !it->is_array()) return InvalidArgument("columns: must be an array");
  TransformConfig config;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& c = (*it)[i];
    std::string where = "columns[" + std::to_string(i) + "]";
    if (!c.is_object()) return InvalidArgument(where + ": must be an object");
    RETURN_IF_ERROR(internal::CheckKeys(where, c, {"column", "name", "steps"}));
    ColumnConfig col;
    ASSIGN_OR_RETURN(auto column, internal::StringField(where, c, "column"));
    if (!column || column->empty()) return InvalidArgument(where + ".column: required");
    col.column = *column;
    ASSIGN_OR_RETURN(auto name, internal::StringField(where, c, "name"));
    col.name = name.value_or("");
    auto steps = c.find("steps");
    if (steps == c.end() || !steps->is_array()) return InvalidArgument(where + ".steps: must be an array");
    for (size_t j = 0; j < steps->size(); ++j) {
      ASSIGN_OR_RETURN(auto step, internal::StepConfigFromJson(where + ".steps[" + std::to_string(j) + "]",
                                                               (*steps)[j], {}));
      col.steps.push_back(std::move(step));
    }
    config.columns.push_back(std::move(col));
  }
  return config;
}

Status CheckStepTypes(const std::string& where, ColumnType type, const std::vector<StepConfig>& steps) {
  bool is_string = type == ColumnType::kString;
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepConfig& s = steps[i];
    std::string at = where + ".steps[" + std::to_string(i) + "]";
    if (i > 0 && IsFinal(steps[i - 1].kind)) {
      return InvalidArgument(at + ": nothing may follow the final step " + StepKindName(steps[i - 1].kind));
    }
    switch (s.kind) {
      case StepKind::kImpute:
        if (is_string && (s.strategy == ImputeStrategy::kMean || s.strategy == ImputeStrategy::kMedian)) {
          return InvalidArgument(at + ".strategy: " + ImputeStrategyName(s.strategy) +
                                 " needs a numeric column, this one is string");
        }
        if (s.strategy == ImputeStrategy::kConstant) {
          if (!s.value) return InvalidArgument(at + ".value: required for the constant strategy");
          if (is_string != std::holds_alternative<std::string>(*s.value)) {
            return InvalidArgument(at + ".value: must be a " + (is_string ? "string" : "number") +
                                   " for a " + ColumnTypeName(type) + " column");
          }
        }
        break;
      case StepKind::kLog:
      case StepKind::kMinMax:
      case StepKind::kZScore:
      case StepKind::kPassthrough:
      case StepKind::kBucketize:
        if (is_string) {
          return InvalidArgument(at + ": " + StepKindName(s.kind) + " needs a numeric column, this one is string");
        }
        break;
      case StepKind::kOneHot:
      case StepKind::kVocabulary:
      case StepKind::kHash:
        if (!is_string) {
          return InvalidArgument(at + ": " + StepKindName(s.kind) + " needs a string column, this one is numeric");
        }
        break;
    }
  }
  if (is_string && (steps.empty() || !IsFinal(steps.back().kind))) {
    return InvalidArgument(where + ".steps: a string column must end in one_hot, vocabulary or hash");
  }
  return Status::Ok();
}

}  // namespace moebius::transform

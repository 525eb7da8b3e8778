#include "transform/spec.h"

#include <cmath>
#include <map>
#include <set>

#include "base/crypto.h"

namespace moebius::transform {
namespace {

using internal::CheckKeys;
using internal::FiniteField;
using internal::StringField;

std::string Where(size_t col, size_t step) {
  return "columns[" + std::to_string(col) + "].steps[" + std::to_string(step) + "]";
}


Json ScalarJson(const Scalar& s) {
  if (const double* d = std::get_if<double>(&s)) return *d;
  return std::get<std::string>(s);
}

// The learned keys of each step kind, which FromJson allows beside the config keys.
std::vector<std::string> LearnedKeys(StepKind kind) {
  switch (kind) {
    case StepKind::kImpute: return {"fill"};
    case StepKind::kMinMax: return {"min", "max"};
    case StepKind::kZScore: return {"mean", "std"};
    case StepKind::kBucketize: return {"boundaries"};
    case StepKind::kOneHot:
    case StepKind::kVocabulary: return {"vocabulary"};
    default: return {};
  }
}

Result<double> RequiredFinite(const std::string& where, const Json& obj, const char* key) {
  ASSIGN_OR_RETURN(auto v, FiniteField(where, obj, key));
  if (!v) return InvalidArgument(where + "." + key + ": required");
  return *v;
}

Result<FittedStep> StepFromJson(const std::string& where, const Json& json) {
  if (!json.is_object()) return InvalidArgument(where + ": must be an object");
  // The kind decides which learned keys are allowed, so read it first (errors are reported by
  // StepConfigFromJson with the same wording).
  std::vector<std::string> learned;
  if (auto it = json.find("kind"); it != json.end() && it->is_string()) {
    if (auto kind = StepKindFromName(it->get<std::string>())) learned = LearnedKeys(*kind);
  }
  ASSIGN_OR_RETURN(auto config, internal::StepConfigFromJson(where, json, learned));
  FittedStep s;
  s.config = std::move(config);
  switch (s.config.kind) {
    case StepKind::kImpute: {
      auto it = json.find("fill");
      if (it == json.end()) return InvalidArgument(where + ".fill: required");
      if (it->is_string()) {
        s.fill = it->get<std::string>();
      } else {
        ASSIGN_OR_RETURN(double d, RequiredFinite(where, json, "fill"));
        s.fill = d;
      }
      break;
    }
    case StepKind::kMinMax: {
      ASSIGN_OR_RETURN(s.min, RequiredFinite(where, json, "min"));
      ASSIGN_OR_RETURN(s.max, RequiredFinite(where, json, "max"));
      break;
    }
    case StepKind::kZScore: {
      ASSIGN_OR_RETURN(s.mean, RequiredFinite(where, json, "mean"));
      ASSIGN_OR_RETURN(s.std, RequiredFinite(where, json, "std"));
      break;
    }
    case StepKind::kBucketize: {
      auto it = json.find("boundaries");
      if (it == json.end() || !it->is_array()) return InvalidArgument(where + ".boundaries: must be an array");
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& b = (*it)[i];
        std::string at = where + ".boundaries[" + std::to_string(i) + "]";
        if (!b.is_number()) return InvalidArgument(at + ": must be a number");
        double d = b.get<double>();
        if (!std::isfinite(d)) return InvalidArgument(at + ": must be finite");
        s.boundaries.push_back(d);
      }
      break;
    }
    case StepKind::kOneHot:
    case StepKind::kVocabulary: {
      auto it = json.find("vocabulary");
      if (it == json.end() || !it->is_array()) return InvalidArgument(where + ".vocabulary: must be an array");
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& v = (*it)[i];
        if (!v.is_string()) {
          return InvalidArgument(where + ".vocabulary[" + std::to_string(i) + "]: must be a string");
        }
        s.vocabulary.push_back(v.get<std::string>());
      }
      break;
    }
    default:
      break;
  }
  return s;
}

Status ValidateLearned(const std::string& where, const FittedColumn& col, const FittedStep& s, bool is_string) {
  const StepConfig& c = s.config;
  switch (c.kind) {
    case StepKind::kImpute:
      if (is_string != std::holds_alternative<std::string>(s.fill)) {
        return InvalidArgument(where + ".fill: must be a " + (is_string ? "string" : "number") + " for a " +
                               ColumnTypeName(col.type) + " column");
      }
      if (!is_string && !std::isfinite(std::get<double>(s.fill))) return InvalidArgument(where + ".fill: must be finite");
      if (c.strategy == ImputeStrategy::kConstant && c.value && *c.value != s.fill) {
        return InvalidArgument(where + ".fill: must equal value for the constant strategy");
      }
      break;
    case StepKind::kMinMax:
      if (!std::isfinite(s.min) || !std::isfinite(s.max)) return InvalidArgument(where + ": min and max must be finite");
      if (s.min > s.max) return InvalidArgument(where + ".min: must not exceed max");
      break;
    case StepKind::kZScore:
      if (!std::isfinite(s.mean) || !std::isfinite(s.std)) return InvalidArgument(where + ": mean and std must be finite");
      if (s.std < 0) return InvalidArgument(where + ".std: must not be negative");
      break;
    case StepKind::kBucketize:
      if (static_cast<int64_t>(s.boundaries.size()) > c.buckets - 1) {
        return InvalidArgument(where + ".boundaries: more than buckets - 1 boundaries");
      }
      for (size_t i = 0; i < s.boundaries.size(); ++i) {
        if (!std::isfinite(s.boundaries[i])) return InvalidArgument(where + ".boundaries: must be finite");
        if (i > 0 && !(s.boundaries[i - 1] < s.boundaries[i])) {
          return InvalidArgument(where + ".boundaries: must be strictly increasing");
        }
      }
      break;
    case StepKind::kOneHot:
    case StepKind::kVocabulary: {
      if (static_cast<int64_t>(s.vocabulary.size()) >= kMaxIndex) return InvalidArgument(where + ".vocabulary: too long");
      if (c.top_k > 0 && static_cast<int64_t>(s.vocabulary.size()) > c.top_k) {
        return InvalidArgument(where + ".vocabulary: longer than top_k");
      }
      std::set<std::string_view> seen;
      for (const auto& v : s.vocabulary) {
        if (!seen.insert(v).second) return InvalidArgument(where + ".vocabulary: '" + v + "' appears twice");
      }
      break;
    }
    default:
      break;
  }
  return Status::Ok();
}

}  // namespace

std::vector<Feature> TransformSpec::Features() const {
  std::vector<Feature> out;
  for (const auto& col : columns) {
    const FittedStep* last = col.steps.empty() ? nullptr : &col.steps.back();
    StepKind kind = last ? last->config.kind : StepKind::kPassthrough;
    switch (kind) {
      case StepKind::kBucketize:
        out.push_back({col.name + "_bucket", true});
        break;
      case StepKind::kOneHot:
        for (const auto& v : last->vocabulary) out.push_back({col.name + "=" + v, true});
        out.push_back({col.name + "=__oov__", true});
        break;
      case StepKind::kVocabulary:
        out.push_back({col.name + "_index", true});
        break;
      case StepKind::kHash:
        out.push_back({col.name + "_hash", true});
        break;
      default:
        out.push_back({col.name, false});
        break;
    }
  }
  return out;
}

std::vector<std::string> TransformSpec::FeatureNames() const {
  std::vector<std::string> names;
  for (auto& f : Features()) names.push_back(std::move(f.name));
  return names;
}

std::vector<std::pair<std::string, ColumnType>> TransformSpec::InputColumns() const {
  std::vector<std::pair<std::string, ColumnType>> out;
  for (const auto& col : columns) {
    bool seen = false;
    for (const auto& [name, type] : out) seen = seen || name == col.column;
    if (!seen) out.emplace_back(col.column, col.type);
  }
  return out;
}

TransformConfig TransformSpec::Config() const {
  TransformConfig config;
  for (const auto& col : columns) {
    ColumnConfig c;
    c.column = col.column;
    if (col.name != col.column) c.name = col.name;
    for (const auto& s : col.steps) c.steps.push_back(s.config);
    config.columns.push_back(std::move(c));
  }
  return config;
}

Json TransformSpec::ToJson() const {
  Json cols = Json::array();
  for (const auto& col : columns) {
    Json steps = Json::array();
    for (const auto& s : col.steps) {
      Json step = Json::object();
      s.config.AppendJson(&step);
      switch (s.config.kind) {
        case StepKind::kImpute: step["fill"] = ScalarJson(s.fill); break;
        case StepKind::kMinMax: step["min"] = s.min; step["max"] = s.max; break;
        case StepKind::kZScore: step["mean"] = s.mean; step["std"] = s.std; break;
        case StepKind::kBucketize: step["boundaries"] = s.boundaries; break;
        case StepKind::kOneHot:
        case StepKind::kVocabulary: step["vocabulary"] = s.vocabulary; break;
        default: break;
      }
      steps.push_back(std::move(step));
    }
    cols.push_back(Json{{"column", col.column}, {"name", col.name}, {"type", ColumnTypeName(col.type)},
                        {"steps", std::move(steps)}});
  }
  return Json{{"format", kSpecFormat}, {"version", kSpecVersion}, {"columns", std::move(cols)}};
}

std::string TransformSpec::Canonical() const { return ToJson().dump(); }

std::string TransformSpec::Hash() const { return Sha256Hex(Canonical()); }

Status TransformSpec::Validate() const {
  std::map<std::string, ColumnType> types;
  for (size_t i = 0; i < columns.size(); ++i) {
    const FittedColumn& col = columns[i];
    std::string where = "columns[" + std::to_string(i) + "]";
    if (col.column.empty()) return InvalidArgument(where + ".column: must not be empty");
    if (col.name.empty()) return InvalidArgument(where + ".name: must not be empty");
    auto [it, inserted] = types.emplace(col.column, col.type);
    if (!inserted && it->second != col.type) {
      return InvalidArgument(where + ".type: column '" + col.column + "' is used both as numeric and as string");
    }
    std::vector<StepConfig> configs;
    for (const auto& s : col.steps) configs.push_back(s.config);
    RETURN_IF_ERROR(CheckStepTypes(where, col.type, configs));
    for (size_t j = 0; j < col.steps.size(); ++j) {
      RETURN_IF_ERROR(ValidateLearned(Where(i, j), col, col.steps[j], col.type == ColumnType::kString));
    }
  }
  std::set<std::string> names;
  for (const auto& f : Features()) {
    if (!names.insert(f.name).second) {
      return InvalidArgument("feature name '" + f.name + "' is produced twice; give one of the entries a distinct name");
    }
  }
  return Status::Ok();
}

Result<TransformSpec> TransformSpec::FromJson(const Json& json) {
  if (!json.is_object()) return InvalidArgument("transform spec must be a JSON object");
  RETURN_IF_ERROR(CheckKeys("spec", json, {"format", "version", "columns"}));
  ASSIGN_OR_RETURN(auto format, StringField("spec", json, "format"));
  if (format != std::optional<std::string>(kSpecFormat)) {
    return InvalidArgument(std::string("spec.format: must be '") + kSpecFormat + "'");
  }
  ASSIGN_OR_RETURN(auto version, internal::IntField("spec", json, "version", 0, INT32_MAX));
  if (!version) return InvalidArgument("spec.version: required");
  if (*version != kSpecVersion) {
    return InvalidArgument("spec.version: version " + std::to_string(*version) + " is not supported (this build reads " +
                           std::to_string(kSpecVersion) + ")");
  }
  auto cols = json.find("columns");
  if (cols == json.end() || !cols->is_array()) return InvalidArgument("spec.columns: must be an array");
  TransformSpec spec;
  for (size_t i = 0; i < cols->size(); ++i) {
    const Json& c = (*cols)[i];
    std::string where = "columns[" + std::to_string(i) + "]";
    if (!c.is_object()) return InvalidArgument(where + ": must be an object");
    RETURN_IF_ERROR(CheckKeys(where, c, {"column", "name", "type", "steps"}));
    FittedColumn col;
    ASSIGN_OR_RETURN(auto column, StringField(where, c, "column"));
    ASSIGN_OR_RETURN(auto name, StringField(where, c, "name"));
    ASSIGN_OR_RETURN(auto type, StringField(where, c, "type"));
    if (!column) return InvalidArgument(where + ".column: required");
    if (!name) return InvalidArgument(where + ".name: required");
    if (type == std::optional<std::string>("numeric")) {
      col.type = ColumnType::kNumeric;
    } else if (type == std::optional<std::string>("string")) {
      col.type = ColumnType::kString;
    } else {
      return InvalidArgument(where + ".type: must be 'numeric' or 'string'");
    }
    col.column = *column;
    col.name = *name;
    auto steps = c.find("steps");
    if (steps == c.end() || !steps->is_array()) return InvalidArgument(where + ".steps: must be an array");
    for (size_t j = 0; j < steps->size(); ++j) {
      ASSIGN_OR_RETURN(auto step, StepFromJson(Where(i, j), (*steps)[j]));
      col.steps.push_back(std::move(step));
    }
    spec.columns.push_back(std::move(col));
  }
  RETURN_IF_ERROR(spec.Validate());
  return spec;
}

Result<TransformSpec> TransformSpec::Parse(std::string_view text) {
  JsonLimits limits;
  limits.max_array_items = static_cast<size_t>(kMaxIndex);
  ASSIGN_OR_RETURN(auto json, ParseJson(text, limits));
  return FromJson(json);
}

}  // namespace moebius::transform

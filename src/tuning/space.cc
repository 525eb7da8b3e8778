#include "tuning/space.h"

#include <algorithm>
#include <set>

namespace moebius::tuning {
namespace {

std::string Label(size_t i, const std::string& name) {
  return "params[" + std::to_string(i) + "] (" + (name.empty() ? "?" : name) + ")";
}

bool IsIntegral(double v) { return std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15; }

int ChoiceIndex(const ParamSpec& p, const Json& v) {
  for (size_t c = 0; c < p.choices.size(); ++c) {
    if (p.choices[c] == v) return static_cast<int>(c);
  }
  return -1;
}

Status ValidateOne(size_t i, ParamSpec& p, const std::vector<ParamSpec>& earlier) {
  const std::string at = Label(i, p.name);
  if (p.name.empty()) return InvalidArgument(at + ": empty name");
  if (p.name.size() > 250) return InvalidArgument(at + ": name longer than 250 bytes");
  if (p.kind == ParamKind::kCategorical) {
    if (p.choices.empty()) return InvalidArgument(at + ": no choices");
    if (p.choices.size() > 10000) return InvalidArgument(at + ": more than 10000 choices");
    for (size_t c = 0; c < p.choices.size(); ++c) {
      const Json& v = p.choices[c];
      if (!(v.is_string() || v.is_number() || v.is_boolean() || v.is_null())) {
        return InvalidArgument(at + ": choices[" + std::to_string(c) + "] is not a string, number, boolean or null");
      }
      if (v.is_number_float() && !std::isfinite(v.get<double>())) {
        return InvalidArgument(at + ": choices[" + std::to_string(c) + "] is not finite");
      }
      if (ChoiceIndex(p, v) != static_cast<int>(c)) {
        return InvalidArgument(at + ": duplicate choice " + v.dump());
      }
    }
  } else {
    if (!std::isfinite(p.low) || !std::isfinite(p.high)) return InvalidArgument(at + ": low and high must be finite");
    if (p.low > p.high) return InvalidArgument(at + ": low > high (" + Json(p.low).dump() + " > " + Json(p.high).dump() + ")");
    if (p.log && p.low <= 0) return InvalidArgument(at + ": log scale needs low > 0");
    if (p.log && p.step != 0 && !(p.kind == ParamKind::kInt && p.step == 1)) {
      return InvalidArgument(at + ": log scale cannot have a step");
    }
    if (!std::isfinite(p.step) || p.step < 0) return InvalidArgument(at + ": step must be > 0");
    if (p.kind == ParamKind::kInt) {
      if (p.step == 0) p.step = 1;
      if (!IsIntegral(p.low) || !IsIntegral(p.high) || !IsIntegral(p.step)) {
        return InvalidArgument(at + ": int bounds and step must be integers");
      }
      // An int range with one value is legal (a fixed parameter), as in Optuna.
      if (p.low > p.high) return InvalidArgument(at + ": empty range");
      double n = std::floor((p.high - p.low) / p.step);
      p.high = p.low + n * p.step;  // the largest reachable value, as Optuna adjusts it
    } else {
      if (p.low == p.high) return InvalidArgument(at + ": empty range (low == high)");
      if (p.step > 0) {
        double n = std::floor((p.high - p.low) / p.step + 1e-9);
        if (n < 1) return InvalidArgument(at + ": empty range (step larger than high - low)");
        p.high = p.low + n * p.step;
      }
    }
  }
  if (!p.parent.empty()) {
    int parent = -1;
    for (size_t j = 0; j < earlier.size(); ++j) {
      if (earlier[j].name == p.parent) parent = static_cast<int>(j);
    }
    if (parent < 0) return InvalidArgument(at + ": condition parent '" + p.parent + "' is not a parameter defined before it");
    const ParamSpec& pp = earlier[static_cast<size_t>(parent)];
    if (pp.kind != ParamKind::kCategorical) return InvalidArgument(at + ": condition parent '" + p.parent + "' is not categorical");
    if (p.parent_values.empty()) return InvalidArgument(at + ": condition has no values");
    p.parent_index = parent;
    p.parent_choice_indices.clear();
    for (const Json& v : p.parent_values) {
      int c = ChoiceIndex(pp, v);
      if (c < 0) return InvalidArgument(at + ": condition value " + v.dump() + " is not a choice of '" + p.parent + "'");
      p.parent_choice_indices.push_back(c);
    }
  } else if (!p.parent_values.empty()) {
    return InvalidArgument(at + ": condition values without a parent");
  }
  return Status::Ok();
}

Result<double> NumberField(const Json& j, const char* key, const std::string& at, bool required, double dflt) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return InvalidArgument(at + ": missing '" + key + "'");
    return dflt;
  }
  if (!it->is_number()) return InvalidArgument(at + ": '" + key + "' is not a number");
  return it->get<double>();
}

}  // namespace

const char* ParamKindName(ParamKind kind) {
  switch (kind) {
    case ParamKind::kFloat: return "float";
    case ParamKind::kInt: return "int";
    case ParamKind::kCategorical: return "categorical";
  }
  return "?";
}

Result<SearchSpace> SearchSpace::Create(std::vector<ParamSpec> params) {
  if (params.empty()) return InvalidArgument("search space has no parameters");
  if (params.size() > 1000) return InvalidArgument("search space has more than 1000 parameters");
  std::set<std::string> names;
  for (size_t i = 0; i < params.size(); ++i) {
    std::vector<ParamSpec> earlier(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(i));
    RETURN_IF_ERROR(ValidateOne(i, params[i], earlier));
    if (!names.insert(params[i].name).second) {
      return InvalidArgument(Label(i, params[i].name) + ": duplicate name");
    }
  }
  return SearchSpace(std::move(params));
}

Result<SearchSpace> SearchSpace::FromJson(const Json& json) {
  const Json* list = &json;
  if (json.is_object()) {
    for (auto it = json.begin(); it != json.end(); ++it) {
      if (it.key() != "params") return InvalidArgument("search space: unknown field '" + it.key() + "'");
    }
    auto it = json.find("params");
    if (it == json.end()) return InvalidArgument("search space: missing 'params'");
    list = &*it;
  }
  if (!list->is_array()) return InvalidArgument("search space: 'params' is not an array");
  std::vector<ParamSpec> params;
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& j = (*list)[i];
    std::string name = j.is_object() && j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : "";
    const std::string at = Label(i, name);
    if (!j.is_object()) return InvalidArgument(at + ": not an object");
    if (name.empty()) return InvalidArgument(at + ": missing or empty 'name'");
    static const std::set<std::string> kFields = {"name", "type", "low", "high", "step", "log", "choices", "condition"};
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!kFields.count(it.key())) return InvalidArgument(at + ": unknown field '" + it.key() + "'");
    }
    ParamSpec p;
    p.name = name;
    auto type = j.find("type");
    if (type == j.end() || !type->is_string()) return InvalidArgument(at + ": missing 'type'");
    const std::string t = type->get<std::string>();
    if (t == "float") p.kind = ParamKind::kFloat;
    else if (t == "int") p.kind = ParamKind::kInt;
    else if (t == "categorical") p.kind = ParamKind::kCategorical;
    else return InvalidArgument(at + ": unknown type '" + t + "' (float, int or categorical)");
    if (p.kind == ParamKind::kCategorical) {
      for (const char* k : {"low", "high", "step", "log"}) {
        if (j.contains(k)) return InvalidArgument(at + ": '" + k + "' is not allowed for a categorical");
      }
      auto choices = j.find("choices");
      if (choices == j.end() || !choices->is_array()) return InvalidArgument(at + ": missing 'choices' array");
      p.choices.assign(choices->begin(), choices->end());
    } else {
      if (j.contains("choices")) return InvalidArgument(at + ": 'choices' is only for a categorical");
      ASSIGN_OR_RETURN(p.low, NumberField(j, "low", at, true, 0));
      ASSIGN_OR_RETURN(p.high, NumberField(j, "high", at, true, 0));
      ASSIGN_OR_RETURN(p.step, NumberField(j, "step", at, false, 0));
      if (j.contains("step") && p.step <= 0) return InvalidArgument(at + ": step must be > 0");
      auto log = j.find("log");
      if (log != j.end() && !log->is_null()) {
        if (!log->is_boolean()) return InvalidArgument(at + ": 'log' is not a boolean");
        p.log = log->get<bool>();
      }
    }
    auto cond = j.find("condition");
    if (cond != j.end() && !cond->is_null()) {
      if (!cond->is_object()) return InvalidArgument(at + ": 'condition' is not an object");
      for (auto it = cond->begin(); it != cond->end(); ++it) {
        if (it.key() != "parent" && it.key() != "values") return InvalidArgument(at + ": condition: unknown field '" + it.key() + "'");
      }
      auto parent = cond->find("parent");
      auto values = cond->find("values");
      if (parent == cond->end() || !parent->is_string()) return InvalidArgument(at + ": condition needs 'parent'");
      if (values == cond->end() || !values->is_array()) return InvalidArgument(at + ": condition needs a 'values' array");
      p.parent = parent->get<std::string>();
      p.parent_values.assign(values->begin(), values->end());
    }
    params.push_back(std::move(p));
  }
  return Create(std::move(params));
}

Json SearchSpace::ToJson() const {
  Json list = Json::array();
  for (const ParamSpec& p : params_) {
    Json j = {{"name", p.name}, {"type", ParamKindName(p.kind)}};
    if (p.kind == ParamKind::kCategorical) {
      j["choices"] = p.choices;
    } else {
      j["low"] = p.kind == ParamKind::kInt ? Json(static_cast<int64_t>(p.low)) : Json(p.low);
      j["high"] = p.kind == ParamKind::kInt ? Json(static_cast<int64_t>(p.high)) : Json(p.high);
      if (p.log) j["log"] = true;
      if (p.step > 0 && !(p.kind == ParamKind::kInt && p.step == 1)) {
        j["step"] = p.kind == ParamKind::kInt ? Json(static_cast<int64_t>(p.step)) : Json(p.step);
      }
    }
    if (!p.parent.empty()) j["condition"] = {{"parent", p.parent}, {"values", p.parent_values}};
    list.push_back(std::move(j));
  }
  return Json{{"params", std::move(list)}};
}

std::optional<size_t> SearchSpace::Find(const std::string& name) const {
  for (size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].name == name) return i;
  }
  return std::nullopt;
}

bool SearchSpace::IsActive(size_t i, std::span<const double> params) const {
  const ParamSpec& p = params_[i];
  if (p.parent_index < 0) return true;
  double v = params[static_cast<size_t>(p.parent_index)];
  if (!IsSet(v)) return false;
  int c = static_cast<int>(v);
  return std::find(p.parent_choice_indices.begin(), p.parent_choice_indices.end(), c) != p.parent_choice_indices.end();
}

double SearchSpace::InternalLow(size_t i) const {
  return params_[i].kind == ParamKind::kCategorical ? 0 : params_[i].low;
}

double SearchSpace::InternalHigh(size_t i) const {
  const ParamSpec& p = params_[i];
  return p.kind == ParamKind::kCategorical ? static_cast<double>(p.choices.size() - 1) : p.high;
}

size_t SearchSpace::Cardinality(size_t i) const {
  const ParamSpec& p = params_[i];
  if (p.kind == ParamKind::kCategorical) return p.choices.size();
  if (p.step > 0) return static_cast<size_t>(std::llround((p.high - p.low) / p.step)) + 1;
  return 0;
}

double SearchSpace::Snap(size_t i, double v) const {
  const ParamSpec& p = params_[i];
  if (!IsSet(v)) return v;
  if (p.kind == ParamKind::kCategorical) {
    return std::clamp(std::round(v), 0.0, static_cast<double>(p.choices.size() - 1));
  }
  if (p.step > 0) v = p.low + std::round((v - p.low) / p.step) * p.step;
  return std::clamp(v, p.low, p.high);
}

Json SearchSpace::ToExternal(std::span<const double> params) const {
  Json out = Json::object();
  for (size_t i = 0; i < params_.size() && i < params.size(); ++i) {
    double v = params[i];
    if (!IsSet(v)) continue;
    const ParamSpec& p = params_[i];
    switch (p.kind) {
      case ParamKind::kCategorical: out[p.name] = p.choices[static_cast<size_t>(v)]; break;
      case ParamKind::kInt: out[p.name] = static_cast<int64_t>(std::llround(v)); break;
      case ParamKind::kFloat: out[p.name] = v; break;
    }
  }
  return out;
}

Result<Params> SearchSpace::FromExternal(const Json& json) const {
  if (!json.is_object()) return InvalidArgument("params: not an object");
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (!Find(it.key())) return InvalidArgument("params: unknown parameter '" + it.key() + "'");
  }
  Params out(params_.size(), kInactive);
  for (size_t i = 0; i < params_.size(); ++i) {
    const ParamSpec& p = params_[i];
    auto it = json.find(p.name);
    bool active = IsActive(i, out);
    if (!active) {
      if (it != json.end()) return InvalidArgument("params: '" + p.name + "' is given but inactive");
      continue;
    }
    if (it == json.end()) return InvalidArgument("params: '" + p.name + "' is missing");
    if (p.kind == ParamKind::kCategorical) {
      int c = ChoiceIndex(p, *it);
      if (c < 0) return InvalidArgument("params: '" + p.name + "': " + it->dump() + " is not a choice");
      out[i] = c;
      continue;
    }
    if (!it->is_number()) return InvalidArgument("params: '" + p.name + "' is not a number");
    double v = it->get<double>();
    if (!(v >= p.low && v <= p.high)) return InvalidArgument("params: '" + p.name + "' is outside [low, high]");
    if (p.kind == ParamKind::kInt && !IsIntegral(v)) return InvalidArgument("params: '" + p.name + "' is not an integer");
    out[i] = v;
  }
  return out;
}

bool SearchSpace::Contains(std::span<const double> params) const {
  if (params.size() != params_.size()) return false;
  for (size_t i = 0; i < params_.size(); ++i) {
    bool active = IsActive(i, params);
    if (active != IsSet(params[i])) return false;
    if (!active) continue;
    double v = params[i];
    if (v < InternalLow(i) || v > InternalHigh(i)) return false;
    if ((params_[i].kind != ParamKind::kFloat || params_[i].step > 0) && Snap(i, v) != v) return false;
  }
  return true;
}

}  // namespace moebius::tuning

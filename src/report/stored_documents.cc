#include "report/stored_documents.h"

#include "base/json_reader.h"
#include "base/strings.h"

namespace moebius::report {
namespace {

// Stored documents hold numbers as JSON numbers, or null for non-finite values; unlike a
// request, never as strings ("NaN", "42"), which the renderers would not read.
Status NumberOrNull(const JsonReader& v) {
  if (v.json().is_number() || v.json().is_null()) return Status::Ok();
  return v.Invalid(std::string("must be a number, got ") + v.json().type_name());
}

Status OptNumber(const JsonReader& obj, const char* key) {
  auto it = obj.json().find(key);
  if (it == obj.json().end()) return Status::Ok();
  return NumberOrNull(JsonReader(*it, obj.PathOf(key)));
}

Status OptNumbers(const JsonReader& obj, std::initializer_list<const char*> keys) {
  for (const char* k : keys) RETURN_IF_ERROR(OptNumber(obj, k));
  return Status::Ok();
}

// obj[key], when present: a list of numbers (or nulls).
Status NumberList(const JsonReader& obj, const char* key) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> list, obj.OptArray(key));
  if (!list) return Status::Ok();
  for (size_t i = 0; i < list->size(); ++i) RETURN_IF_ERROR(NumberOrNull((*list)[i]));
  return Status::Ok();
}

// obj[key], when present: an object of numbers (or nulls).
Status NumberMap(const JsonReader& obj, const char* key) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> map, obj.OptObject(key));
  if (!map) return Status::Ok();
  ASSIGN_OR_RETURN(auto members, map->Members());
  for (const auto& [name, value] : members) RETURN_IF_ERROR(NumberOrNull(value));
  return Status::Ok();
}

// obj[key], when present: an object whose lists `lists` hold numbers (a curve).
Status Curve(const JsonReader& obj, const char* key, std::initializer_list<const char*> lists) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> curve, obj.OptObject(key));
  if (!curve) return Status::Ok();
  for (const char* l : lists) RETURN_IF_ERROR(NumberList(*curve, l));
  return Status::Ok();
}

// obj[key], when present: a list of objects, each checked by `item`.
template <typename F>
Status ObjectList(const JsonReader& obj, const char* key, F&& item) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> list, obj.OptArray(key));
  if (!list) return Status::Ok();
  for (size_t i = 0; i < list->size(); ++i) {
    JsonReader x = (*list)[i];
    RETURN_IF_ERROR(x.ExpectObject());
    RETURN_IF_ERROR(item(x));
  }
  return Status::Ok();
}

Status CheckClassification(const JsonReader& ev) {
  RETURN_IF_ERROR(ev.OptArray("labels").status());
  ASSIGN_OR_RETURN(std::optional<JsonReader> report, ev.OptObject("report"));
  if (report)
    RETURN_IF_ERROR(ObjectList(*report, "per_class", [](const JsonReader& c) { return OptNumbers(c, {"precision", "recall", "f1", "support"}); }));
  ASSIGN_OR_RETURN(std::optional<JsonReader> confusion, ev.OptObject("confusion"));
  if (confusion) {
    RETURN_IF_ERROR(confusion->OptArray("labels").status());
    ASSIGN_OR_RETURN(std::optional<JsonReader> matrix, confusion->OptArray("matrix"));
    if (matrix)
      for (size_t r = 0; r < matrix->size(); ++r) {
        JsonReader row = (*matrix)[r];
        RETURN_IF_ERROR(row.ExpectArray());
        for (size_t c = 0; c < row.size(); ++c) RETURN_IF_ERROR(NumberOrNull(row[c]));
      }
  }
  RETURN_IF_ERROR(Curve(ev, "roc", {"fpr", "tpr", "thresholds"}));
  RETURN_IF_ERROR(Curve(ev, "pr", {"precision", "recall", "thresholds"}));
  return Curve(ev, "calibration", {"prob_true", "prob_pred", "count"});
}

Status CheckResiduals(const JsonReader& ev) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> r, ev.OptObject("residuals"));
  if (!r) return Status::Ok();
  RETURN_IF_ERROR(OptNumbers(*r, {"n", "mean", "std", "mean_abs", "min", "max"}));
  RETURN_IF_ERROR(NumberMap(*r, "percentiles"));
  return Curve(*r, "histogram", {"edges", "counts"});
}

Status CheckSlices(const JsonReader& ev) {
  return ObjectList(ev, "slices", [](const JsonReader& s) -> Status {
    RETURN_IF_ERROR(s.Opt<std::string>("by").status());
    RETURN_IF_ERROR(s.Opt<std::string>("metric").status());
    RETURN_IF_ERROR(OptNumber(s, "overall"));
    return ObjectList(s, "slices", [](const JsonReader& row) -> Status {
      RETURN_IF_ERROR(row.Opt<std::string>("key").status());
      return OptNumbers(row, {"rows", "share", "metric", "baseline", "gap", "priority"});
    });
  });
}

Status CheckBaselines(const JsonReader& ev) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> baselines, ev.OptObject("baselines"));
  if (!baselines) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<JsonReader> simple, baselines->OptObject("simple"));
  if (!simple) return Status::Ok();
  RETURN_IF_ERROR(simple->Opt<std::string>("model").status());
  return NumberMap(*simple, "metrics");
}

// What the text after "evaluations/" must look like: one file name ending in .json.
bool IsJsonFileName(std::string_view name) {
  return name.size() > 5 && EndsWith(name, ".json") && name.find('/') == std::string_view::npos;
}

}  // namespace

Status CheckEvaluationDocument(const Json& doc) {
  JsonReader ev(doc, "", "the evaluation");
  RETURN_IF_ERROR(ev.ExpectObject());
  RETURN_IF_ERROR(ev.Opt<std::string>("name").status());
  RETURN_IF_ERROR(ev.Opt<std::string>("problem").status());
  RETURN_IF_ERROR(OptNumber(ev, "n"));
  RETURN_IF_ERROR(NumberMap(ev, "metrics"));
  RETURN_IF_ERROR(CheckClassification(ev));
  RETURN_IF_ERROR(CheckResiduals(ev));
  RETURN_IF_ERROR(CheckSlices(ev));
  return CheckBaselines(ev);
}

Status CheckExplanationsDocument(const Json& doc) {
  JsonReader e(doc, "", "the explanations");
  RETURN_IF_ERROR(e.ExpectObject());
  ASSIGN_OR_RETURN(std::optional<JsonReader> importance, e.OptObject("importance"));
  if (importance) {
    ASSIGN_OR_RETURN(auto kinds, importance->Members());
    for (const auto& [kind, scores] : kinds) RETURN_IF_ERROR(scores.ExpectObject());
  }
  ASSIGN_OR_RETURN(std::optional<JsonReader> shap, e.OptObject("shap"));
  if (shap) RETURN_IF_ERROR(shap->OptObject("mean_abs").status());
  ASSIGN_OR_RETURN(std::optional<JsonReader> permutation, e.OptObject("permutation"));
  if (permutation) {
    RETURN_IF_ERROR(permutation->Opt<std::string>("metric").status());
    RETURN_IF_ERROR(permutation->OptObject("importance").status());
  }
  return Status::Ok();
}

bool IsEvaluationPath(std::string_view path) {
  return StartsWith(path, "evaluations/") && IsJsonFileName(path.substr(12));
}

bool IsExplanationsPath(std::string_view path) { return path == "explanations.json"; }

Status CheckReservedArtifact(std::string_view path, std::string_view bytes) {
  const bool evaluation = IsEvaluationPath(path);
  if (!evaluation && !IsExplanationsPath(path)) return Status::Ok();
  const std::string what = std::string(path) + (evaluation ? " must be an evaluation document" : " must be an explanations document");
  // Curves and per-row lists can be long; depth and string bounds stay the request's.
  auto doc = ParseJson(bytes, JsonLimits{.max_array_items = 10'000'000});
  if (!doc.ok()) return InvalidArgument(what + ": not JSON (" + doc.status().message() + ")");
  Status st = evaluation ? CheckEvaluationDocument(*doc) : CheckExplanationsDocument(*doc);
  if (!st.ok()) return InvalidArgument(what + ": " + st.message());
  return Status::Ok();
}

}  // namespace moebius::report

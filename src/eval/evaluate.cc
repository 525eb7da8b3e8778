#include "eval/evaluate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "eval/classification.h"
#include "eval/curves.h"
#include "eval/ranking.h"
#include "eval/regression.h"
#include "eval/result_json.h"

namespace moebius::eval {
namespace {

constexpr size_t kMaxRows = 10'000'000;

// Labels of any JSON scalar kind (all numbers or all strings), mapped to ids in sorted order.
struct LabelMap {
  std::vector<Json> values;  // sorted distinct labels; id = index
  std::map<std::string, Label> ids;  // by Json::dump()

  Result<Label> Id(const Json& v) const {
    auto it = ids.find(v.dump());
    if (it == ids.end()) return InvalidArgument("unknown label " + v.dump());
    return it->second;
  }
};

Result<const Json*> Array(const Json& req, const char* key, bool required) {
  if (!req.contains(key)) {
    if (required) return InvalidArgument(std::string("missing required field '") + key + "'");
    return nullptr;
  }
  const Json& a = req[key];
  if (!a.is_array()) return InvalidArgument(std::string("field '") + key + "' must be a list");
  if (a.size() > kMaxRows) return InvalidArgument(std::string("field '") + key + "' has more than 10,000,000 values");
  return &a;
}

Result<LabelMap> MapLabels(const std::vector<const Json*>& lists) {
  std::vector<Json> all;
  bool numbers = false, strings = false;
  for (const Json* list : lists) {
    if (!list) continue;
    for (const Json& v : *list) {
      if (v.is_number_integer() || v.is_number_unsigned()) numbers = true;
      else if (v.is_string()) strings = true;
      else return InvalidArgument("labels must be integers or strings, got " + v.dump().substr(0, 40));
      all.push_back(v);
    }
  }
  if (numbers && strings) return InvalidArgument("labels mix numbers and strings");
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  LabelMap m;
  for (size_t i = 0; i < all.size(); ++i) m.ids[all[i].dump()] = static_cast<Label>(i);
  m.values = std::move(all);
  return m;
}

Result<std::vector<Label>> Ids(const LabelMap& m, const Json& list) {
  std::vector<Label> out;
  out.reserve(list.size());
  for (const Json& v : list) {
    ASSIGN_OR_RETURN(Label id, m.Id(v));
    out.push_back(id);
  }
  return out;
}

Result<std::vector<double>> Numbers(const Json& list, const char* key) {
  std::vector<double> out;
  out.reserve(list.size());
  for (const Json& v : list) {
    if (!v.is_number()) return InvalidArgument(std::string("field '") + key + "' must hold numbers");
    out.push_back(v.get<double>());
  }
  return out;
}

Result<Json> Regress(const Json& req) {
  ASSIGN_OR_RETURN(const Json* yt, Array(req, "y_true", true));
  ASSIGN_OR_RETURN(const Json* yp, Array(req, "y_pred", true));
  ASSIGN_OR_RETURN(auto t, Numbers(*yt, "y_true"));
  ASSIGN_OR_RETURN(auto p, Numbers(*yp, "y_pred"));
  ASSIGN_OR_RETURN(RegressionMetrics m, Regression(t, p));
  Json metrics = ToJson(m);
  metrics.erase("n");
  return Json{{"problem", "regression"}, {"n", m.n}, {"metrics", metrics}};
}

// Ranking: y_true relevances and y_score per document, "group" the query of each document
// (documents of one query need not be adjacent; queries keep their order of first appearance).
Result<Json> Rank(const Json& req) {
  ASSIGN_OR_RETURN(const Json* yt, Array(req, "y_true", true));
  ASSIGN_OR_RETURN(const Json* ys, Array(req, "y_score", true));
  ASSIGN_OR_RETURN(const Json* gs, Array(req, "group", true));
  if (yt->size() != ys->size() || yt->size() != gs->size())
    return InvalidArgument("y_true, y_score and group must have the same length");
  ASSIGN_OR_RETURN(auto t, Numbers(*yt, "y_true"));
  ASSIGN_OR_RETURN(auto s, Numbers(*ys, "y_score"));
  std::map<std::string, size_t> index;
  Rows rel, score;
  for (size_t i = 0; i < t.size(); ++i) {
    const Json& g = (*gs)[i];
    if (!g.is_string() && !g.is_number_integer() && !g.is_number_unsigned()) return InvalidArgument("group must hold integers or strings");
    auto [it, added] = index.emplace(g.dump(), rel.size());
    if (added) {
      rel.emplace_back();
      score.emplace_back();
    }
    rel[it->second].push_back(t[i]);
    score[it->second].push_back(s[i]);
  }
  Json metrics = Json::object();
  ASSIGN_OR_RETURN(double ndcg, Ndcg(rel, score));
  metrics["ndcg"] = NumberJson(ndcg);
  for (int k : {5, 10}) {
    ASSIGN_OR_RETURN(double v, Ndcg(rel, score, k));
    metrics["ndcg_" + std::to_string(k)] = NumberJson(v);
  }
  ASSIGN_OR_RETURN(RankingSummary map, MeanAveragePrecision(rel, score));
  ASSIGN_OR_RETURN(RankingSummary mrr, MeanReciprocalRank(rel, score));
  metrics["map"] = NumberJson(map.value);
  metrics["mrr"] = NumberJson(mrr.value);
  return Json{{"problem", "ranking"}, {"n", static_cast<int64_t>(t.size())}, {"queries", static_cast<int64_t>(rel.size())},
              {"metrics", metrics}};
}

// The positive class of a binary problem: pos_label when given, else a conventional name.
Result<Label> PositiveLabel(const Json& req, const LabelMap& m) {
  if (req.contains("pos_label")) return m.Id(req["pos_label"]);
  for (const Json& guess : {Json(1), Json("1"), Json("yes"), Json("true"), Json("positive")}) {
    auto id = m.Id(guess);
    if (id.ok()) return *id;
  }
  return InvalidArgument("set pos_label: the positive class of " + Json(m.values).dump().substr(0, 200));
}

Result<Json> Classify(const Json& req) {
  ASSIGN_OR_RETURN(const Json* yt, Array(req, "y_true", true));
  ASSIGN_OR_RETURN(const Json* yp, Array(req, "y_pred", true));
  ASSIGN_OR_RETURN(const Json* classes, Array(req, "classes", false));
  ASSIGN_OR_RETURN(LabelMap m, MapLabels({yt, yp, classes}));
  ASSIGN_OR_RETURN(auto t, Ids(m, *yt));
  ASSIGN_OR_RETURN(auto p, Ids(m, *yp));
  ASSIGN_OR_RETURN(ClassificationReport report, ClassReport(t, p));
  ASSIGN_OR_RETURN(ConfusionMatrix confusion, Confusion(t, p));
  Json metrics{{"accuracy", NumberJson(report.accuracy)},
               {"precision_macro", NumberJson(report.macro.precision)},
               {"recall_macro", NumberJson(report.macro.recall)},
               {"f1_macro", NumberJson(report.macro.f1)},
               {"f1_micro", NumberJson(report.micro.f1)},
               {"f1_weighted", NumberJson(report.weighted.f1)}};
  ASSIGN_OR_RETURN(double balanced, BalancedAccuracy(t, p));
  ASSIGN_OR_RETURN(double mcc, MatthewsCorrcoef(t, p));
  ASSIGN_OR_RETURN(double kappa, CohenKappa(t, p));
  metrics["balanced_accuracy"] = NumberJson(balanced);
  metrics["mcc"] = NumberJson(mcc);
  metrics["cohen_kappa"] = NumberJson(kappa);
  Json out{{"problem", "classification"}, {"n", report.n}, {"labels", m.values}};

  ASSIGN_OR_RETURN(const Json* score, Array(req, "y_score", false));
  if (score) {
    if (m.values.size() != 2) return InvalidArgument("y_score is for binary problems; these predictions have " + std::to_string(m.values.size()) + " labels (use proba)");
    ASSIGN_OR_RETURN(Label pos, PositiveLabel(req, m));
    ASSIGN_OR_RETURN(auto s, Numbers(*score, "y_score"));
    ASSIGN_OR_RETURN(Prf binary, PrecisionRecallF1(t, p, Average::kBinary, pos));
    metrics["precision"] = NumberJson(binary.precision);
    metrics["recall"] = NumberJson(binary.recall);
    metrics["f1"] = NumberJson(binary.f1);
    ASSIGN_OR_RETURN(double auc, RocAuc(t, s, pos));
    ASSIGN_OR_RETURN(double ap, AveragePrecision(t, s, pos));
    metrics["roc_auc"] = NumberJson(auc);
    metrics["average_precision"] = NumberJson(ap);
    if (std::all_of(s.begin(), s.end(), [](double v) { return v >= 0 && v <= 1; })) {
      ASSIGN_OR_RETURN(double ll, LogLossBinary(t, s, pos));
      metrics["log_loss"] = NumberJson(ll);
    }
    ASSIGN_OR_RETURN(RocCurve roc, Roc(t, s, pos));
    ASSIGN_OR_RETURN(PrCurve pr, PrecisionRecall(t, s, pos));
    out["roc"] = ToJson(roc);
    out["pr"] = ToJson(pr);
  }
  ASSIGN_OR_RETURN(const Json* proba, Array(req, "proba", false));
  if (proba) {
    ScoreMatrix sm;
    const Json& cols = classes ? *classes : Json(m.values);
    for (const Json& c : cols) {
      ASSIGN_OR_RETURN(Label id, m.Id(c));
      sm.classes.push_back(id);
    }
    if (!std::is_sorted(sm.classes.begin(), sm.classes.end()))
      return InvalidArgument("classes must be in sorted order (the columns of proba), e.g. " + Json(m.values).dump().substr(0, 200));
    for (const Json& row : *proba) {
      if (!row.is_array() || row.size() != sm.classes.size())
        return InvalidArgument("every row of proba must have one probability per class (" + std::to_string(sm.classes.size()) + ")");
      for (const Json& v : row) {
        if (!v.is_number()) return InvalidArgument("proba must hold numbers");
        sm.values.push_back(v.get<double>());
      }
    }
    ASSIGN_OR_RETURN(double ll, LogLoss(t, sm));
    ASSIGN_OR_RETURN(double auc, RocAucOvr(t, sm, Average::kMacro));
    metrics["log_loss"] = NumberJson(ll);
    metrics["roc_auc_ovr_macro"] = NumberJson(auc);
  }
  out["metrics"] = metrics;
  out["report"] = ToJson(report);
  out["confusion"] = ToJson(confusion);
  return out;
}

}  // namespace

Result<Json> EvaluateJson(const Json& request) {
  if (!request.is_object()) return InvalidArgument("an evaluation request is an object");
  std::string problem = request.contains("problem") && request["problem"].is_string() ? request["problem"].get<std::string>() : "";
  if (problem == "classification") return Classify(request);
  if (problem == "regression") return Regress(request);
  if (problem == "ranking") return Rank(request);
  return InvalidArgument("problem must be 'classification', 'regression' or 'ranking'");
}

}  // namespace moebius::eval

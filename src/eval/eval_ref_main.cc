// moebius_eval_ref: evaluates metrics named in a JSON request on stdin and prints the results
// as JSON. It exists for tests/eval, which compares every metric with scikit-learn on the same
// data; it is not installed.
//
//   echo '{"calls": [{"fn": "accuracy", "y_true": [0, 1], "y_pred": [0, 0]}]}' | moebius_eval_ref
//   -> {"results": [{"value": 0.5}]}
//
// Each call gives {"value": ...} or {"error": {"code": "INVALID_ARGUMENT", "message": ...}}, in
// request order; one bad call does not stop the others. Number arrays accept the strings
// "nan", "inf" and "-inf" so that tests can send values JSON cannot spell.
// Exit status: 0 when the request parsed (whatever the calls returned), 1 otherwise.
#include <cmath>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "base/json.h"
#include "eval/result_json.h"

namespace {

using namespace moebius;
using namespace moebius::eval;

Result<const Json*> Field(const Json& call, const char* key) {
  auto it = call.find(key);
  if (it == call.end() || it->is_null()) return InvalidArgument(std::string("missing field ") + key);
  return &*it;
}

bool Has(const Json& call, const char* key) { return call.contains(key) && !call[key].is_null(); }

Result<double> ToDouble(const Json& v, const std::string& where) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "nan" || s == "NaN") return std::nan("");
    if (s == "inf" || s == "Infinity") return INFINITY;
    if (s == "-inf" || s == "-Infinity") return -INFINITY;
  }
  return InvalidArgument(where + " is not a number");
}

Result<std::vector<double>> Doubles(const Json& call, const char* key) {
  ASSIGN_OR_RETURN(const Json* v, Field(call, key));
  if (!v->is_array()) return InvalidArgument(std::string(key) + " must be an array");
  std::vector<double> out;
  for (size_t i = 0; i < v->size(); ++i) {
    ASSIGN_OR_RETURN(double d, ToDouble((*v)[i], std::string(key) + "[" + std::to_string(i) + "]"));
    out.push_back(d);
  }
  return out;
}

Result<std::vector<Label>> Labels(const Json& call, const char* key) {
  ASSIGN_OR_RETURN(const Json* v, Field(call, key));
  if (!v->is_array()) return InvalidArgument(std::string(key) + " must be an array");
  std::vector<Label> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_number_integer()) return InvalidArgument(std::string(key) + " must hold integers");
    out.push_back((*v)[i].get<Label>());
  }
  return out;
}

Result<Rows> DoubleRows(const Json& call, const char* key) {
  ASSIGN_OR_RETURN(const Json* v, Field(call, key));
  if (!v->is_array()) return InvalidArgument(std::string(key) + " must be an array of arrays");
  Rows out;
  for (size_t r = 0; r < v->size(); ++r) {
    Json wrapper{{"row", (*v)[r]}};
    ASSIGN_OR_RETURN(auto row, Doubles(wrapper, "row"));
    out.push_back(std::move(row));
  }
  return out;
}

// A score matrix: key holds rows, "classes" the column labels (default 0..k-1).
Result<ScoreMatrix> Matrix(const Json& call, const char* key) {
  ASSIGN_OR_RETURN(Rows rows, DoubleRows(call, key));
  ScoreMatrix m;
  if (Has(call, "classes")) {
    ASSIGN_OR_RETURN(m.classes, Labels(call, "classes"));
  } else if (!rows.empty()) {
    for (size_t c = 0; c < rows[0].size(); ++c) m.classes.push_back(static_cast<Label>(c));
  }
  for (const auto& r : rows) {
    if (r.size() != m.classes.size()) return InvalidArgument(std::string(key) + " rows must have one value per class");
    m.values.insert(m.values.end(), r.begin(), r.end());
  }
  return m;
}

Result<std::vector<std::string>> Strings(const Json& v, const std::string& what) {
  if (!v.is_array()) return InvalidArgument(what + " must be an array of strings");
  std::vector<std::string> out;
  for (const auto& s : v) {
    if (!s.is_string()) return InvalidArgument(what + " must be an array of strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

Result<std::vector<std::vector<std::string>>> StringRows(const Json& call, const char* key) {
  ASSIGN_OR_RETURN(const Json* v, Field(call, key));
  if (!v->is_array()) return InvalidArgument(std::string(key) + " must be an array of arrays");
  std::vector<std::vector<std::string>> out;
  for (const auto& row : *v) {
    ASSIGN_OR_RETURN(auto r, Strings(row, key));
    out.push_back(std::move(r));
  }
  return out;
}

Result<Average> AverageOf(const Json& call, Average fallback) {
  if (!Has(call, "average")) return fallback;
  const std::string a = call["average"].get<std::string>();
  if (a == "binary") return Average::kBinary;
  if (a == "micro") return Average::kMicro;
  if (a == "macro") return Average::kMacro;
  if (a == "weighted") return Average::kWeighted;
  return InvalidArgument("unknown average " + a);
}

Label PosLabel(const Json& call) { return Has(call, "pos_label") ? call["pos_label"].get<Label>() : 1; }

Result<Box> BoxOf(const Json& v) {
  if (!v.is_array() || v.size() != 4) return InvalidArgument("a box is [x1, y1, x2, y2]");
  Box b;
  ASSIGN_OR_RETURN(b.x1, ToDouble(v[0], "box"));
  ASSIGN_OR_RETURN(b.y1, ToDouble(v[1], "box"));
  ASSIGN_OR_RETURN(b.x2, ToDouble(v[2], "box"));
  ASSIGN_OR_RETURN(b.y2, ToDouble(v[3], "box"));
  return b;
}

Result<Json> Call(const Json& call) {
  if (!call.is_object()) return InvalidArgument("a call must be an object");
  ASSIGN_OR_RETURN(std::string fn, ReqString(call, "fn"));
  auto labels_opt = [&](const char* key) -> Result<std::vector<Label>> {
    if (!Has(call, key)) return std::vector<Label>{};
    return Labels(call, key);
  };
  if (fn == "accuracy" || fn == "prf" || fn == "class_report" || fn == "balanced_accuracy" || fn == "cohen_kappa" ||
      fn == "mcc" || fn == "confusion_matrix") {
    ASSIGN_OR_RETURN(auto t, Labels(call, "y_true"));
    ASSIGN_OR_RETURN(auto p, Labels(call, "y_pred"));
    if (fn == "accuracy") {
      ASSIGN_OR_RETURN(double v, Accuracy(t, p));
      return NumberJson(v);
    }
    if (fn == "prf") {
      ASSIGN_OR_RETURN(Average avg, AverageOf(call, Average::kBinary));
      ASSIGN_OR_RETURN(Prf r, PrecisionRecallF1(t, p, avg, PosLabel(call)));
      return ToJson(r);
    }
    if (fn == "class_report") {
      ASSIGN_OR_RETURN(auto labels, labels_opt("labels"));
      ASSIGN_OR_RETURN(auto r, ClassReport(t, p, labels));
      return ToJson(r);
    }
    if (fn == "balanced_accuracy") {
      ASSIGN_OR_RETURN(double v, BalancedAccuracy(t, p));
      return NumberJson(v);
    }
    if (fn == "cohen_kappa") {
      KappaWeights w = KappaWeights::kNone;
      if (Has(call, "weights")) {
        const std::string s = call["weights"].get<std::string>();
        if (s == "linear") w = KappaWeights::kLinear;
        else if (s == "quadratic") w = KappaWeights::kQuadratic;
        else return InvalidArgument("unknown kappa weights " + s);
      }
      ASSIGN_OR_RETURN(double v, CohenKappa(t, p, w));
      return NumberJson(v);
    }
    if (fn == "mcc") {
      ASSIGN_OR_RETURN(double v, MatthewsCorrcoef(t, p));
      return NumberJson(v);
    }
    ASSIGN_OR_RETURN(auto labels, labels_opt("labels"));
    ASSIGN_OR_RETURN(auto m, Confusion(t, p, labels));
    return ToJson(m);
  }
  if (fn == "log_loss" || fn == "top_k" || fn == "roc_auc" || fn == "average_precision") {
    ASSIGN_OR_RETURN(auto t, Labels(call, "y_true"));
    if (Has(call, "y_proba") || Has(call, "y_score_matrix")) {
      ASSIGN_OR_RETURN(ScoreMatrix m, Matrix(call, Has(call, "y_proba") ? "y_proba" : "y_score_matrix"));
      if (fn == "log_loss") {
        ASSIGN_OR_RETURN(double v, LogLoss(t, m));
        return NumberJson(v);
      }
      if (fn == "top_k") {
        int k = Has(call, "k") ? call["k"].get<int>() : 2;
        ASSIGN_OR_RETURN(double v, TopKAccuracy(t, m, k));
        return NumberJson(v);
      }
      ASSIGN_OR_RETURN(Average avg, AverageOf(call, Average::kMacro));
      ASSIGN_OR_RETURN(double v, fn == "roc_auc" ? RocAucOvr(t, m, avg) : AveragePrecisionOvr(t, m, avg));
      return NumberJson(v);
    }
    ASSIGN_OR_RETURN(auto s, Doubles(call, "y_score"));
    double v = 0;
    if (fn == "log_loss") {
      ASSIGN_OR_RETURN(v, LogLossBinary(t, s, PosLabel(call)));
    } else if (fn == "roc_auc") {
      ASSIGN_OR_RETURN(v, RocAuc(t, s, PosLabel(call)));
    } else if (fn == "average_precision") {
      ASSIGN_OR_RETURN(v, AveragePrecision(t, s, PosLabel(call)));
    } else {
      return InvalidArgument("top_k needs y_score_matrix");
    }
    return NumberJson(v);
  }
  if (fn == "roc_curve" || fn == "pr_curve" || fn == "calibration") {
    ASSIGN_OR_RETURN(auto t, Labels(call, "y_true"));
    ASSIGN_OR_RETURN(auto s, Doubles(call, "y_score"));
    if (fn == "roc_curve") {
      bool drop = Has(call, "drop_intermediate") ? call["drop_intermediate"].get<bool>() : true;
      ASSIGN_OR_RETURN(auto c, Roc(t, s, PosLabel(call), drop));
      return ToJson(c);
    }
    if (fn == "pr_curve") {
      ASSIGN_OR_RETURN(auto c, PrecisionRecall(t, s, PosLabel(call)));
      return ToJson(c);
    }
    int bins = Has(call, "n_bins") ? call["n_bins"].get<int>() : 5;
    BinStrategy strategy = BinStrategy::kUniform;
    if (Has(call, "strategy")) {
      const std::string st = call["strategy"].get<std::string>();
      if (st == "quantile") strategy = BinStrategy::kQuantile;
      else if (st != "uniform") return InvalidArgument("unknown strategy " + st);
    }
    ASSIGN_OR_RETURN(auto c, Calibration(t, s, bins, strategy, PosLabel(call)));
    return ToJson(c);
  }
  if (fn == "regression") {
    ASSIGN_OR_RETURN(auto t, Doubles(call, "y_true"));
    ASSIGN_OR_RETURN(auto p, Doubles(call, "y_pred"));
    ASSIGN_OR_RETURN(auto m, Regression(t, p));
    return ToJson(m);
  }
  if (fn == "ndcg" || fn == "map" || fn == "mrr") {
    ASSIGN_OR_RETURN(Rows rel, DoubleRows(call, "relevance"));
    ASSIGN_OR_RETURN(Rows sc, DoubleRows(call, "scores"));
    if (fn == "ndcg") {
      std::optional<int> k;
      if (Has(call, "k")) k = call["k"].get<int>();
      bool ignore_ties = Has(call, "ignore_ties") && call["ignore_ties"].get<bool>();
      ASSIGN_OR_RETURN(double v, Ndcg(rel, sc, k, ignore_ties));
      return NumberJson(v);
    }
    ASSIGN_OR_RETURN(auto s, fn == "map" ? MeanAveragePrecision(rel, sc) : MeanReciprocalRank(rel, sc));
    return ToJson(s);
  }
  if (fn == "box_iou") {
    ASSIGN_OR_RETURN(const Json* a, Field(call, "a"));
    ASSIGN_OR_RETURN(const Json* b, Field(call, "b"));
    ASSIGN_OR_RETURN(Box ba, BoxOf(*a));
    ASSIGN_OR_RETURN(Box bb, BoxOf(*b));
    return NumberJson(BoxIou(ba, bb));
  }
  if (fn == "detection") {
    ASSIGN_OR_RETURN(const Json* g, Field(call, "ground_truth"));
    ASSIGN_OR_RETURN(const Json* d, Field(call, "detections"));
    std::vector<GroundTruthBox> gts;
    std::vector<DetectedBox> dets;
    for (const auto& x : *g) {
      ASSIGN_OR_RETURN(Box b, BoxOf(x["box"]));
      gts.push_back(GroundTruthBox{x["image"].get<int64_t>(), x["label"].get<Label>(), b});
    }
    for (const auto& x : *d) {
      ASSIGN_OR_RETURN(Box b, BoxOf(x["box"]));
      ASSIGN_OR_RETURN(double score, ToDouble(x["score"], "score"));
      dets.push_back(DetectedBox{x["image"].get<int64_t>(), x["label"].get<Label>(), b, score});
    }
    ASSIGN_OR_RETURN(auto m, DetectionMap(gts, dets));
    return ToJson(m);
  }
  if (fn == "segmentation") {
    ASSIGN_OR_RETURN(auto t, Labels(call, "y_true"));
    ASSIGN_OR_RETURN(auto p, Labels(call, "y_pred"));
    std::optional<Label> ignore;
    if (Has(call, "ignore_index")) ignore = call["ignore_index"].get<Label>();
    ASSIGN_OR_RETURN(auto m, Segmentation(t, p, ignore));
    return ToJson(m);
  }
  if (fn == "ner" || fn == "ner_entities") {
    NerMode mode = NerMode::kLenient;
    if (Has(call, "mode")) {
      const std::string m = call["mode"].get<std::string>();
      if (m == "strict") mode = NerMode::kStrictIob2;
      else if (m != "default") return InvalidArgument("unknown NER mode " + m);
    }
    if (fn == "ner_entities") {
      ASSIGN_OR_RETURN(auto tags, StringRows(call, "tags"));
      ASSIGN_OR_RETURN(auto ents, ExtractEntities(tags, mode));
      Json a = Json::array();
      for (const auto& e : ents) a.push_back(ToJson(e));
      return a;
    }
    ASSIGN_OR_RETURN(auto t, StringRows(call, "y_true"));
    ASSIGN_OR_RETURN(auto p, StringRows(call, "y_pred"));
    ASSIGN_OR_RETURN(auto m, NerSpanMetrics(t, p, mode));
    return ToJson(m);
  }
  if (fn == "qa") {
    ASSIGN_OR_RETURN(const Json* pv, Field(call, "predictions"));
    ASSIGN_OR_RETURN(auto preds, Strings(*pv, "predictions"));
    ASSIGN_OR_RETURN(auto golds, StringRows(call, "golds"));
    ASSIGN_OR_RETURN(auto m, QaScores(preds, golds));
    return ToJson(m);
  }
  if (fn == "qa_normalize") {
    ASSIGN_OR_RETURN(std::string text, ReqString(call, "text"));
    return Json(NormalizeAnswer(text));
  }
  if (fn == "slices") {
    ASSIGN_OR_RETURN(std::string metric, ReqString(call, "metric"));
    const std::string task = Has(call, "task") ? call["task"].get<std::string>() : "label";
    MetricDirection dir;
    std::vector<Label> lt, lp;
    std::vector<double> dt, dp, score;
    if (task == "regression") {
      ASSIGN_OR_RETURN(dt, Doubles(call, "y_true"));
      ASSIGN_OR_RETURN(dp, Doubles(call, "y_pred"));
      ASSIGN_OR_RETURN(dir, RegressionMetric(metric, dt, dp));
    } else {
      ASSIGN_OR_RETURN(lt, Labels(call, "y_true"));
      ASSIGN_OR_RETURN(lp, Labels(call, "y_pred"));
      if (Has(call, "y_score")) {
        ASSIGN_OR_RETURN(score, Doubles(call, "y_score"));
      }
      ASSIGN_OR_RETURN(dir, LabelMetric(metric, lt, lp, score));
    }
    SliceOptions opt;
    opt.higher_is_better = dir.higher_is_better;
    if (Has(call, "baseline")) opt.baseline = call["baseline"].get<double>();
    if (Has(call, "baselines")) {
      for (const auto& [k, v] : call["baselines"].items()) opt.baselines[k] = v.get<double>();
    }
    if (Has(call, "min_rows")) opt.min_rows = call["min_rows"].get<int64_t>();
    if (Has(call, "tags")) {
      ASSIGN_OR_RETURN(auto tags, StringRows(call, "tags"));
      ASSIGN_OR_RETURN(auto r, EvaluateTagSlices(tags, metric, dir.fn, opt));
      return ToJson(r);
    }
    ASSIGN_OR_RETURN(const Json* kv, Field(call, "keys"));
    ASSIGN_OR_RETURN(auto keys, Strings(*kv, "keys"));
    const size_t n = task == "regression" ? dt.size() : lt.size();
    if (keys.size() != n) return InvalidArgument("keys and y_true differ in length");
    ASSIGN_OR_RETURN(auto r, EvaluateSlices(keys, metric, dir.fn, opt));
    return ToJson(r);
  }
  return InvalidArgument("unknown fn \"" + fn + "\"");
}

// Wrong JSON types inside a call (a string where a number belongs) throw from nlohmann; they
// become an error for that call.
Json SafeCall(const Json& call) {
  try {
    auto r = Call(call);
    if (r.ok()) return Json{{"value", *r}};
    return Json{{"error", {{"code", StatusCodeName(r.status().code())}, {"message", r.status().message()}}}};
  } catch (const std::exception& e) {
    return Json{{"error", {{"code", "INVALID_ARGUMENT"}, {"message", std::string("bad request field: ") + e.what()}}}};
  }
}

}  // namespace

int main() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  JsonLimits limits;
  limits.max_array_items = 10'000'000;
  auto req = ParseJson(text, limits);
  if (!req.ok()) {
    std::cerr << "moebius_eval_ref: " << req.status().message() << "\n";
    return 1;
  }
  Json results = Json::array();
  if (req->is_object() && req->contains("calls") && (*req)["calls"].is_array()) {
    for (const auto& c : (*req)["calls"]) results.push_back(SafeCall(c));
  } else {
    results.push_back(SafeCall(*req));
  }
  std::cout << Json{{"results", results}}.dump() << "\n";
  return 0;
}

#include "eval/evaluate_detail.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "eval/curves.h"
#include "eval/evaluate.h"
#include "eval/result_json.h"
#include "eval/slices.h"

namespace moebius::eval {
namespace {

double Percentile(const std::vector<double>& sorted, double q) {  // numpy linear
  if (sorted.empty()) return std::nan("");
  double pos = q / 100.0 * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

Json Residuals(const Json& req) {
  std::vector<double> r;
  const Json& t = req["y_true"];
  const Json& p = req["y_pred"];
  for (size_t i = 0; i < t.size() && i < p.size(); ++i) r.push_back(t[i].get<double>() - p[i].get<double>());
  double sum = 0, abs_sum = 0;
  for (double v : r) sum += v, abs_sum += std::fabs(v);
  double n = static_cast<double>(r.size());
  double mean = sum / n, var = 0;
  for (double v : r) var += (v - mean) * (v - mean);
  std::vector<double> s = r;
  std::sort(s.begin(), s.end());
  Json pct = Json::object();
  for (int q : {5, 25, 50, 75, 95}) pct["p" + std::to_string(q)] = NumberJson(Percentile(s, q));
  const int bins = 20;
  double lo = s.front(), hi = s.back();
  std::vector<int64_t> counts(bins, 0);
  for (double v : s) {
    int b = hi > lo ? static_cast<int>((v - lo) / (hi - lo) * bins) : 0;
    counts[std::clamp(b, 0, bins - 1)]++;
  }
  Json edges = Json::array();
  for (int i = 0; i <= bins; ++i) edges.push_back(NumberJson(lo + (hi - lo) * i / bins));
  return Json{{"n", r.size()},          {"mean", NumberJson(mean)}, {"std", NumberJson(std::sqrt(var / n))},
              {"min", NumberJson(lo)},  {"max", NumberJson(hi)},    {"mean_abs", NumberJson(abs_sum / n)},
              {"percentiles", pct},     {"histogram", {{"edges", edges}, {"counts", counts}}}};
}

// Label ids as EvaluateJson assigned them: the index in result["labels"].
Result<std::vector<Label>> LabelIds(const Json& labels, const Json& values, const char* field) {
  std::map<std::string, Label> ids;
  for (size_t i = 0; i < labels.size(); ++i) ids[labels[i].dump()] = static_cast<Label>(i);
  std::vector<Label> out;
  for (const Json& v : values) {
    auto it = ids.find(v.dump());
    if (it == ids.end()) return InvalidArgument(std::string("unknown label in ") + field);
    out.push_back(it->second);
  }
  return out;
}

Result<Label> PositiveId(const Json& req, const Json& labels) {
  std::vector<Json> guesses;
  if (req.contains("pos_label")) guesses.push_back(req["pos_label"]);
  else guesses = {Json(1), Json("1"), Json("yes"), Json("true"), Json("positive")};
  for (const Json& g : guesses)
    for (size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == g) return static_cast<Label>(i);
  return InvalidArgument("no positive class");
}

Result<Json> Slices(const Json& req, const Json& result) {
  const Json& spec = req["slices"];
  if (!spec.is_object()) return InvalidArgument("slices must be an object with 'features' and/or 'tags'");
  bool classification = result["problem"] == "classification";
  std::string metric = spec.contains("metric") && spec["metric"].is_string() ? spec["metric"].get<std::string>()
                                                                             : (classification ? "accuracy" : "rmse");
  SliceOptions opt;
  if (spec.contains("baseline")) {
    if (!spec["baseline"].is_number()) return InvalidArgument("slices.baseline must be a number");
    opt.baseline = spec["baseline"].get<double>();
  }
  if (spec.contains("min_rows")) {
    if (!spec["min_rows"].is_number_integer() || spec["min_rows"].get<int64_t>() < 1) return InvalidArgument("slices.min_rows must be a positive integer");
    opt.min_rows = spec["min_rows"].get<int64_t>();
  }
  size_t n = req["y_true"].size();
  std::vector<Label> t, p;
  std::vector<double> tv, pv, score;
  MetricDirection md;
  if (classification) {
    ASSIGN_OR_RETURN(t, LabelIds(result["labels"], req["y_true"], "y_true"));
    ASSIGN_OR_RETURN(p, LabelIds(result["labels"], req["y_pred"], "y_pred"));
    if (req.contains("y_score"))
      for (const Json& v : req["y_score"]) score.push_back(v.get<double>());
    auto m = LabelMetric(metric, t, p, score);
    if (!m.ok()) return InvalidArgument("slices.metric: " + m.status().message());
    md = *m;
  } else {
    for (const Json& v : req["y_true"]) tv.push_back(v.get<double>());
    for (const Json& v : req["y_pred"]) pv.push_back(v.get<double>());
    auto m = RegressionMetric(metric, tv, pv);
    if (!m.ok()) return InvalidArgument("slices.metric: " + m.status().message());
    md = *m;
  }
  opt.higher_is_better = md.higher_is_better;
  Json out = Json::array();
  if (spec.contains("features")) {
    if (!spec["features"].is_object()) return InvalidArgument("slices.features must map a feature name to one value per row");
    for (auto it = spec["features"].begin(); it != spec["features"].end(); ++it) {
      if (!it->is_array() || it->size() != n)
        return InvalidArgument("slices.features." + it.key() + " must have one value per row (" + std::to_string(n) + ")");
      std::vector<std::string> keys;
      for (const Json& v : *it) keys.push_back(it.key() + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
      ASSIGN_OR_RETURN(SliceReport r, EvaluateSlices(keys, metric, md.fn, opt));
      Json j = ToJson(r);
      j["by"] = it.key();
      out.push_back(j);
    }
  }
  if (spec.contains("tags")) {
    const Json& tags = spec["tags"];
    if (!tags.is_array() || tags.size() != n) return InvalidArgument("slices.tags must have one list of tags per row (" + std::to_string(n) + ")");
    std::vector<std::vector<std::string>> rows;
    for (const Json& row : tags) {
      if (!row.is_array()) return InvalidArgument("slices.tags: every row is a list of strings");
      std::vector<std::string> r;
      for (const Json& tag : row) {
        if (!tag.is_string()) return InvalidArgument("slices.tags: every row is a list of strings");
        r.push_back(tag.get<std::string>());
      }
      rows.push_back(std::move(r));
    }
    ASSIGN_OR_RETURN(SliceReport r, EvaluateTagSlices(rows, metric, md.fn, opt));
    Json j = ToJson(r);
    j["by"] = "tags";
    out.push_back(j);
  }
  return out;
}

Result<Json> SimpleBaseline(const Json& req, const Json& result) {
  Json base = Json::object();
  base["problem"] = result["problem"];
  const Json& yt = req["y_true"];
  if (result["problem"] == "regression") {
    double sum = 0;
    for (const Json& v : yt) sum += v.get<double>();
    double mean = sum / static_cast<double>(yt.size());
    base["y_true"] = yt;
    base["y_pred"] = Json(std::vector<double>(yt.size(), mean));
    ASSIGN_OR_RETURN(Json r, EvaluateJson(base));
    return Json{{"model", "mean"}, {"prediction", NumberJson(mean)}, {"metrics", r["metrics"]}};
  }
  const Json& labels = result["labels"];
  ASSIGN_OR_RETURN(auto t, LabelIds(labels, yt, "y_true"));
  std::vector<int64_t> counts(labels.size(), 0);
  for (Label l : t) counts[l]++;
  size_t major = static_cast<size_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  base["y_true"] = yt;
  base["y_pred"] = Json::array();
  for (size_t i = 0; i < yt.size(); ++i) base["y_pred"].push_back(labels[major]);
  double n = static_cast<double>(yt.size());
  if (req.contains("pos_label")) base["pos_label"] = req["pos_label"];
  if (req.contains("y_score") && labels.size() == 2) {
    ASSIGN_OR_RETURN(Label pos, PositiveId(req, labels));
    base["y_score"] = Json(std::vector<double>(yt.size(), static_cast<double>(counts[pos]) / n));
  }
  if (req.contains("proba")) {
    // Columns as the model's: `classes` when given, else all labels; priors of y_true (0 for a
    // class never true), renormalised so each row sums to 1.
    const Json& cols = req.contains("classes") ? req["classes"] : labels;
    std::vector<double> row;
    double total = 0;
    for (const Json& c : cols) {
      double share = 0;
      for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] == c) share = static_cast<double>(counts[i]) / n;
      row.push_back(share);
      total += share;
    }
    for (double& v : row) v = total > 0 ? v / total : 0;
    base["proba"] = Json::array();
    for (size_t i = 0; i < yt.size(); ++i) base["proba"].push_back(row);
    if (req.contains("classes")) base["classes"] = req["classes"];
  }
  ASSIGN_OR_RETURN(Json r, EvaluateJson(base));
  return Json{{"model", "majority_class"}, {"prediction", labels[major]}, {"metrics", r["metrics"]}};
}

}  // namespace

Result<Json> EvaluationDetail(const Json& req, const Json& result) {
  Json out = Json::object();
  if (result["problem"] != "classification" && result["problem"] != "regression") {
    // Ranking: its metrics are the whole report; slices and a simple baseline are not built for it.
    if (req.contains("slices")) return InvalidArgument("slices are supported for classification and regression evaluations only");
    return out;
  }
  if (result["problem"] == "regression") {
    out["residuals"] = Residuals(req);
  } else if (req.contains("y_score") && result["labels"].size() == 2) {
    std::vector<double> s;
    bool unit = true;
    for (const Json& v : req["y_score"]) {
      s.push_back(v.get<double>());
      unit = unit && s.back() >= 0 && s.back() <= 1;
    }
    if (unit) {
      ASSIGN_OR_RETURN(auto t, LabelIds(result["labels"], req["y_true"], "y_true"));
      ASSIGN_OR_RETURN(Label pos, PositiveId(req, result["labels"]));
      ASSIGN_OR_RETURN(CalibrationCurve c, Calibration(t, s, 10, BinStrategy::kUniform, pos));
      out["calibration"] = ToJson(c);
    }
  }
  if (req.contains("slices")) {
    ASSIGN_OR_RETURN(Json slices, Slices(req, result));
    out["slices"] = slices;
  }
  ASSIGN_OR_RETURN(Json simple, SimpleBaseline(req, result));
  out["baselines"] = Json{{"simple", simple}};
  return out;
}

}  // namespace moebius::eval

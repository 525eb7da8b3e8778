#include "eval/result_json.h"

#include <cmath>

namespace moebius::eval {

Json NumberJson(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

namespace {

Json Numbers(const std::vector<double>& v) {
  Json a = Json::array();
  for (double x : v) a.push_back(NumberJson(x));
  return a;
}

}  // namespace

Json ToJson(const Prf& p) {
  return Json{{"precision", NumberJson(p.precision)}, {"recall", NumberJson(p.recall)}, {"f1", NumberJson(p.f1)}};
}

Json ToJson(const ClassificationReport& r) {
  Json per = Json::array();
  for (const auto& c : r.per_class) {
    per.push_back(Json{{"label", c.label},
                       {"precision", NumberJson(c.precision)},
                       {"recall", NumberJson(c.recall)},
                       {"f1", NumberJson(c.f1)},
                       {"support", c.support},
                       {"predicted", c.predicted}});
  }
  return Json{{"per_class", per},           {"micro", ToJson(r.micro)}, {"macro", ToJson(r.macro)},
              {"weighted", ToJson(r.weighted)}, {"accuracy", NumberJson(r.accuracy)}, {"n", r.n}};
}

Json ToJson(const ConfusionMatrix& m) {
  Json rows = Json::array();
  const size_t k = m.labels.size();
  for (size_t r = 0; r < k; ++r) {
    Json row = Json::array();
    for (size_t c = 0; c < k; ++c) row.push_back(m.at(r, c));
    rows.push_back(row);
  }
  return Json{{"labels", m.labels}, {"matrix", rows}};
}

Json ToJson(const RocCurve& c) {
  return Json{{"fpr", Numbers(c.fpr)}, {"tpr", Numbers(c.tpr)}, {"thresholds", Numbers(c.thresholds)}};
}

Json ToJson(const PrCurve& c) {
  return Json{{"precision", Numbers(c.precision)}, {"recall", Numbers(c.recall)}, {"thresholds", Numbers(c.thresholds)}};
}

Json ToJson(const CalibrationCurve& c) {
  return Json{{"prob_true", Numbers(c.prob_true)}, {"prob_pred", Numbers(c.prob_pred)}, {"count", c.count}};
}

Json ToJson(const RegressionMetrics& m) {
  return Json{{"n", m.n},
              {"mse", NumberJson(m.mse)},
              {"rmse", NumberJson(m.rmse)},
              {"mae", NumberJson(m.mae)},
              {"r2", NumberJson(m.r2)},
              {"mape", NumberJson(m.mape)},
              {"median_ae", NumberJson(m.median_ae)},
              {"explained_variance", NumberJson(m.explained_variance)},
              {"max_error", NumberJson(m.max_error)}};
}

Json ToJson(const RankingSummary& s) {
  return Json{{"value", NumberJson(s.value)}, {"queries", s.queries}, {"skipped_queries", s.skipped_queries}};
}

Json ToJson(const DetectionMetrics& m) {
  Json per = Json::array();
  for (const auto& c : m.per_class) {
    per.push_back(Json{{"label", c.label},
                       {"ground_truths", c.ground_truths},
                       {"detections", c.detections},
                       {"ap_coco", NumberJson(c.ap_coco)},
                       {"ap50", NumberJson(c.ap50)},
                       {"ap75", NumberJson(c.ap75)},
                       {"ap_voc", NumberJson(c.ap_voc)}});
  }
  return Json{{"per_class", per},
              {"map_coco", NumberJson(m.map_coco)},
              {"map50", NumberJson(m.map50)},
              {"map75", NumberJson(m.map75)},
              {"map_voc", NumberJson(m.map_voc)},
              {"iou_thresholds", Numbers(m.iou_thresholds)}};
}

Json ToJson(const SegmentationMetrics& m) {
  Json per = Json::array();
  for (const auto& c : m.per_class) {
    per.push_back(Json{{"label", c.label},
                       {"true_pixels", c.true_pixels},
                       {"pred_pixels", c.pred_pixels},
                       {"intersection", c.intersection},
                       {"iou", NumberJson(c.iou)},
                       {"dice", NumberJson(c.dice)}});
  }
  return Json{{"per_class", per},
              {"mean_iou", NumberJson(m.mean_iou)},
              {"mean_dice", NumberJson(m.mean_dice)},
              {"pixel_accuracy", NumberJson(m.pixel_accuracy)},
              {"pixels", m.pixels}};
}

Json ToJson(const Entity& e) {
  return Json{{"type", e.type}, {"sentence", e.sentence}, {"start", e.start}, {"end", e.end}};
}

Json ToJson(const NerMetrics& m) {
  Json per = Json::array();
  for (const auto& t : m.per_type) {
    per.push_back(Json{{"type", t.type},
                       {"precision", NumberJson(t.precision)},
                       {"recall", NumberJson(t.recall)},
                       {"f1", NumberJson(t.f1)},
                       {"support", t.support},
                       {"predicted", t.predicted},
                       {"correct", t.correct}});
  }
  return Json{{"micro", ToJson(m.micro)},
              {"macro", ToJson(m.macro)},
              {"weighted", ToJson(m.weighted)},
              {"per_type", per},
              {"true_entities", m.true_entities},
              {"pred_entities", m.pred_entities},
              {"correct", m.correct}};
}

Json ToJson(const QaMetrics& m) {
  return Json{{"exact_match", NumberJson(m.exact_match)}, {"f1", NumberJson(m.f1)}, {"n", m.n}};
}

Json ToJson(const SliceReport& r) {
  Json slices = Json::array();
  for (const auto& s : r.slices) {
    Json row{{"key", s.key},
             {"rows", s.rows},
             {"share", NumberJson(s.share)},
             {"metric", NumberJson(s.metric)},
             {"baseline", NumberJson(s.baseline)},
             {"gap", NumberJson(s.gap)},
             {"priority", NumberJson(s.priority)}};
    if (!s.error.empty()) row["error"] = s.error;
    slices.push_back(row);
  }
  return Json{{"metric", r.metric},
              {"higher_is_better", r.higher_is_better},
              {"overall", NumberJson(r.overall)},
              {"rows", r.rows},
              {"slices", slices}};
}

}  // namespace moebius::eval

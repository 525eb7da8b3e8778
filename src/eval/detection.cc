#include "eval/detection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>

namespace moebius::eval {

double BoxIou(const Box& a, const Box& b) {
  const double iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const double ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0;
  const double inter = iw * ih;
  const double uni = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return uni > 0 ? inter / uni : 0;
}

namespace {

Status CheckBox(const Box& b, const std::string& where) {
  const double v[] = {b.x1, b.y1, b.x2, b.y2};
  for (double x : v) {
    if (!std::isfinite(x)) return InvalidArgument(where + ": box coordinates must be finite");
  }
  if (b.x2 < b.x1 || b.y2 < b.y1) return InvalidArgument(where + ": box needs x1 <= x2 and y1 <= y2");
  return Status::Ok();
}

constexpr int kRecallPoints = 101;
constexpr double kSpacing1 = 2.220446049250313e-16;  // np.spacing(1)

// One class: ground truths grouped by image, detections ranked.
struct ClassData {
  std::map<int64_t, std::vector<Box>> truth;  // image -> boxes
  int64_t n_truth = 0;
  std::vector<const DetectedBox*> dets;
};

// COCO's 101-point AP at one IoU threshold.
double CocoAp(const ClassData& c, double threshold) {
  std::map<int64_t, std::vector<char>> taken;
  for (const auto& [img, boxes] : c.truth) taken[img].assign(boxes.size(), 0);
  std::vector<double> precision, recall;
  double tp = 0, fp = 0;
  for (const DetectedBox* d : c.dets) {
    int64_t match = -1;
    auto it = c.truth.find(d->image);
    if (it != c.truth.end()) {
      double best = std::min(threshold, 1 - 1e-10);
      auto& used = taken[d->image];
      for (size_t g = 0; g < it->second.size(); ++g) {
        if (used[g]) continue;
        double iou = BoxIou(d->box, it->second[g]);
        if (iou < best) continue;
        best = iou;
        match = static_cast<int64_t>(g);
      }
      if (match >= 0) used[match] = 1;
    }
    (match >= 0 ? tp : fp) += 1;
    recall.push_back(tp / static_cast<double>(c.n_truth));
    precision.push_back(tp / (fp + tp + kSpacing1));
  }
  for (size_t i = precision.size(); i-- > 1;) precision[i - 1] = std::max(precision[i - 1], precision[i]);
  std::vector<double> q(kRecallPoints, 0.0);
  const double step = 1.0 / (kRecallPoints - 1);
  for (int r = 0; r < kRecallPoints; ++r) {
    const double point = r == kRecallPoints - 1 ? 1.0 : static_cast<double>(r) * step;
    size_t pi = std::lower_bound(recall.begin(), recall.end(), point) - recall.begin();
    if (pi < precision.size()) q[r] = precision[pi];
  }
  return internal::Mean(q);
}

// PASCAL VOC 2010+ AP at IoU > 0.5.
double VocAp(const ClassData& c) {
  std::map<int64_t, std::vector<char>> taken;
  for (const auto& [img, boxes] : c.truth) taken[img].assign(boxes.size(), 0);
  std::vector<double> prec, rec;
  double tp = 0, fp = 0;
  for (const DetectedBox* d : c.dets) {
    bool hit = false;
    auto it = c.truth.find(d->image);
    if (it != c.truth.end()) {
      double best = -std::numeric_limits<double>::infinity();
      size_t arg = 0;
      for (size_t g = 0; g < it->second.size(); ++g) {
        double iou = BoxIou(d->box, it->second[g]);
        if (iou > best) {
          best = iou;
          arg = g;
        }
      }
      auto& used = taken[d->image];
      if (best > 0.5 && !used[arg]) {
        used[arg] = 1;
        hit = true;
      }
    }
    (hit ? tp : fp) += 1;
    rec.push_back(tp / static_cast<double>(c.n_truth));
    prec.push_back(tp / std::max(tp + fp, kSpacing1));
  }
  std::vector<double> mrec = {0.0}, mpre = {0.0};
  mrec.insert(mrec.end(), rec.begin(), rec.end());
  mpre.insert(mpre.end(), prec.begin(), prec.end());
  mrec.push_back(1.0);
  mpre.push_back(0.0);
  for (size_t i = mpre.size() - 1; i > 0; --i) mpre[i - 1] = std::max(mpre[i - 1], mpre[i]);
  std::vector<double> parts;
  for (size_t i = 0; i + 1 < mrec.size(); ++i) {
    if (mrec[i + 1] != mrec[i]) parts.push_back((mrec[i + 1] - mrec[i]) * mpre[i + 1]);
  }
  return internal::Sum(parts);
}

}  // namespace

Result<DetectionMetrics> DetectionMap(std::span<const GroundTruthBox> truth, std::span<const DetectedBox> detections) {
  if (truth.empty()) return InvalidArgument("detection mAP needs at least one ground-truth box");
  std::map<Label, ClassData> classes;
  for (size_t i = 0; i < truth.size(); ++i) {
    RETURN_IF_ERROR(CheckBox(truth[i].box, "ground_truth[" + std::to_string(i) + "]"));
    ClassData& c = classes[truth[i].label];
    c.truth[truth[i].image].push_back(truth[i].box);
    ++c.n_truth;
  }
  for (size_t i = 0; i < detections.size(); ++i) {
    const std::string where = "detections[" + std::to_string(i) + "]";
    RETURN_IF_ERROR(CheckBox(detections[i].box, where));
    if (!std::isfinite(detections[i].score)) return InvalidArgument(where + ": score must be finite");
    auto it = classes.find(detections[i].label);
    if (it != classes.end()) it->second.dets.push_back(&detections[i]);
  }
  DetectionMetrics m;
  m.iou_thresholds.resize(10);
  // np.linspace(.5, 0.95, 10) as pycocotools builds it.
  const double step = (0.95 - 0.5) / 9;
  for (int t = 0; t < 10; ++t) m.iou_thresholds[t] = t == 9 ? 0.95 : static_cast<double>(t) * step + 0.5;

  std::vector<double> coco, ap50, ap75, voc;
  for (auto& [label, c] : classes) {
    // Score descending; equal scores by image, then input order (pycocotools' stable sorts).
    std::stable_sort(c.dets.begin(), c.dets.end(), [](const DetectedBox* a, const DetectedBox* b) {
      if (a->score != b->score) return a->score > b->score;
      return a->image < b->image;
    });
    ClassAp ap;
    ap.label = label;
    ap.ground_truths = c.n_truth;
    ap.detections = static_cast<int64_t>(c.dets.size());
    std::vector<double> per_threshold;
    for (double t : m.iou_thresholds) per_threshold.push_back(CocoAp(c, t));
    ap.ap_coco = internal::Mean(per_threshold);
    ap.ap50 = per_threshold[0];
    ap.ap75 = per_threshold[5];
    ap.ap_voc = VocAp(c);
    coco.push_back(ap.ap_coco);
    ap50.push_back(ap.ap50);
    ap75.push_back(ap.ap75);
    voc.push_back(ap.ap_voc);
    m.per_class.push_back(ap);
  }
  m.map_coco = internal::Mean(coco);
  m.map50 = internal::Mean(ap50);
  m.map75 = internal::Mean(ap75);
  m.map_voc = internal::Mean(voc);
  return m;
}

Result<SegmentationMetrics> Segmentation(std::span<const Label> truth, std::span<const Label> pred,
                                         std::optional<Label> ignore_index) {
  RETURN_IF_ERROR(internal::CheckSameLength(truth.size(), pred.size(), "true mask", "predicted mask"));
  RETURN_IF_ERROR(internal::CheckNonEmpty(truth.size(), "true mask"));
  std::map<Label, ClassSegmentation> by_label;
  SegmentationMetrics m;
  int64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    if (ignore_index && truth[i] == *ignore_index) continue;
    ++m.pixels;
    auto& t = by_label[truth[i]];
    ++t.true_pixels;
    auto& p = by_label[pred[i]];
    ++p.pred_pixels;
    if (truth[i] == pred[i]) {
      ++t.intersection;
      ++correct;
    }
  }
  if (m.pixels == 0) return InvalidArgument("every pixel carries ignore_index; nothing to score");
  std::vector<double> ious, dices;
  for (auto& [label, c] : by_label) {
    c.label = label;
    const double inter = static_cast<double>(c.intersection);
    c.iou = inter / static_cast<double>(c.true_pixels + c.pred_pixels - c.intersection);
    c.dice = 2.0 * inter / static_cast<double>(c.true_pixels + c.pred_pixels);
    ious.push_back(c.iou);
    dices.push_back(c.dice);
    m.per_class.push_back(c);
  }
  m.mean_iou = internal::Mean(ious);
  m.mean_dice = internal::Mean(dices);
  m.pixel_accuracy = static_cast<double>(correct) / static_cast<double>(m.pixels);
  return m;
}

}  // namespace moebius::eval

// Object detection and semantic segmentation metrics (EVAL-1).
//
// Boxes are [x1, y1, x2, y2] in continuous coordinates (area = (x2 - x1) * (y2 - y1), no +1
// pixel convention), the convention of COCO's evaluator. Images and classes are integer ids.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/status.h"
#include "eval/common.h"

namespace moebius::eval {

struct Box {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
};

// Intersection over union; 0 when the union is empty (two degenerate boxes).
double BoxIou(const Box& a, const Box& b);

struct GroundTruthBox {
  int64_t image = 0;
  Label label = 0;
  Box box;
};

struct DetectedBox {
  int64_t image = 0;
  Label label = 0;
  Box box;
  double score = 0;
};

struct ClassAp {
  Label label = 0;
  int64_t ground_truths = 0;
  int64_t detections = 0;
  double ap_coco = 0;  // mean over IoU 0.50:0.05:0.95 of the 101-point interpolated AP
  double ap50 = 0;     // 101-point AP at IoU 0.5
  double ap75 = 0;     // 101-point AP at IoU 0.75
  double ap_voc = 0;   // PASCAL VOC 2010+ all-point interpolated AP at IoU > 0.5
};

struct DetectionMetrics {
  std::vector<ClassAp> per_class;  // classes with at least one ground-truth box, ascending
  double map_coco = 0;             // mAP@[.5:.95], mean of ap_coco over per_class
  double map50 = 0;
  double map75 = 0;
  double map_voc = 0;
  std::vector<double> iou_thresholds;  // the ten COCO thresholds
};

// Mean average precision over classes.
//
// COCO style (map_coco, map50, map75): per class, detections of all images ranked by score
// (stable for equal scores); each detection, at each IoU threshold t, takes the not yet
// matched ground truth of its image and class with the highest IoU ≥ t; precision is made
// monotone from the right and read at the 101 recall points 0, 0.01, …, 1 (0 where the recall
// is never reached). As pycocotools with iscrowd = 0, all areas and no limit of detections per
// image (pycocotools' maxDets = 100 cuts more only when an image has more than 100).
//
// VOC style (map_voc): IoU must exceed 0.5; a detection whose best-overlapping ground truth is
// already taken is a false positive (VOC devkit); AP is the area under the monotone precision
// envelope over all recall points (VOC 2010 onwards, not the 11-point 2007 form).
//
// Classes with detections but no ground truth are not averaged (COCO's −1); with no ground truth
// at all, kInvalidArgument. Boxes with x2 < x1 or y2 < y1, or non-finite values, are
// kInvalidArgument.
Result<DetectionMetrics> DetectionMap(std::span<const GroundTruthBox> truth, std::span<const DetectedBox> detections);

struct ClassSegmentation {
  Label label = 0;
  int64_t true_pixels = 0;
  int64_t pred_pixels = 0;
  int64_t intersection = 0;
  double iou = 0;   // intersection / union
  double dice = 0;  // 2 * intersection / (true_pixels + pred_pixels)
};

struct SegmentationMetrics {
  std::vector<ClassSegmentation> per_class;  // classes in either mask, ascending
  double mean_iou = 0;
  double mean_dice = 0;
  double pixel_accuracy = 0;
  int64_t pixels = 0;  // pixels counted (ignore_index excluded)
};

// IoU and Dice per class from label masks given as flat int arrays of equal length (several
// images are concatenated: counts are pooled over the data set, as mmsegmentation's mIoU
// does). Pixels whose true label equals ignore_index (when set) are not counted. Every class
// seen in either mask appears; a class in one mask only has IoU and Dice 0. Means are over
// per_class. kInvalidArgument for empty or unequal masks, or when every pixel is ignored.
Result<SegmentationMetrics> Segmentation(std::span<const Label> truth, std::span<const Label> pred,
                                         std::optional<Label> ignore_index = std::nullopt);

}  // namespace moebius::eval

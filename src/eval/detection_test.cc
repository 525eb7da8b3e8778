#include "eval/detection.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moebius::eval {
namespace {

TEST(DetectionTest, BoxIou) {
  EXPECT_NEAR(BoxIou({0, 0, 2, 2}, {1, 1, 3, 3}), 1.0 / 7, 1e-15);
  EXPECT_EQ(BoxIou({0, 0, 1, 1}, {1, 0, 2, 1}), 0.0);  // touching edges
  EXPECT_EQ(BoxIou({0, 0, 2, 2}, {0, 0, 2, 2}), 1.0);
  EXPECT_EQ(BoxIou({1, 1, 1, 1}, {1, 1, 1, 1}), 0.0);  // degenerate
}

TEST(DetectionTest, PerfectDetectionIsOne) {
  std::vector<GroundTruthBox> gt = {{0, 7, {0, 0, 10, 10}}};
  std::vector<DetectedBox> dt = {{0, 7, {0, 0, 10, 10}, 0.9}};
  auto m = *DetectionMap(gt, dt);
  ASSERT_EQ(m.per_class.size(), 1u);
  EXPECT_NEAR(m.map_coco, 1.0, 1e-12);
  EXPECT_NEAR(m.map_voc, 1.0, 1e-12);
}

TEST(DetectionTest, RankedHitsMissesAndInterpolation) {
  // Two ground truths; detections ranked: hit (0.9), false positive (0.8), hit (0.7).
  // Precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1; monotone envelope 1, 2/3, 2/3.
  std::vector<GroundTruthBox> gt = {{0, 1, {0, 0, 10, 10}}, {0, 1, {20, 20, 30, 30}}};
  std::vector<DetectedBox> dt = {
      {0, 1, {0, 0, 10, 10}, 0.9}, {0, 1, {50, 50, 60, 60}, 0.8}, {0, 1, {20, 20, 30, 30}, 0.7}};
  auto m = *DetectionMap(gt, dt);
  // COCO: recall points 0.00..0.50 (51 of them) read precision 1, 0.51..1.00 (50) read 2/3.
  EXPECT_NEAR(m.map50, (51 + 50 * 2.0 / 3) / 101, 1e-12);
  EXPECT_NEAR(m.map_coco, m.map50, 1e-12);  // exact boxes match at every threshold
  // VOC: 0.5 * 1 + 0.5 * 2/3.
  EXPECT_NEAR(m.map_voc, 0.5 + 1.0 / 3, 1e-12);
}

TEST(DetectionTest, DuplicatesAreFalsePositivesAndIouThresholdsCount) {
  std::vector<GroundTruthBox> gt = {{0, 1, {0, 0, 10, 10}}};
  std::vector<DetectedBox> dup = {{0, 1, {0, 0, 10, 10}, 0.9}, {0, 1, {0, 0, 10, 10}, 0.8}};
  auto m = *DetectionMap(gt, dup);
  EXPECT_NEAR(m.map_coco, 1.0, 1e-12);  // the duplicate comes after full recall
  // IoU 0.62 passes the thresholds 0.50, 0.55 and 0.60 only: 3 of 10.
  std::vector<DetectedBox> loose = {{0, 1, {0, 0, 10, 6.2}, 0.9}};
  auto l = *DetectionMap(gt, loose);
  EXPECT_NEAR(l.map_coco, 0.3, 1e-12);
  EXPECT_NEAR(l.map50, 1.0, 1e-12);
  EXPECT_NEAR(l.map75, 0.0, 1e-12);
  EXPECT_NEAR(l.map_voc, 1.0, 1e-12);
}

TEST(DetectionTest, IouExactlyAtTheThresholdMatchesForCocoNotVoc) {
  // IoU exactly 0.5: COCO matches at IoU >= t, the VOC devkit needs IoU > 0.5.
  std::vector<GroundTruthBox> gt = {{0, 1, {0, 0, 10, 10}}};
  std::vector<DetectedBox> half = {{0, 1, {0, 0, 10, 5}, 0.9}};
  auto m = *DetectionMap(gt, half);
  EXPECT_NEAR(m.map50, 1.0, 1e-12);
  EXPECT_NEAR(m.map_coco, 0.1, 1e-12);
  EXPECT_EQ(m.map_voc, 0.0);
}

TEST(DetectionTest, ClassesWithoutTruthAreNotAveraged) {
  std::vector<GroundTruthBox> gt = {{0, 1, {0, 0, 10, 10}}, {1, 2, {0, 0, 10, 10}}};
  std::vector<DetectedBox> dt = {{0, 1, {0, 0, 10, 10}, 0.9}, {0, 3, {0, 0, 5, 5}, 0.9}};
  auto m = *DetectionMap(gt, dt);
  ASSERT_EQ(m.per_class.size(), 2u);
  EXPECT_NEAR(m.map_coco, 0.5, 1e-12);  // class 1: 1, class 2 (no detection): 0; class 3 ignored
  // Detection on the wrong image does not match.
  std::vector<DetectedBox> wrong = {{5, 1, {0, 0, 10, 10}, 0.9}};
  EXPECT_NEAR(DetectionMap(std::vector<GroundTruthBox>{gt[0]}, wrong)->map_voc, 0.0, 1e-12);
}

TEST(DetectionTest, BadBoxes) {
  std::vector<GroundTruthBox> gt = {{0, 1, {0, 0, 10, 10}}};
  EXPECT_FALSE(DetectionMap({}, {}).ok());
  EXPECT_FALSE(DetectionMap(std::vector<GroundTruthBox>{{0, 1, {5, 0, 1, 10}}}, {}).ok());
  auto nan = DetectionMap(gt, std::vector<DetectedBox>{{0, 1, {0, 0, 10, 10}, NAN}});
  ASSERT_FALSE(nan.ok());
  EXPECT_NE(nan.status().message().find("detections[0]"), std::string::npos);
}

TEST(SegmentationTest, IouAndDicePerClass) {
  // class 0: intersection 1, true 2, pred 1 -> IoU 1/2, Dice 2/3
  // class 1: intersection 2, true 2, pred 3 -> IoU 2/3, Dice 4/5
  std::vector<Label> t = {0, 0, 1, 1, 9}, p = {0, 1, 1, 1, 0};
  auto m = *Segmentation(t, p, 9);
  ASSERT_EQ(m.per_class.size(), 2u);
  EXPECT_NEAR(m.per_class[0].iou, 0.5, 1e-15);
  EXPECT_NEAR(m.per_class[0].dice, 2.0 / 3, 1e-15);
  EXPECT_NEAR(m.per_class[1].iou, 2.0 / 3, 1e-15);
  EXPECT_NEAR(m.per_class[1].dice, 0.8, 1e-15);
  EXPECT_NEAR(m.mean_iou, (0.5 + 2.0 / 3) / 2, 1e-15);
  EXPECT_NEAR(m.pixel_accuracy, 0.75, 1e-15);
  EXPECT_EQ(m.pixels, 4);
  EXPECT_FALSE(Segmentation(t, std::vector<Label>{0}).ok());
  EXPECT_FALSE(Segmentation(std::vector<Label>{9}, std::vector<Label>{9}, 9).ok());
}

}  // namespace
}  // namespace moebius::eval

// JSON renderings of every evaluation result, for the API and the reports. Field names are the
// struct member names in snake_case; NaN (a metric that is undefined, e.g. R² of one sample)
// becomes null, since JSON has no NaN.
#pragma once

#include "base/json.h"
#include "eval/classification.h"
#include "eval/curves.h"
#include "eval/detection.h"
#include "eval/ranking.h"
#include "eval/regression.h"
#include "eval/slices.h"
#include "eval/text.h"

namespace moebius::eval {

Json NumberJson(double v);  // null for NaN or infinity
Json ToJson(const Prf& p);
Json ToJson(const ClassificationReport& r);
Json ToJson(const ConfusionMatrix& m);  // {"labels": [...], "matrix": [[...], ...]}
Json ToJson(const RocCurve& c);
Json ToJson(const PrCurve& c);
Json ToJson(const CalibrationCurve& c);
Json ToJson(const RegressionMetrics& m);
Json ToJson(const RankingSummary& s);
Json ToJson(const DetectionMetrics& m);
Json ToJson(const SegmentationMetrics& m);
Json ToJson(const Entity& e);
Json ToJson(const NerMetrics& m);
Json ToJson(const QaMetrics& m);
Json ToJson(const SliceReport& r);

}  // namespace moebius::eval

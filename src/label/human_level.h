// The human-level performance (EVAL-4) an evaluation shows as its baseline: the agreement of the
// labelers of the latest finished labeling project over the data a run used.
#pragma once

#include <optional>
#include <string>

#include "base/json.h"
#include "base/status.h"
#include "label/label_store.h"

namespace moebius::label {

// The labeling project of `project_id` over `dataset` whose labeled version is the newest at or
// before `version` (a split of a labeled version has a higher number), and its agreement as a
// baseline: {"metrics": {name: value}, "labeling_project", "labeled_version", "items_compared",
// "labelers"}. Metric names are the evaluations': "accuracy" (classes), "f1" (objects at IoU 0.5,
// entity spans), "exact_match" and "f1" (QA answers). nullopt when no such project compared two
// labelers on an item.
Result<std::optional<Json>> HumanLevel(LabelStore& store, int64_t project_id, const std::string& dataset, int64_t version);

}  // namespace moebius::label

// The data behind a study's plots (GET /api/v1/studies/{id}/plots): optimization history,
// parameter importance, parallel coordinates, slice and contour for a chosen pair of parameters.
// Computed from the persisted trials, so it works for any study, running or ended.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "hpo/study_types.h"

namespace moebius::hpo {

// x and y name the contour's parameters ("" = the two most important, else the first two).
// kInvalidArgument when x or y is not a parameter of the space, or both are the same.
//
// {"params": [{name, type, low, high, log, choices}],
//  "history": [{number, value, best}]            complete trials in number order,
//  "importance": [{name, importance}] | null, "importance_error": "...",
//  "parallel": {"dimensions": [names..., objective], "rows": [{number, values: [...]}]}
//              (categoricals as their choice index, null when inactive),
//  "slice": {name: [{number, x, value}]},
//  "contour": {x, y, x_log, y_log, x_grid: [...], y_grid: [...], z: [[...]] (rows over y; 24
//              cells per numeric axis, one per choice index on a categorical one),
//              points: [{number, x, y, value}]} | null}
Result<Json> StudyPlots(const StudyRecord& study, const std::vector<TrialRecord>& trials, const std::string& x, const std::string& y);

}  // namespace moebius::hpo

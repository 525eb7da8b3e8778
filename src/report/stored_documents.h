// The run artifacts the platform reads back as documents, and their schemas:
//
//   evaluations/<name>.json  written by POST /runs/{run}/evaluations (eval/evaluate.h and
//                            eval/evaluate_detail.h); read by the evaluation page, the report
//                            (HTML, PDF), confirmation and the previous-model baseline;
//   explanations.json        written by the built-in trainers through the artifact API
//                            (train/explain.h; the text trainer's own shape); read by the report.
//
// Both paths are also writable by anyone with experiment.write through the artifact API, so a
// document is checked against its schema when it is written there (CheckReservedArtifact) and
// again when it is read (documents stored before the check, or by other means): one malformed
// document must not break the pages of everyone who reads the run (docs/design/report.md,
// "Stored documents").
//
// The schemas check every field a reader relies on, with its type; other fields are allowed, so
// a later version's documents still read. Numbers may be null (non-finite values are stored as
// null).
#pragma once

#include <string>
#include <string_view>

#include "base/json.h"
#include "base/status.h"

namespace moebius::report {

// kInvalidArgument naming the first field that breaks the schema ("field 'roc.fpr' must be a
// list, got string"); OK otherwise.
Status CheckEvaluationDocument(const Json& doc);
Status CheckExplanationsDocument(const Json& doc);

// evaluations/<name>.json (one level, .json) and explanations.json at the artifact root.
bool IsEvaluationPath(std::string_view path);
bool IsExplanationsPath(std::string_view path);

// For the artifact write route: OK for any other path; for a reserved one, kInvalidArgument
// unless `bytes` is JSON of the path's schema ("evaluations/eval.json must be an evaluation
// document: field 'slices' must be a list, got number").
Status CheckReservedArtifact(std::string_view path, std::string_view bytes);

}  // namespace moebius::report

// The experiment report (모델 실험 결과서, seed 000 평가 및 확정 stage): one JSON document that the
// HTML and PDF renderers draw (report_html.h, report_pdf.h), assembled from what the platform
// holds about one run. BuildReportModel is pure: report_service gathers the inputs.
//
// The model's fields (every one present; empty lists / null when the platform has nothing):
//   lang, title, generated_at,
//   project {name, display_name, description}, experiment, run {id, name, status, user, start, end},
//   task {name, domain, problem_type, primary_metric, metrics, acceptance_criteria, description} | null,
//   criteria {passed, clauses [{text, passed, actual}], missing} | null,
//   data [{kind, ref, detail}]            run inputs (dataset versions),
//   code [{key, value}]                   code snapshot / git / environment tags,
//   params [{key, value}], metrics [{key, value}],
//   evaluation  the stored evaluation (evaluate.h + evaluate_detail.h) | null,
//   baselines {simple: {model, metrics} | null, previous: {run_id, run_name, metrics} | null,
//              human: null, human_note: why},
//   explanations [{title, items: [{name, value}]}] (top 15 per list; empty = section omitted),
//   confirmation [{id, task, created_by, created_at}].
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "tracking/tracking_types.h"

namespace moebius::report {

struct ReportInputs {
  std::string lang = "ko";  // "ko" | "en"
  Json project = Json::object();
  std::string experiment;
  tracking::Run run;
  std::optional<Json> task;
  std::optional<Json> criteria;      // {passed, clauses, missing}
  std::optional<Json> evaluation;    // stored evaluation artifact
  std::optional<Json> previous;      // {run_id, run_name, metrics}
  std::optional<Json> explanations;  // explanations.json
  Json packages = Json::array();
  int64_t generated_at = 0;
};

Json BuildReportModel(const ReportInputs& in);

// Run tags that describe code and environment (shown in the report and kept in packages):
// moebius.code*, moebius.environment*, mlflow.source.*, mlflow.gitRepoURL, git_commit.
bool IsCodeTag(const std::string& key);

// The report's fixed text in the requested language ("ko" default, "en").
const char* ReportText(const std::string& lang, const std::string& key);

}  // namespace moebius::report

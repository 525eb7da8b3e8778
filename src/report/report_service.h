// Reports and confirmation of runs (EVAL-2/3/4, EVAL-6), over tracking, projects and the blob
// store:
//
// - Evaluation(): a run's stored evaluation (evaluations/<name>.json, written by
//   POST /runs/{run}/evaluations) with its baselines: the simple model kept in it, the previous
//   model — `baseline_run` when given, else the latest run of the same experiment that started
//   earlier and has an evaluation of the same name with the same metric names — and human-level
//   performance, which needs labeler agreement (labeling is not built: always null with a note).
//   A stored evaluation or explanations document that breaks its schema (stored_documents.h)
//   is kFailedPrecondition naming the field, for the page, the report and confirmation alike;
//   another run's malformed evaluation is skipped as a previous-model candidate.
// - Inputs(): everything BuildReportModel needs.
// - TaskOf(): a run's task: `explicit_task` when given, else the run's tag `moebius.task`, else
//   its experiment's tag `moebius.task`, else the project's only task; nullopt when none applies.
//   Experiments do not carry a task link of their own.
// - Confirm(): checks the run's latest metrics against the task's acceptance criteria; when they
//   pass, writes manifest.json to the blob store and the immutable package record. Failing
//   criteria return ConfirmOutcome{passed = false} and create nothing.
//
// The manifest (schema "moebius.confirmed-package/1"):
//   {schema, package_id, project, run {id, name, experiment_id, experiment, status},
//    task {name, domain, problem_type, primary_metric, acceptance_criteria}, criteria_result,
//    confirmed_by, confirmed_at,
//    artifacts [{path, size, sha256, role: model|transform|signature|evaluation|explanations|other}],
//    evaluation {artifact, metrics} | null, data_lineage [{kind, ref, detail}],
//    code [{key, value}] (code snapshot / git tags), environment (tag value) | null,
//    params {k: v}, metrics {k: v}}
// The archive (Archive()) is a tar of manifest.json and artifacts/<path> for every artifact,
// byte for byte, so each sha256 in the manifest can be checked against the file.
//
// Thread-safety: thread-safe (the services it uses are).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "data/manifest.h"
#include "label/label_store.h"
#include "project/project_service.h"
#include "report/package_store.h"
#include "report/report_model.h"
#include "store/blob/blob_store.h"
#include "tracking/tracking_store.h"

namespace moebius::report {

struct ConfirmOutcome {
  bool passed = false;
  Json criteria;  // {passed, clauses, missing, criteria, task}
  std::optional<ConfirmedPackage> package;
  Json manifest;
};

class ReportService {
 public:
  ReportService(tracking::TrackingStore& tracking, project::ProjectService& projects, store::BlobStore& blobs, store::Database& db,
                const Clock& clock)
      : tracking_(tracking), projects_(projects), blobs_(blobs), packages_(db), labels_(db, clock), clock_(clock) {}

  PackageStore& packages() { return packages_; }

  Result<std::optional<project::Task>> TaskOf(const tracking::Run& run, int64_t project_id, const std::string& explicit_task);
  // {passed, clauses, missing, criteria, task}; kFailedPrecondition when the task has no criteria.
  Result<Json> CheckCriteria(const tracking::Run& run, const project::Task& task);
  // name: evaluation name, empty = "eval" when present, else the first stored one. nullopt when
  // the run has no evaluation.
  Result<std::optional<Json>> Evaluation(const tracking::Run& run, int64_t project_id, const std::string& name,
                                         const std::string& baseline_run);
  Result<ReportInputs> Inputs(const std::string& run_id, int64_t project_id, const std::string& lang, const std::string& task,
                              const std::string& baseline_run);
  Result<ConfirmOutcome> Confirm(const std::string& run_id, int64_t project_id, const std::string& task, const std::string& user);
  // Manifest entries (manifest.json + artifacts/...) for data::TarStream.
  Result<std::vector<data::ManifestEntry>> ArchiveEntries(const ConfirmedPackage& p);
  Result<Json> Manifest(const ConfirmedPackage& p);

 private:
  Result<std::vector<tracking::ArtifactEntry>> AllFiles(const std::string& run_id);
  // An evaluation (evaluations/<name>.json) or explanations.json of a run, checked against its
  // schema (stored_documents.h): nullopt when absent, kFailedPrecondition "this evaluation (...)
  // is malformed: field ..." when it is not JSON or breaks the schema.
  Result<std::optional<Json>> LoadDocument(const std::string& run_id, const std::string& path);

  tracking::TrackingStore& tracking_;
  project::ProjectService& projects_;
  store::BlobStore& blobs_;
  PackageStore packages_;
  label::LabelStore labels_;  // the labelers' agreement: the human-level baseline (EVAL-4)
  const Clock& clock_;
};

}  // namespace moebius::report

// The registry's records (REG-1 to REG-3; docs/design/registry.md): registered models, their
// versions with files, signature and lineage, aliases, and the history of stage changes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::registry {

// A version's stage (REG-2). MLflow spells them None, Staging, Production, Archived.
enum class Stage { kDevelopment, kStaging, kProduction, kArchived };

const char* StageName(Stage s);        // development, staging, production, archived
const char* MlflowStageName(Stage s);  // None, Staging, Production, Archived
// Either spelling, case-insensitive ("none" is development); kInvalidArgument otherwise.
Result<Stage> ParseStage(std::string_view text);

using Tags = std::vector<std::pair<std::string, std::string>>;

struct RegisteredModel {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;  // unique in the server, as in MLflow
  std::string description;
  std::string created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  Tags tags;
  std::vector<std::pair<std::string, int64_t>> aliases;  // alias → version number
};

// One file of a version, by content: the bytes are the blob `sha256` of the blob store.
struct ModelFile {
  std::string path;  // relative to the version's root, '/'-separated
  std::string sha256;
  int64_t size = 0;
  std::string role;  // model | transform | signature | mlmodel | other
};

struct ModelVersion {
  int64_t id = 0;
  int64_t model_id = 0;
  std::string model_name;
  int64_t project_id = 0;
  int64_t version = 0;  // 1, 2, ... per model
  // Where the files came from: "runs:/<run>/<path>" or "package:<id>".
  std::string source;
  std::string run_id;      // empty when none
  int64_t package_id = 0;  // 0 when not from a confirmed package
  std::string format;      // xgboost | torchscript | onnx
  std::string flavor;      // moebius (our trainers' layout) | mlflow (an MLmodel directory)
  std::string model_file;  // the path of the model file among `files`
  std::vector<ModelFile> files;
  // sha256 over "path\0sha256\n" of every file in path order: the version's identity.
  std::string content_sha256;
  // {"inputs": [{name, datatype, shape}], "outputs": [...], "source": where it was read from}.
  Json signature;
  // {run, experiment, data_versions, code, environment, evaluation, package}.
  Json lineage;
  Stage stage = Stage::kDevelopment;
  std::string status = "READY";  // MLflow's ModelVersionStatus
  std::string description;
  std::string created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  Tags tags;
  std::vector<std::string> aliases;
  // Retirement (REG-6): 0 while the version is live; a retired version is archived and can no
  // longer change stage, be requested for production, exported or deployed.
  int64_t retired_at = 0;
  int64_t retire_request = 0;  // the approved request that retired it
  std::string retired_by;      // the approver whose approval applied it
  std::string retire_reason;
  int64_t keep_files_until = 0;  // the project's retention: the files are kept at least until then
};

// A project's retirement policy (REG-6): which versions are candidates. 0 turns a rule off.
struct RetirementPolicy {
  int64_t max_age_days = 0;    // registered more than N days ago
  int64_t superseded_by = 0;   // N or more newer versions of the same model
  int64_t retention_days = 90;  // how long a retired version's files are kept
};

// One stage change of a version (REG-2 history): who moved it, when and why.
struct StageChange {
  int64_t id = 0;
  int64_t version_id = 0;
  Stage from = Stage::kDevelopment;
  Stage to = Stage::kDevelopment;
  std::string by;
  std::string reason;
  int64_t at = 0;
  // The version that was promoted when this one was archived by archive_existing_versions (its
  // id, and its number while it exists); 0 otherwise.
  int64_t archived_for = 0;
  int64_t archived_for_version = 0;
};

// A request for a version to enter a stage that needs approval (REG-5: production), reviewed by
// holders of model.approve other than the requester.
enum class RequestState { kPending, kApproved, kRejected, kCancelled };
const char* RequestStateName(RequestState s);  // pending, approved, rejected, cancelled
Result<RequestState> ParseRequestState(std::string_view text);

struct ApprovalEvent {
  std::string actor;
  std::string action;  // request | approve | reject | cancel | comment | applied
  std::string comment;
  int64_t at = 0;
};

struct ApprovalRequest {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string kind = "stage";  // stage (a move to production) | retire; deployments come with serving
  int64_t model_id = 0;
  std::string model_name;
  int64_t version_id = 0;
  int64_t version = 0;
  Stage target = Stage::kProduction;
  bool archive_existing = false;
  std::string reason;
  RequestState state = RequestState::kPending;
  int64_t required_approvals = 1;
  int64_t approvals = 0;
  std::string requested_by;
  int64_t created_at = 0;
  int64_t decided_at = 0;  // 0 while pending
  std::vector<ApprovalEvent> events;
};

}  // namespace moebius::registry

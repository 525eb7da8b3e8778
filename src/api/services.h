// The domain services the HTTP handlers use, wired by src/app.
#pragma once

#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace moebius {
namespace store {
class Database;
class BlobStore;
}  // namespace store
namespace auth {
class AuthService;
class AuditLog;
struct User;
}  // namespace auth
namespace project {
class ProjectService;
}
namespace tracking {
class TrackingStore;
}
namespace jobs {
class JobStore;
}
namespace hpo {
class StudyStore;
class StudyDriver;
}  // namespace hpo
namespace pipeline {
class PipelineStore;
class PipelineScheduler;
}
namespace data {
class DataStore;
class UploadStore;
class SqlSources;
}
namespace envcode {
class EnvironmentStore;
class CodeStore;
}
namespace orchestration {
class JobService;
}
namespace registry {
class RegistryService;
class Approvals;
}
namespace triton {
class RepositoryService;
}
namespace serving {
class ServingService;
class AsyncInference;
}
namespace label {
class LabelService;
}

namespace api {

class MetricsRegistry;
class Router;

struct ServerLimits {
  size_t max_body_bytes = 64 << 20;
  size_t max_artifact_bytes = 1LL << 30;
};

struct Services {
  store::Database& db;
  store::BlobStore& blobs;
  auth::AuthService& auth;
  auth::AuditLog& audit;
  project::ProjectService& projects;
  tracking::TrackingStore& tracking;
  MetricsRegistry& metrics;
  const Clock& clock;
  ServerLimits limits;
  data::DataStore& data;
  data::UploadStore& uploads;
  data::SqlSources& sql_sources;  // SQL sources (DATA-1): connections and queries
  jobs::JobStore& jobs;           // the durable job queue (EXP-9): reads, cancels, the worker protocol
  orchestration::JobService& job_service;   // every job submission goes through it
  envcode::EnvironmentStore& environments;  // development and inference environments (PRJ-6)
  envcode::CodeStore& code;                 // code snapshots (PRJ-7, EXP-2)
  pipeline::PipelineStore& pipelines;             // components and pipelines (EXP-3)
  pipeline::PipelineScheduler& pipeline_runs;     // pipeline runs and their steps
  registry::RegistryService& registry;            // registered models and versions (REG-1 to REG-3)
  registry::Approvals& approvals;                 // approval requests (REG-5)
  triton::RepositoryService& repositories;        // Triton repositories: export, import (INF-4, INF-5)
  serving::ServingService& serving;               // deployments and inference (INF-6, INF-8, SRV-1)
  serving::AsyncInference& async_inference;       // asynchronous inference (SRV-2)
};

// Project ids the user may see: every project for admins, their memberships otherwise.
Result<std::vector<int64_t>> VisibleProjects(Services& s, const auth::User& user);

void RegisterAuthRoutes(Router& router, Services& s);
void RegisterProjectRoutes(Router& router, Services& s);
void RegisterTrackingRoutes(Router& router, Services& s);
void RegisterMlflowRoutes(Router& router, Services& s);
void RegisterArtifactRoutes(Router& router, Services& s);
void RegisterDataRoutes(Router& router, Services& s);
void RegisterJobRoutes(Router& router, Services& s);
void RegisterEvaluationRoutes(Router& router, Services& s);
void RegisterEnvironmentRoutes(Router& router, Services& s);
void RegisterCodeRoutes(Router& router, Services& s);
void RegisterStudyRoutes(Router& router, Services& s, hpo::StudyStore& store, hpo::StudyDriver& driver);
void RegisterReportRoutes(Router& router, Services& s);
void RegisterPipelineRoutes(Router& router, Services& s);
void RegisterRegistryRoutes(Router& router, Services& s);
void RegisterMlflowRegistryRoutes(Router& router, Services& s);
void RegisterApprovalRoutes(Router& router, Services& s);
void RegisterTritonRoutes(Router& router, Services& s);
void RegisterServingRoutes(Router& router, Services& s);
void RegisterLabelRoutes(Router& router, Services& s, label::LabelService& labeling);

}  // namespace api
}  // namespace moebius

// JSON of registry records, in MLflow's shape (/api/2.0/mlflow/registered-models, model-versions)
// and in the native one (/api/v1/models), and the resolvers that find a model's project.
#pragma once

#include <string>

#include "api/router.h"
#include "api/services.h"
#include "registry/registry_types.h"

namespace moebius::api {

// MLflow's ModelVersion: version as a string, current_stage None|Staging|Production|Archived.
Json MlflowVersionJson(const registry::ModelVersion& v);
// MLflow's RegisteredModel with latest_versions (the newest version of each stage), tags, aliases.
Result<Json> MlflowModelJson(Services& s, const registry::RegisteredModel& m);

// The native views: everything the registry keeps (files, signature, lineage, stage names).
Json VersionJson(const registry::ModelVersion& v);
Json ModelJson(const registry::RegisteredModel& m);
Json StageChangeJson(const registry::StageChange& c);

// The project of the model named by `field` in the query string or body (MLflow routes).
ProjectResolver ModelFromField(Services& s, const char* field = "name");
// The project of the {model} path parameter (native routes).
ProjectResolver ModelFromPath(Services& s);
// A version number given as 3, "3" or "v3"; kInvalidArgument otherwise.
Result<int64_t> VersionNumber(const Json& value, const char* field = "version");

}  // namespace moebius::api

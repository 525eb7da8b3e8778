// How jobs use environments and code snapshots (docs/design/envcode.md): `payload.environment` (a name in
// the job's project) and `payload.code` (a snapshot id or unique prefix) are checked when a job is
// submitted, and what they resolve to is pinned in the payload, so a retried or delayed job runs
// with what was checked:
//   payload.environment_revision  the environment's latest revision unless the submitter gave one
//   payload.code                  the snapshot's full id
// The job's resources default to the environment's (fields of the request's `resources` override
// them). Bad references are kInvalidArgument/kNotFound before anything is queued.
#pragma once

#include "api/router.h"
#include "api/services.h"
#include "envcode/environment_types.h"
#include "jobs/job_types.h"

namespace moebius::api {

// Resolves and pins payload.environment and payload.code of `spec` (spec.project_id set).
Status ApplyJobEnvironmentAndCode(Services& s, jobs::JobSpec& spec);
// The environment revision a job pinned (deleted environments included).
Result<envcode::Environment> PinnedEnvironment(Services& s, const jobs::Job& j);
// {job} path parameter → the job's project; and the job itself.
ProjectResolver JobProjectFromPath(Services& s);
Result<jobs::Job> JobOfPath(Services& s, RouteContext& ctx);

}  // namespace moebius::api

// Project resolvers: how a route finds the project(s) its request addresses, for authorization.
#pragma once

#include "api/router.h"
#include "api/services.h"
#include "data/data_types.h"
#include "jobs/job_types.h"

namespace moebius::api {

// {project} path parameter (a project name).
ProjectResolver ProjectFromPath(Services& s);
// {experiment} path parameter (an experiment id).
ProjectResolver ExperimentFromPath(Services& s);
// {run} path parameter (a run id).
ProjectResolver RunFromPath(Services& s);
// MLflow style: `experiment_id` from the query string or JSON body.
ProjectResolver ExperimentFromField(Services& s, const char* field = "experiment_id");
// MLflow style: `run_id` (or legacy `run_uuid`) from the query string or JSON body.
ProjectResolver RunFromField(Services& s);
// `experiment_ids` array in the JSON body (searches that span experiments).
ProjectResolver ExperimentsFromBodyArray(Services& s);
// `run_ids` array in the JSON body.
ProjectResolver RunsFromBodyArray(Services& s);

// {job} path parameter (a job id).
ProjectResolver JobProjectFromPath(Services& s);
// The job of the {job} path parameter.
Result<jobs::Job> JobOfPath(Services& s, RouteContext& ctx);

// A read of a dataset marked sensitive (DATA-11) is written to the audit log before anything is
// read; a read that cannot be recorded fails (kUnavailable, 503) and returns nothing. Other
// datasets: Ok, nothing written.
Status AuditSensitiveRead(Services& s, RouteContext& ctx, const data::Dataset& d);

Result<int64_t> ParseExperimentId(const std::string& text);
Result<int64_t> ProjectOfExperiment(Services& s, int64_t experiment_id);
Result<int64_t> ProjectOfRun(Services& s, const std::string& run_id);

}  // namespace moebius::api

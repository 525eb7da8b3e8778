// JSON renderings of domain objects, shared by the native and MLflow-compatible handlers.
// Field names follow MLflow's protos where an MLflow counterpart exists.
#pragma once

#include "auth/auth_service.h"
#include "base/json.h"
#include "project/project_service.h"
#include "tracking/tracking_types.h"

namespace moebius::api {

Json UserJson(const auth::User& u);
Json ProjectJson(const project::Project& p);
Json TaskJson(const project::Task& t, const std::string& project_name);
Json ExperimentJson(const tracking::Experiment& e);
Json RunInfoJson(const tracking::RunInfo& i);
Json RunJson(const tracking::Run& r);
Json MetricJson(const tracking::MetricPoint& m);
// Doubles as MLflow writes them: numbers, or "NaN"/"Infinity"/"-Infinity".
Json DoubleJson(double v);

}  // namespace moebius::api

// Evaluation of a run's predictions (EVAL-1): metrics computed in C++ (src/eval), logged on the
// run as metrics and kept whole as an artifact, so a run page and the MLflow API both see them.
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "eval/evaluate.h"
#include "eval/evaluate_detail.h"
#include "store/blob/blob_store.h"
#include "tracking/tracking_store.h"

namespace moebius::api {

using auth::Permission;

void RegisterEvaluationRoutes(Router& r, Services& s) {
  // Body: an evaluation request (src/eval/evaluate.h) plus "name" (default "eval"), the prefix of
  // the logged metric keys and of the artifact evaluations/<name>.json.
  r.Add("POST", "/api/v1/runs/{run}/evaluations", Permission::kExperimentWrite, RunFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(auto name_opt, OptString(*body, "name"));
    std::string name = name_opt.value_or("eval");
    if (name.empty() || name.size() > 64 || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
      return InvalidArgument("name must be 1 to 64 letters, digits, '_' or '-'");
    ASSIGN_OR_RETURN(Json result, eval::EvaluateJson(*body));
    // Calibration, residuals, slices and the simple-model baseline (evaluate_detail.h), kept in
    // the stored evaluation for the evaluation page and the report.
    ASSIGN_OR_RETURN(Json detail, eval::EvaluationDetail(*body, result));
    for (auto it = detail.begin(); it != detail.end(); ++it) result[it.key()] = *it;
    const std::string run_id = ctx.Param("run");
    int64_t now = s.clock.NowMillis();
    std::vector<tracking::MetricPoint> points;
    for (auto it = result["metrics"].begin(); it != result["metrics"].end(); ++it)
      if (it->is_number()) points.push_back({name + "_" + it.key(), it->get<double>(), now, 0});
    RETURN_IF_ERROR(s.tracking.LogBatch(run_id, points, {}, {}));
    result["name"] = name;
    ASSIGN_OR_RETURN(store::BlobInfo blob, s.blobs.Put(result.dump()));
    std::string artifact = "evaluations/" + name + ".json";
    RETURN_IF_ERROR(s.tracking.PutArtifact(run_id, artifact, blob));
    result["artifact"] = artifact;
    return JsonResponse(Json{{"evaluation", result}});
  });
}

}  // namespace moebius::api

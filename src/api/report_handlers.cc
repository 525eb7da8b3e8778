// The experiment report (모델 실험 결과서) and confirmation (EVAL-6): a run's evaluation with its
// baselines, the report as HTML or PDF, the acceptance-criteria check, confirmation into an
// immutable package, and package listing, manifest and archive. src/report does the work.
#include <memory>

#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "data/archive_ingest.h"
#include "project/project_service.h"
#include "report/report_render.h"
#include "report/report_service.h"
#include "tracking/tracking_store.h"

namespace moebius::api {

using auth::Permission;

namespace {

Result<int64_t> PackageId(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return InvalidArgument("package id must be a number, got '" + text.substr(0, 40) + "'");
  return std::stoll(text);
}

ProjectResolver PackageFromPath(Services& s, std::shared_ptr<report::ReportService> svc) {
  return [&s, svc](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    (void)s;
    ASSIGN_OR_RETURN(int64_t id, PackageId(ctx.Param("package")));
    ASSIGN_OR_RETURN(report::ConfirmedPackage p, svc->packages().Get(id));
    return std::vector<int64_t>{p.project_id};
  };
}

std::string Query(RouteContext& ctx, const char* key) { return ctx.req.Query(key).value_or(""); }

}  // namespace

void RegisterReportRoutes(Router& r, Services& s) {
  auto svc = std::make_shared<report::ReportService>(s.tracking, s.projects, s.blobs, s.db, s.clock);

  // The stored evaluation with baselines (simple, previous, human-level); null when none.
  r.Add("GET", "/api/v1/runs/{run}/evaluation", Permission::kProjectRead, RunFromPath(s), [&s, svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(tracking::Run run, s.tracking.GetRun(ctx.Param("run")));
    ASSIGN_OR_RETURN(auto ev, svc->Evaluation(run, ctx.project_ids.at(0), Query(ctx, "name"), Query(ctx, "baseline_run")));
    return JsonResponse(Json{{"evaluation", ev ? *ev : Json(nullptr)}});
  });

  // The run's task, its acceptance-criteria check, the project's tasks and the run's packages.
  r.Add("GET", "/api/v1/runs/{run}/criteria", Permission::kProjectRead, RunFromPath(s), [&s, svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(tracking::Run run, s.tracking.GetRun(ctx.Param("run")));
    int64_t project = ctx.project_ids.at(0);
    ASSIGN_OR_RETURN(auto task, svc->TaskOf(run, project, Query(ctx, "task")));
    Json out{{"task", task ? Json(task->name) : Json(nullptr)}, {"check", nullptr}};
    if (task && !task->acceptance_criteria.empty()) {
      ASSIGN_OR_RETURN(Json check, svc->CheckCriteria(run, *task));
      out["check"] = check;
    }
    ASSIGN_OR_RETURN(auto tasks, s.projects.ListTasks(project));
    Json names = Json::array();
    for (const auto& t : tasks) names.push_back({{"name", t.name}, {"acceptance_criteria", t.acceptance_criteria}});
    out["tasks"] = names;
    ASSIGN_OR_RETURN(auto pkgs, svc->packages().ListForRun(run.info.run_id));
    Json ps = Json::array();
    for (const auto& p : pkgs) ps.push_back(report::PackageJson(p));
    out["packages"] = ps;
    return JsonResponse(out);
  });

  // 모델 실험 결과서: ?format=html|pdf (default html), lang=ko|en (default ko), task, baseline_run.
  r.Add("GET", "/api/v1/runs/{run}/report", Permission::kProjectRead, RunFromPath(s), [svc](RouteContext& ctx) -> Result<HttpResponse> {
    std::string format = ctx.req.Query("format").value_or("html");
    std::string lang = ctx.req.Query("lang").value_or("ko");
    if (format != "html" && format != "pdf") return InvalidArgument("format must be 'html' or 'pdf'");
    if (lang != "ko" && lang != "en") return InvalidArgument("lang must be 'ko' or 'en'");
    std::shared_ptr<const report::TrueTypeFont> font;
    if (format == "pdf") {
      ASSIGN_OR_RETURN(font, report::ReportFont());  // 503 "font not installed" before any work
    }
    ASSIGN_OR_RETURN(report::ReportInputs in,
                     svc->Inputs(ctx.Param("run"), ctx.project_ids.at(0), lang, Query(ctx, "task"), Query(ctx, "baseline_run")));
    Json model = report::BuildReportModel(in);
    HttpResponse resp;
    std::string file = "report-" + ctx.Param("run").substr(0, 32) + "-" + lang;
    if (format == "html") {
      resp.content_type = "text/html; charset=utf-8";
      resp.body = report::RenderHtml(model);
      file += ".html";
      resp.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    } else {
      ASSIGN_OR_RETURN(resp.body, report::RenderPdf(model, *font));
      resp.content_type = "application/pdf";
      file += ".pdf";
    }
    resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
    if (ctx.req.Query("download").value_or("") == "1")
      resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + "\"");
    return resp;
  });

  // Confirmation (확정): 409 CRITERIA_NOT_MET with the clause report when the criteria fail (no
  // package); 409 ALREADY_EXISTS when the run is already confirmed for the task; else the package.
  r.Add("POST", "/api/v1/runs/{run}/confirm", Permission::kModelConfirm, RunFromPath(s), [svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(auto task, OptString(*body, "task"));
    auto confirmed = svc->Confirm(ctx.Param("run"), ctx.project_ids.at(0), task.value_or(""), ctx.user().username);
    if (!confirmed.ok() && confirmed.status().code() == StatusCode::kAlreadyExists)
      return Conflict(confirmed.status().message()).WithReason("ALREADY_CONFIRMED");
    if (!confirmed.ok()) return confirmed.status();
    report::ConfirmOutcome out = std::move(confirmed).value();
    if (!out.passed)
      return Conflict("run does not meet the acceptance criteria of task '" + out.criteria["task"].get<std::string>() + "': " +
                      out.criteria["criteria"].get<std::string>())
          .WithReason("CRITERIA_NOT_MET", Json{{"criteria", out.criteria}}.dump());
    Json pkg = report::PackageJson(*out.package);
    pkg["manifest"] = out.manifest;
    return JsonResponse(Json{{"package", pkg}});
  });

  r.Add("GET", "/api/v1/projects/{project}/packages", Permission::kProjectRead, ProjectFromPath(s), [svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto pkgs, svc->packages().ListForProject(ctx.project_ids.at(0)));
    Json out = Json::array();
    for (const auto& p : pkgs) out.push_back(report::PackageJson(p));
    return JsonResponse(Json{{"packages", out}});
  });

  r.Add("GET", "/api/v1/packages/{package}", Permission::kProjectRead, PackageFromPath(s, svc), [svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, PackageId(ctx.Param("package")));
    ASSIGN_OR_RETURN(report::ConfirmedPackage p, svc->packages().Get(id));
    Json pkg = report::PackageJson(p);
    ASSIGN_OR_RETURN(pkg["manifest"], svc->Manifest(p));
    return JsonResponse(Json{{"package", pkg}});
  });

  r.Add("GET", "/api/v1/packages/{package}/archive", Permission::kProjectRead, PackageFromPath(s, svc), [&s, svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, PackageId(ctx.Param("package")));
    ASSIGN_OR_RETURN(report::ConfirmedPackage p, svc->packages().Get(id));
    ASSIGN_OR_RETURN(auto entries, svc->ArchiveEntries(p));
    auto tar = std::make_shared<data::TarStream>(s.blobs, std::move(entries));
    HttpResponse resp;
    resp.content_type = "application/x-tar";
    resp.stream = [tar]() { return tar->Next(); };
    resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"package-" + std::to_string(id) + ".tar\"");
    return resp;
  });
}

}  // namespace moebius::api

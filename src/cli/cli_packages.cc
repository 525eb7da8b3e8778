// `moebius run report|confirm` and `moebius package list|show|download`: the experiment report
// (모델 실험 결과서) and confirmed model packages (EVAL-6), through the REST API.
#include <cstdio>
#include <fstream>

#include "base/strings.h"
#include "cli/cli_app.h"

namespace moebius::cli {
namespace {

Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return InvalidArgument("cannot write '" + path + "'");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) return Internal("writing '" + path + "' failed");
  return Status::Ok();
}

void PrintCriteria(const Json& c) {
  for (const Json& cl : c.value("clauses", Json::array()))
    std::printf("  %s %-40s actual %s\n", cl.value("passed", false) ? "✓" : "✗", Str(cl, "text").c_str(),
                cl.contains("actual") && !cl["actual"].is_null() ? cl["actual"].dump().c_str() : "missing");
  std::printf("%s", MissingMetricsText(c).c_str());
}

}  // namespace

void AddReportCommands(CommandHost& host, CLI::App* run) {
  const Globals& g = host.globals();
  auto* report = host.Sub(run, "report", "export the experiment report (모델 실험 결과서) as HTML or PDF");
  auto* rid = host.Own<std::string>();
  auto* format = host.Own<std::string>("pdf");
  auto* lang = host.Own<std::string>("ko");
  auto* out = host.Own<std::string>();
  auto* task = host.Own<std::string>();
  report->add_option("RUN", *rid)->required();
  report->add_option("--format", *format, "html or pdf")->capture_default_str();
  report->add_option("--lang", *lang, "ko or en")->capture_default_str();
  report->add_option("--out", *out, "file to write (default report-RUN.FORMAT)");
  report->add_option("--task", *task, "task whose acceptance criteria to show (default: the run's moebius.task tag)");
  host.OnRun(report, [rid, format, lang, out, task](RestClient& c) -> Status {
    if (*format != "html" && *format != "pdf") return InvalidArgument("--format must be html or pdf");
    std::string path = "/api/v1/runs/" + UrlEncode(*rid) + "/report?format=" + *format + "&lang=" + UrlEncode(*lang);
    if (!task->empty()) path += "&task=" + UrlEncode(*task);
    ASSIGN_OR_RETURN(std::string bytes, c.GetBytes(path));
    std::string file = out->empty() ? "report-" + *rid + "." + *format : *out;
    RETURN_IF_ERROR(WriteFile(file, bytes));
    std::printf("wrote %s (%zu bytes)\n", file.c_str(), bytes.size());
    return Status::Ok();
  });

  auto* confirm = host.Sub(run, "confirm", "confirm (확정) a run against its task's acceptance criteria: creates a confirmed model package");
  auto* cid = host.Own<std::string>();
  auto* ctask = host.Own<std::string>();
  confirm->add_option("RUN", *cid)->required();
  confirm->add_option("--task", *ctask, "the task (default: the run's moebius.task tag, or the project's only task)");
  host.OnRun(confirm, [&g = g, cid, ctask](RestClient& c) -> Status {
    Json body = Json::object();
    if (!ctask->empty()) body["task"] = *ctask;
    auto r = c.Post("/api/v1/runs/" + UrlEncode(*cid) + "/confirm", body);
    if (!r.ok()) {
      // Failing criteria: show the clause report from the check endpoint, then fail.
      auto check = c.Get("/api/v1/runs/" + UrlEncode(*cid) + "/criteria" + (ctask->empty() ? "" : "?task=" + UrlEncode(*ctask)));
      if (check.ok() && (*check)["check"].is_object() && !g.json) PrintCriteria((*check)["check"]);
      return r.status();
    }
    const Json& p = (*r)["package"];
    Emit(g, *r, [&] {
      std::printf("confirmed run %s for task %s: package %s\n", Str(p, "run_id").c_str(), Str(p, "task").c_str(), Str(p, "id").c_str());
      PrintCriteria(p["criteria_result"]);
    });
    return Status::Ok();
  });
}

CLI::App* AddPackageCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* pkg = host.Noun("package", "confirmed model packages (확정 모델 패키지)");
  pkg->require_subcommand(1);
  auto* list = host.Sub(pkg, "list", "a project's confirmed packages");
  auto* project = host.Own<std::string>();
  list->add_option("PROJECT", *project)->required();
  host.OnRun(list, [&g = g, project](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + UrlEncode(*project) + "/packages"));
    Emit(g, j, [&] {
      std::printf("%-6s %-16s %-34s %-16s %s\n", "ID", "TASK", "RUN", "BY", "AT");
      for (const Json& p : j["packages"])
        std::printf("%-6s %-16s %-34s %-16s %s\n", Str(p, "id").c_str(), Str(p, "task").c_str(), Str(p, "run_id").c_str(),
                    Str(p, "created_by").c_str(), Time(p, "created_at").c_str());
    });
    return Status::Ok();
  });
  auto* show = host.Sub(pkg, "show", "a package and its manifest");
  auto* sid = host.Own<std::string>();
  show->add_option("ID", *sid)->required();
  host.OnRun(show, [&g = g, sid](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/packages/" + UrlEncode(*sid)));
    const Json& p = j["package"];
    Emit(g, j, [&] {
      std::printf("package %s: run %s, task %s, confirmed by %s at %s\ncriteria: %s\nmanifest sha256: %s\nartifacts:\n",
                  Str(p, "id").c_str(), Str(p, "run_id").c_str(), Str(p, "task").c_str(), Str(p, "created_by").c_str(),
                  Time(p, "created_at").c_str(), Str(p, "criteria").c_str(), Str(p, "manifest_sha256").c_str());
      for (const Json& a : p["manifest"]["artifacts"])
        std::printf("  %-12s %10s  %s  %s\n", Str(a, "role").c_str(), Str(a, "size").c_str(), Str(a, "sha256").substr(0, 16).c_str(),
                    Str(a, "path").c_str());
    });
    return Status::Ok();
  });
  auto* download = host.Sub(pkg, "download", "the package archive (tar: manifest.json + artifacts/)");
  auto* did = host.Own<std::string>();
  auto* out = host.Own<std::string>();
  download->add_option("ID", *did)->required();
  download->add_option("--out", *out, "file to write (default package-ID.tar)");
  host.OnRun(download, [did, out](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(std::string bytes, c.GetBytes("/api/v1/packages/" + UrlEncode(*did) + "/archive"));
    std::string file = out->empty() ? "package-" + *did + ".tar" : *out;
    RETURN_IF_ERROR(WriteFile(file, bytes));
    std::printf("wrote %s (%zu bytes)\n", file.c_str(), bytes.size());
    return Status::Ok();
  });
  return pkg;
}

}  // namespace moebius::cli

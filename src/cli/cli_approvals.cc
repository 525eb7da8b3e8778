// `moebius approval list|show|request|approve|reject|cancel|comment`: approval requests (REG-5),
// the only way a model version enters production, through the REST API.
#include <cstdio>

#include "base/strings.h"
#include "cli/cli_app.h"

namespace moebius::cli {
namespace {

void PrintRequest(const Json& q) {
  std::printf("request %s: %s version %s -> %s (%s)\n  requested by %s at %s: %s\n  approvals %s of %s\n", Str(q, "id").c_str(),
              Str(q, "model").c_str(), Str(q, "version").c_str(), Str(q, "target_stage").c_str(), Str(q, "state").c_str(),
              Str(q, "requested_by").c_str(), Time(q, "created_at").c_str(), Str(q, "reason").c_str(), Str(q, "approvals").c_str(),
              Str(q, "required_approvals").c_str());
  for (const Json& e : q.value("events", Json::array()))
    std::printf("  %s  %-8s %-10s %s\n", Time(e, "at").c_str(), Str(e, "action").c_str(), Str(e, "actor").c_str(), Str(e, "comment").c_str());
}

// approve|reject|cancel|comment ID [--comment TEXT]
void AddDecision(CommandHost& host, CLI::App* parent, const char* verb, const char* help, const char* field) {
  const Globals& g = host.globals();
  auto* cmd = host.Sub(parent, verb, help);
  auto* id = host.Own<std::string>();
  auto* text = host.Own<std::string>();
  cmd->add_option("ID", *id)->required();
  if (field) cmd->add_option(std::string("--") + field, *text, std::string(field) == "text" ? "the comment" : "why (required to reject)");
  std::string path = std::string(verb) == "comment" ? "comments" : verb;
  std::string key = field ? field : "";
  host.OnRun(cmd, [&g = g, id, text, path, key](RestClient& c) -> Status {
    Json body = Json::object();
    if (!key.empty()) body[key] = *text;
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/approvals/" + UrlEncode(*id) + "/" + path, body));
    Emit(g, j, [&] { PrintRequest(j["request"]); });
    return Status::Ok();
  });
}

}  // namespace

void AddApprovalCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* approval = host.Noun("approval", "approval requests: the way a model version enters production");

  auto* list = host.Sub(approval, "list", "requests of your projects (the inbox: --state pending)");
  auto* state = host.Own<std::string>();
  auto* project = host.Own<std::string>();
  list->add_option("--state", *state, "pending | approved | rejected | cancelled");
  list->add_option("--project", *project, "only this project's");
  host.OnRun(list, [&g = g, state, project](RestClient& c) -> Status {
    std::string q;
    if (!state->empty()) q += "state=" + UrlEncode(*state);
    if (!project->empty()) q += std::string(q.empty() ? "" : "&") + "project=" + UrlEncode(*project);
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/approvals" + (q.empty() ? "" : "?" + q)));
    Emit(g, j, [&] {
      std::printf("%-5s %-24s %-4s %-11s %-10s %-9s %-12s %s\n", "ID", "MODEL", "VER", "TO", "STATE", "APPROVALS", "REQUESTER", "YOURS");
      for (const Json& r : j["requests"])
        std::printf("%-5s %-24s %-4s %-11s %-10s %4s/%-4s %-12s %s\n", Str(r, "id").c_str(), Str(r, "model").c_str(), Str(r, "version").c_str(),
                    Str(r, "target_stage").c_str(), Str(r, "state").c_str(), Str(r, "approvals").c_str(), Str(r, "required_approvals").c_str(),
                    Str(r, "requested_by").c_str(), r.value("awaiting_you", false) ? "awaiting your review" : "");
    });
    return Status::Ok();
  });

  auto* show = host.Sub(approval, "show", "a request, its events and the version it would move");
  auto* sid = host.Own<std::string>();
  show->add_option("ID", *sid)->required();
  host.OnRun(show, [&g = g, sid](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/approvals/" + UrlEncode(*sid)));
    Emit(g, j, [&] {
      const Json& q = j["request"];
      PrintRequest(q);
      const Json& v = q["evidence"];
      std::printf("evidence: %s version %s, %s %s, stage %s, content sha256 %s\n", Str(v, "model").c_str(), Str(v, "version").c_str(),
                  Str(v, "format").c_str(), Str(v, "model_file").c_str(), Str(v, "stage").c_str(), Str(v, "content_sha256").substr(0, 16).c_str());
      const Json& pkg = v["lineage"].value("package", Json());
      if (pkg.is_object()) std::printf("  confirmed package %s for task %s: %s\n", Str(pkg, "id").c_str(), Str(pkg, "task").c_str(), Str(pkg, "criteria").c_str());
      for (const auto& [k, m] : v["lineage"].value("metrics", Json::object()).items()) std::printf("  %-32s %s\n", k.c_str(), m.dump().c_str());
    });
    return Status::Ok();
  });

  auto* request = host.Sub(approval, "request", "request that a model version enter production");
  auto* model = host.Own<std::string>();
  auto* version = host.Own<std::string>();
  auto* reason = host.Own<std::string>();
  auto* archive = host.Own<bool>(false);
  request->add_option("MODEL", *model)->required();
  request->add_option("VERSION", *version)->required();
  request->add_option("--reason", *reason, "why this version should serve (required)")->required();
  request->add_flag("--archive-existing", *archive, "archive the version now in production when this one enters");
  host.OnRun(request, [&g = g, model, version, reason, archive](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/models/" + UrlEncode(*model) + "/versions/" + UrlEncode(*version) + "/requests",
                                    Json{{"stage", "production"}, {"reason", *reason}, {"archive_existing", *archive}}));
    Emit(g, j, [&] { PrintRequest(j["request"]); });
    return Status::Ok();
  });

  AddDecision(host, approval, "approve", "approve a request (not your own)", "comment");
  AddDecision(host, approval, "reject", "reject a request, saying why", "comment");
  AddDecision(host, approval, "cancel", "withdraw your own pending request", nullptr);
  AddDecision(host, approval, "comment", "add a comment to a request", "text");
}

}  // namespace moebius::cli

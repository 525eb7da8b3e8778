// `moebius project|task`: projects and their tasks (acceptance criteria) through the REST API.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <set>

#include "base/strings.h"
#include "cli/archive_io.h"
#include "cli/cli_app.h"
#include "cli/rest_client.h"
#include "cli/table_printer.h"

namespace moebius::cli {

void AddProjectCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* p = host.Noun("project", "projects (분석 과제)");
  p->require_subcommand(1);
  auto* list = host.Sub(p, "list", "list the projects you can see");
  auto* archived = host.Own<bool>(false);
  list->add_flag("--archived", *archived, "include archived projects");
  host.OnRun(list, [&g = g, archived](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(std::string("/api/v1/projects") + (*archived ? "?include_archived=true" : "")));
    Emit(g, j, [&] {
      TablePrinter t({"NAME", "DISPLAY NAME", "ARCHIVED", "CREATED", "BY"});
      for (const auto& p : j["projects"]) t.AddRow({Str(p, "name"), Str(p, "display_name"), p["archived"].get<bool>() ? "yes" : "", Time(p, "created_at"), Str(p, "created_by")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });
  auto* show = host.Sub(p, "show", "show a project");
  auto* name = host.Own<std::string>();
  show->add_option("NAME", *name)->required();
  host.OnRun(show, [&g = g, name](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*name)));
    Emit(g, j, [&] {
      const Json& p = j["project"];
      TablePrinter t({"FIELD", "VALUE"}, 80);
      for (const char* k : {"name", "display_name", "description", "created_by"}) t.AddRow({k, Str(p, k)});
      t.AddRow({"created", Time(p, "created_at")});
      t.AddRow({"archived", p["archived"].get<bool>() ? "yes" : "no"});
      std::cout << t.Render();
    });
    return Status::Ok();
  });
  auto* create = host.Sub(p, "create", "create a project; you become its project-manager");
  auto* cname = host.Own<std::string>();
  auto* display = host.Own<std::string>();
  auto* desc = host.Own<std::string>();
  create->add_option("NAME", *cname)->required();
  create->add_option("--display-name", *display);
  create->add_option("--description", *desc);
  host.OnRun(create, [&g = g, cname, display, desc](RestClient& c) -> Status {
    Json body{{"name", *cname}};
    if (!display->empty()) body["display_name"] = *display;
    if (!desc->empty()) body["description"] = *desc;
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects", body));
    Emit(g, j, [&] { std::printf("created project %s\n", Str(j["project"], "name").c_str()); });
    return Status::Ok();
  });
  auto* archive = host.Sub(p, "archive", "archive a project");
  auto* aname = host.Own<std::string>();
  archive->add_option("NAME", *aname)->required();
  host.OnRun(archive, [&g = g, aname](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*aname) + "/archive", Json::object()));
    Emit(g, j, [&] { std::printf("archived project %s\n", aname->c_str()); });
    return Status::Ok();
  });
  auto* members = host.Sub(p, "members", "list a project's members");
  auto* mname = host.Own<std::string>();
  members->add_option("NAME", *mname)->required();
  host.OnRun(members, [&g = g, mname](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*mname) + "/members"));
    Emit(g, j, [&] {
      TablePrinter t({"USER", "ROLE", "ADDED"});
      for (const auto& m : j["members"]) t.AddRow({Str(m, "username"), Str(m, "role"), Time(m, "added_at")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });
  auto* add = host.Sub(p, "add-member", "add a member or change their role");
  auto* pn = host.Own<std::string>();
  auto* user = host.Own<std::string>();
  auto* role = host.Own<std::string>();
  add->add_option("PROJECT", *pn)->required();
  add->add_option("USER", *user)->required();
  add->add_option("ROLE", *role, "admin, project-manager, data-engineer, labeler, model-developer, approver, operator, viewer")->required();
  host.OnRun(add, [&g = g, pn, user, role](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Put("/api/v1/projects/" + RestClient::Segment(*pn) + "/members/" + RestClient::Segment(*user), Json{{"role", *role}}));
    Emit(g, j, [&] { std::printf("%s is %s in %s\n", user->c_str(), role->c_str(), pn->c_str()); });
    return Status::Ok();
  });
}

void AddTaskCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* t = host.Noun("task", "tasks: problem type, metrics, acceptance criteria");
  t->require_subcommand(1);
  auto* list = host.Sub(t, "list", "list a project's tasks");
  auto* project = host.Own<std::string>();
  list->add_option("PROJECT", *project)->required();
  host.OnRun(list, [&g = g, project](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*project) + "/tasks"));
    Emit(g, j, [&] {
      TablePrinter tp({"NAME", "DOMAIN", "PROBLEM TYPE", "PRIMARY", "ACCEPTANCE CRITERIA"}, 60);
      for (const auto& x : j["tasks"])
        tp.AddRow({Str(x, "name"), Str(x, "domain"), Str(x, "problem_type"), Str(x, "primary_metric"), Str(x, "acceptance_criteria")});
      std::cout << tp.Render();
    });
    return Status::Ok();
  });
  auto* show = host.Sub(t, "show", "show a task");
  auto* sp = host.Own<std::string>();
  auto* st = host.Own<std::string>();
  show->add_option("PROJECT", *sp)->required();
  show->add_option("TASK", *st)->required();
  host.OnRun(show, [&g = g, sp, st](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*sp) + "/tasks/" + RestClient::Segment(*st)));
    Emit(g, j, [&] {
      const Json& x = j["task"];
      TablePrinter tp({"FIELD", "VALUE"}, 80);
      for (const char* k : {"name", "domain", "problem_type", "primary_metric", "acceptance_criteria", "description"}) tp.AddRow({k, Str(x, k)});
      tp.AddRow({"metrics", Join(x["metrics"].get<std::vector<std::string>>(), ", ")});
      std::cout << tp.Render();
    });
    return Status::Ok();
  });
  auto* create = host.Sub(t, "create", "define a task");
  auto* cp = host.Own<std::string>();
  auto* cn = host.Own<std::string>();
  auto* domain = host.Own<std::string>();
  auto* problem = host.Own<std::string>();
  auto* metrics = host.Own<std::vector<std::string>>();
  auto* primary = host.Own<std::string>();
  auto* criteria = host.Own<std::string>();
  create->add_option("PROJECT", *cp)->required();
  create->add_option("NAME", *cn)->required();
  create->add_option("--domain", *domain, "vision, language, tabular or multimodal")->required();
  create->add_option("--problem-type", *problem, "classification, regression, detection, ...")->required();
  create->add_option("--metric", *metrics, "a metric of the task (repeatable)");
  create->add_option("--primary-metric", *primary);
  create->add_option("--criteria", *criteria, "acceptance criteria over logged metric names, e.g. \"test.f1 >= 0.85 and perf.latency_p99_ms <= 50\" (test.f1: metric f1 of evaluation test, logged as test_f1)");
  host.OnRun(create, [&g = g, cp, cn, domain, problem, metrics, primary, criteria](RestClient& c) -> Status {
    Json body{{"name", *cn}, {"domain", *domain}, {"problem_type", *problem}, {"metrics", *metrics}};
    if (!primary->empty()) body["primary_metric"] = *primary;
    if (!criteria->empty()) body["acceptance_criteria"] = *criteria;
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*cp) + "/tasks", body));
    Emit(g, j, [&] { std::printf("created task %s (criteria: %s)\n", cn->c_str(), Str(j["task"], "acceptance_criteria").c_str()); });
    return Status::Ok();
  });
  auto* eval = host.Sub(t, "evaluate", "check a run against the task's acceptance criteria");
  auto* ep = host.Own<std::string>();
  auto* et = host.Own<std::string>();
  auto* er = host.Own<std::string>();
  eval->add_option("PROJECT", *ep)->required();
  eval->add_option("TASK", *et)->required();
  eval->add_option("RUN_ID", *er)->required();
  host.OnRun(eval, [&g = g, ep, et, er](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*ep) + "/tasks/" + RestClient::Segment(*et) + "/evaluate",
                                    Json{{"run_id", *er}}));
    Emit(g, j, [&] {
      TablePrinter tp({"CLAUSE", "ACTUAL", "RESULT"});
      for (const auto& cl : j["clauses"])
        tp.AddRow({Str(cl, "text"), cl["actual"].is_null() ? "missing" : Str(cl, "actual"), cl["passed"].get<bool>() ? "pass" : "FAIL"});
      std::cout << tp.Render() << (j["passed"].get<bool>() ? "PASSED" : "FAILED") << ": " << Str(j, "criteria") << "\n";
      std::cout << MissingMetricsText(j);
    });
    return Status::Ok();
  });
}

}  // namespace moebius::cli

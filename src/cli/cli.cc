#include "cli/cli.h"

#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <filesystem>
#include <limits>
#include <fstream>
#include <set>

#include "base/strings.h"
#include "cli/archive_io.h"
#include "cli/cli_app.h"
#include "cli/credentials.h"
#include "cli/rest_client.h"
#include "cli/table_printer.h"

namespace moebius::cli {

std::string Str(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
  const Json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
  }
  return v.dump();
}

std::string Time(const Json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return "";
  std::time_t t = static_cast<std::time_t>(j[key].get<int64_t>() / 1000);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::localtime(&t));
  return buf;
}

void Emit(const Globals& g, const Json& j, const std::function<void()>& table) {
  if (g.json) std::cout << j.dump(2) << "\n";
  else table();
}

namespace {

std::string ReadPassword(bool from_stdin) {
  std::string pw;
  if (!from_stdin && ::isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "Password: ");
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, pw);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  } else {
    std::getline(std::cin, pw);
  }
  while (!pw.empty() && (pw.back() == '\r' || pw.back() == '\n')) pw.pop_back();
  return pw;
}

// Resolves server and token from flags, environment and the credentials file.
Result<RestClient*> Connect(Globals& g, std::unique_ptr<RestClient>& holder) {
  std::string server = g.server, token = g.token;
  if (server.empty()) if (const char* e = std::getenv("MOEBIUS_SERVER")) server = e;
  if (token.empty()) if (const char* e = std::getenv("MOEBIUS_TOKEN")) token = e;
  if (server.empty() || token.empty()) {
    ASSIGN_OR_RETURN(auto creds, LoadCredentials(CredentialsPath()));
    if (creds) {
      if (server.empty()) server = creds->server;
      if (token.empty()) token = creds->token;
    }
  }
  if (server.empty()) return Unauthenticated("not logged in: run `moebius login --server URL` (or set MOEBIUS_SERVER and MOEBIUS_TOKEN)");
  holder = std::make_unique<RestClient>(server, token);
  return holder.get();
}

class App final : public CommandHost {
 public:
  App() : app_("moebius: MLOps platform CLI (a client of the REST API)") {
    app_.add_option("--server", g_.server, "server URL (default: from `moebius login` or MOEBIUS_SERVER)");
    app_.add_option("--token", g_.token, "API token (default: from `moebius login` or MOEBIUS_TOKEN)");
    app_.add_flag("--json", g_.json, "print JSON instead of tables");
    app_.require_subcommand(1);
    app_.footer("Run by the same binary: `moebius server` (the control plane), `moebius worker --server URL`\n(runs jobs), `moebius audit verify --data-dir DIR`,\n"
                "`moebius permissions` (the role matrix as Markdown).");
    AddLogin();
    AddProject();
    AddTask();
    AddExperiment();
    AddRun();
    AddUser();
    AddToken();
    AddData();
    AddJobCommands(*this);
    AddTrainCommands(*this);
    AddEnvCommands(*this);
    AddCodeCommands(*this);
    AddStudyCommands(*this);
    CLI::App* package = AddPackageCommands(*this);
    AddPipelineCommands(*this);
    CLI::App* model = AddModelCommands(*this);
    AddTritonCommands(*this, model, package);
    AddApprovalCommands(*this);
    AddDeployCommands(*this);
  }

  int Run(int argc, char** argv) {
    try {
      app_.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      int code = app_.exit(e);
      return code == 0 ? 0 : 2;
    }
    if (!action_) return 2;
    Status st;
    try {
      st = action_();
    } catch (const Json::exception& e) {
      // A field the server should have sent is missing or of another type: report, don't abort.
      st = Internal(std::string("unexpected response from the server: ") + e.what());
    }
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.message().c_str());
      return 1;
    }
    return 0;
  }

 private:
  void OnRun(CLI::App* cmd, Action fn) override {
    cmd->callback([this, fn] {
      action_ = [this, fn]() -> Status {
        std::unique_ptr<RestClient> holder;
        ASSIGN_OR_RETURN(RestClient * c, Connect(g_, holder));
        return fn(*c);
      };
    });
  }

  void OnRunLocal(CLI::App* cmd, std::function<Status()> fn) override {
    cmd->callback([this, fn] { action_ = fn; });
  }

  CLI::App* Noun(const char* name, const char* help) override {
    CLI::App* n = app_.add_subcommand(name, help);
    n->fallthrough();
    return n;
  }

  CLI::App* Sub(CLI::App* parent, const char* name, const char* help) override {
    CLI::App* s = parent->add_subcommand(name, help);
    s->fallthrough();
    return s;
  }

  void AddLogin() {
    auto* login = Noun("login", "sign in and store an API token for the CLI");
    auto* username = Own<std::string>("admin");
    auto* stdin_pw = Own<bool>(false);
    login->add_option("--username,-u", *username, "user name")->capture_default_str();
    login->add_flag("--password-stdin", *stdin_pw, "read the password from standard input");
    login->callback([this, username, stdin_pw] {
      action_ = [this, username, stdin_pw]() -> Status {
        std::string server = g_.server;
        if (server.empty()) if (const char* e = std::getenv("MOEBIUS_SERVER")) server = e;
        if (server.empty()) return InvalidArgument("--server URL is required for login");
        std::string pw = ReadPassword(*stdin_pw);
        RestClient anon(server, "");
        ASSIGN_OR_RETURN(Json session, anon.Post("/api/v1/auth/login", Json{{"username", *username}, {"password", pw}}));
        RestClient authed(server, session["token"].get<std::string>());
        char host[256] = "host";
        ::gethostname(host, sizeof host - 1);
        ASSIGN_OR_RETURN(Json tok, authed.Post("/api/v1/tokens", Json{{"name", std::string("cli@") + host}}));
        (void)authed.Post("/api/v1/auth/logout", Json::object());  // the session is no longer needed
        Credentials c{anon.base_url(), *username, tok["secret"].get<std::string>(), tok["token"]["id"].get<std::string>()};
        RETURN_IF_ERROR(SaveCredentials(CredentialsPath(), c));
        std::printf("logged in to %s as %s (token saved to %s)\n", c.server.c_str(), c.username.c_str(), CredentialsPath().c_str());
        return Status::Ok();
      };
    });
    auto* logout = Noun("logout", "revoke the CLI's token and forget it");
    logout->callback([this] {
      action_ = [this]() -> Status {
        ASSIGN_OR_RETURN(auto creds, LoadCredentials(CredentialsPath()));
        if (!creds) return FailedPrecondition("not logged in");
        RestClient c(creds->server, creds->token);
        Status revoked = c.Delete("/api/v1/tokens/" + RestClient::Segment(creds->token_id)).status();
        RETURN_IF_ERROR(RemoveCredentials(CredentialsPath()));
        if (!revoked.ok()) std::fprintf(stderr, "warning: could not revoke the token on the server: %s\n", revoked.message().c_str());
        std::printf("logged out\n");
        return Status::Ok();
      };
    });
  }

  void AddProject() {
    auto* p = Noun("project", "projects (분석 과제)");
    p->require_subcommand(1);
    auto* list = Sub(p, "list", "list the projects you can see");
    auto* archived = Own<bool>(false);
    list->add_flag("--archived", *archived, "include archived projects");
    OnRun(list, [this, archived](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get(std::string("/api/v1/projects") + (*archived ? "?include_archived=true" : "")));
      Emit(g_, j, [&] {
        TablePrinter t({"NAME", "DISPLAY NAME", "ARCHIVED", "CREATED", "BY"});
        for (const auto& p : j["projects"]) t.AddRow({Str(p, "name"), Str(p, "display_name"), p["archived"].get<bool>() ? "yes" : "", Time(p, "created_at"), Str(p, "created_by")});
        std::cout << t.Render();
      });
      return Status::Ok();
    });
    auto* show = Sub(p, "show", "show a project");
    auto* name = Own<std::string>();
    show->add_option("NAME", *name)->required();
    OnRun(show, [this, name](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*name)));
      Emit(g_, j, [&] {
        const Json& p = j["project"];
        TablePrinter t({"FIELD", "VALUE"}, 80);
        for (const char* k : {"name", "display_name", "description", "created_by"}) t.AddRow({k, Str(p, k)});
        t.AddRow({"created", Time(p, "created_at")});
        t.AddRow({"archived", p["archived"].get<bool>() ? "yes" : "no"});
        std::cout << t.Render();
      });
      return Status::Ok();
    });
    auto* create = Sub(p, "create", "create a project; you become its project-manager");
    auto* cname = Own<std::string>();
    auto* display = Own<std::string>();
    auto* desc = Own<std::string>();
    create->add_option("NAME", *cname)->required();
    create->add_option("--display-name", *display);
    create->add_option("--description", *desc);
    OnRun(create, [this, cname, display, desc](RestClient& c) -> Status {
      Json body{{"name", *cname}};
      if (!display->empty()) body["display_name"] = *display;
      if (!desc->empty()) body["description"] = *desc;
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects", body));
      Emit(g_, j, [&] { std::printf("created project %s\n", Str(j["project"], "name").c_str()); });
      return Status::Ok();
    });
    auto* archive = Sub(p, "archive", "archive a project");
    auto* aname = Own<std::string>();
    archive->add_option("NAME", *aname)->required();
    OnRun(archive, [this, aname](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*aname) + "/archive", Json::object()));
      Emit(g_, j, [&] { std::printf("archived project %s\n", aname->c_str()); });
      return Status::Ok();
    });
    auto* members = Sub(p, "members", "list a project's members");
    auto* mname = Own<std::string>();
    members->add_option("NAME", *mname)->required();
    OnRun(members, [this, mname](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*mname) + "/members"));
      Emit(g_, j, [&] {
        TablePrinter t({"USER", "ROLE", "ADDED"});
        for (const auto& m : j["members"]) t.AddRow({Str(m, "username"), Str(m, "role"), Time(m, "added_at")});
        std::cout << t.Render();
      });
      return Status::Ok();
    });
    auto* add = Sub(p, "add-member", "add a member or change their role");
    auto* pn = Own<std::string>();
    auto* user = Own<std::string>();
    auto* role = Own<std::string>();
    add->add_option("PROJECT", *pn)->required();
    add->add_option("USER", *user)->required();
    add->add_option("ROLE", *role, "admin, project-manager, data-engineer, labeler, model-developer, approver, operator, viewer")->required();
    OnRun(add, [this, pn, user, role](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Put("/api/v1/projects/" + RestClient::Segment(*pn) + "/members/" + RestClient::Segment(*user), Json{{"role", *role}}));
      Emit(g_, j, [&] { std::printf("%s is %s in %s\n", user->c_str(), role->c_str(), pn->c_str()); });
      return Status::Ok();
    });
  }

  void AddTask() {
    auto* t = Noun("task", "tasks: problem type, metrics, acceptance criteria");
    t->require_subcommand(1);
    auto* list = Sub(t, "list", "list a project's tasks");
    auto* project = Own<std::string>();
    list->add_option("PROJECT", *project)->required();
    OnRun(list, [this, project](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*project) + "/tasks"));
      Emit(g_, j, [&] {
        TablePrinter tp({"NAME", "DOMAIN", "PROBLEM TYPE", "PRIMARY", "ACCEPTANCE CRITERIA"}, 60);
        for (const auto& x : j["tasks"])
          tp.AddRow({Str(x, "name"), Str(x, "domain"), Str(x, "problem_type"), Str(x, "primary_metric"), Str(x, "acceptance_criteria")});
        std::cout << tp.Render();
      });
      return Status::Ok();
    });
    auto* show = Sub(t, "show", "show a task");
    auto* sp = Own<std::string>();
    auto* st = Own<std::string>();
    show->add_option("PROJECT", *sp)->required();
    show->add_option("TASK", *st)->required();
    OnRun(show, [this, sp, st](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*sp) + "/tasks/" + RestClient::Segment(*st)));
      Emit(g_, j, [&] {
        const Json& x = j["task"];
        TablePrinter tp({"FIELD", "VALUE"}, 80);
        for (const char* k : {"name", "domain", "problem_type", "primary_metric", "acceptance_criteria", "description"}) tp.AddRow({k, Str(x, k)});
        tp.AddRow({"metrics", Join(x["metrics"].get<std::vector<std::string>>(), ", ")});
        std::cout << tp.Render();
      });
      return Status::Ok();
    });
    auto* create = Sub(t, "create", "define a task");
    auto* cp = Own<std::string>();
    auto* cn = Own<std::string>();
    auto* domain = Own<std::string>();
    auto* problem = Own<std::string>();
    auto* metrics = Own<std::vector<std::string>>();
    auto* primary = Own<std::string>();
    auto* criteria = Own<std::string>();
    create->add_option("PROJECT", *cp)->required();
    create->add_option("NAME", *cn)->required();
    create->add_option("--domain", *domain, "vision, language, tabular or multimodal")->required();
    create->add_option("--problem-type", *problem, "classification, regression, detection, ...")->required();
    create->add_option("--metric", *metrics, "a metric of the task (repeatable)");
    create->add_option("--primary-metric", *primary);
    create->add_option("--criteria", *criteria, "acceptance criteria, e.g. \"f1 >= 0.85 and p99_latency_ms <= 50\"");
    OnRun(create, [this, cp, cn, domain, problem, metrics, primary, criteria](RestClient& c) -> Status {
      Json body{{"name", *cn}, {"domain", *domain}, {"problem_type", *problem}, {"metrics", *metrics}};
      if (!primary->empty()) body["primary_metric"] = *primary;
      if (!criteria->empty()) body["acceptance_criteria"] = *criteria;
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*cp) + "/tasks", body));
      Emit(g_, j, [&] { std::printf("created task %s (criteria: %s)\n", cn->c_str(), Str(j["task"], "acceptance_criteria").c_str()); });
      return Status::Ok();
    });
    auto* eval = Sub(t, "evaluate", "check a run against the task's acceptance criteria");
    auto* ep = Own<std::string>();
    auto* et = Own<std::string>();
    auto* er = Own<std::string>();
    eval->add_option("PROJECT", *ep)->required();
    eval->add_option("TASK", *et)->required();
    eval->add_option("RUN_ID", *er)->required();
    OnRun(eval, [this, ep, et, er](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*ep) + "/tasks/" + RestClient::Segment(*et) + "/evaluate",
                                      Json{{"run_id", *er}}));
      Emit(g_, j, [&] {
        TablePrinter tp({"CLAUSE", "ACTUAL", "RESULT"});
        for (const auto& cl : j["clauses"])
          tp.AddRow({Str(cl, "text"), cl["actual"].is_null() ? "missing" : Str(cl, "actual"), cl["passed"].get<bool>() ? "pass" : "FAIL"});
        std::cout << tp.Render() << (j["passed"].get<bool>() ? "PASSED" : "FAILED") << ": " << Str(j, "criteria") << "\n";
      });
      return Status::Ok();
    });
  }

  void AddExperiment() {
    auto* e = Noun("experiment", "experiments");
    e->require_subcommand(1);
    auto* list = Sub(e, "list", "list a project's experiments");
    auto* project = Own<std::string>();
    list->add_option("PROJECT", *project)->required();
    OnRun(list, [this, project](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*project) + "/experiments"));
      Emit(g_, j, [&] {
        TablePrinter t({"ID", "NAME", "STAGE", "CREATED"});
        for (const auto& x : j["experiments"]) t.AddRow({Str(x, "experiment_id"), Str(x, "name"), Str(x, "lifecycle_stage"), Time(x, "creation_time")});
        std::cout << t.Render();
      });
      return Status::Ok();
    });
    auto* show = Sub(e, "show", "show an experiment");
    auto* id = Own<std::string>();
    show->add_option("ID", *id)->required();
    OnRun(show, [this, id](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/experiments/" + RestClient::Segment(*id)));
      Emit(g_, j, [&] {
        const Json& x = j["experiment"];
        TablePrinter t({"FIELD", "VALUE"}, 80);
        for (const char* k : {"experiment_id", "name", "project", "lifecycle_stage", "artifact_location"}) t.AddRow({k, Str(x, k)});
        t.AddRow({"created", Time(x, "creation_time")});
        for (const auto& tag : x["tags"]) t.AddRow({"tag " + Str(tag, "key"), Str(tag, "value")});
        std::cout << t.Render();
      });
      return Status::Ok();
    });
    auto* create = Sub(e, "create", "create an experiment in a project");
    auto* cp = Own<std::string>();
    auto* cn = Own<std::string>();
    create->add_option("PROJECT", *cp)->required();
    create->add_option("NAME", *cn)->required();
    OnRun(create, [this, cp, cn](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*cp) + "/experiments", Json{{"name", *cn}}));
      Emit(g_, j, [&] { std::printf("created experiment %s (id %s)\n", cn->c_str(), Str(j["experiment"], "experiment_id").c_str()); });
      return Status::Ok();
    });
  }

  static std::map<std::string, std::string> KeyValues(const Json& list, bool metric) {
    std::map<std::string, std::string> out;
    for (const auto& kv : list) out[Str(kv, "key")] = metric ? Str(kv, "value") : Str(kv, "value");
    return out;
  }

  void AddRun() {
    auto* r = Noun("run", "runs");
    r->require_subcommand(1);
    AddReportCommands(*this, r);
    auto* list = Sub(r, "list", "search an experiment's runs");
    auto* exp = Own<std::string>();
    auto* filter = Own<std::string>();
    auto* order = Own<std::vector<std::string>>();
    auto* max = Own<int>(100);
    list->add_option("EXPERIMENT_ID", *exp)->required();
    list->add_option("--filter", *filter, "MLflow search filter, e.g. \"metrics.f1 > 0.8 and params.lr = '0.1'\"");
    list->add_option("--order-by", *order, "e.g. \"metrics.f1 DESC\" (repeatable)");
    list->add_option("--max", *max, "at most this many runs")->capture_default_str();
    OnRun(list, [this, exp, filter, order, max](RestClient& c) -> Status {
      Json body{{"experiment_ids", {*exp}}, {"filter", *filter}, {"order_by", *order}, {"max_results", *max}};
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/runs/search", body));
      Emit(g_, j, [&] {
        std::set<std::string> metric_keys;
        for (const auto& run : j["runs"])
          for (const auto& m : run["data"]["metrics"]) metric_keys.insert(Str(m, "key"));
        std::vector<std::string> headers{"RUN ID", "NAME", "STATUS", "STARTED"};
        std::vector<std::string> shown(metric_keys.begin(), metric_keys.end());
        if (shown.size() > 6) shown.resize(6);
        for (const auto& k : shown) headers.push_back(k);
        TablePrinter t(headers, 32);
        for (const auto& run : j["runs"]) {
          auto metrics = KeyValues(run["data"]["metrics"], true);
          std::vector<std::string> row{Str(run["info"], "run_id"), Str(run["info"], "run_name"), Str(run["info"], "status"), Time(run["info"], "start_time")};
          for (const auto& k : shown) row.push_back(metrics.count(k) ? metrics[k] : "");
          t.AddRow(row);
        }
        std::cout << t.Render();
        if (j.contains("next_page_token")) std::cout << "(more runs: raise --max)\n";
      });
      return Status::Ok();
    });
    auto* create = Sub(r, "create", "create a run and log params, metrics and tags in one batch");
    auto* cexp = Own<std::string>();
    auto* cname = Own<std::string>();
    auto* cparams = Own<std::vector<std::string>>();
    auto* cmetrics = Own<std::vector<std::string>>();
    auto* ctags = Own<std::vector<std::string>>();
    auto* finish = Own<bool>(false);
    create->add_option("EXPERIMENT_ID", *cexp)->required();
    create->add_option("--name", *cname, "run name (default: generated)");
    create->add_option("--param", *cparams, "KEY=VALUE (repeatable)");
    create->add_option("--metric", *cmetrics, "KEY=NUMBER (repeatable)");
    create->add_option("--tag", *ctags, "KEY=VALUE (repeatable)");
    create->add_flag("--finish", *finish, "mark the run FINISHED");
    OnRun(create, [this, cexp, cname, cparams, cmetrics, ctags, finish](RestClient& c) -> Status {
      auto pairs = [](const std::vector<std::string>& items, const char* what) -> Result<std::vector<std::pair<std::string, std::string>>> {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& item : items) {
          size_t eq = item.find('=');
          if (eq == std::string::npos || eq == 0) return InvalidArgument(std::string("--") + what + " takes KEY=VALUE, got '" + item + "'");
          out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
        }
        return out;
      };
      ASSIGN_OR_RETURN(auto params, pairs(*cparams, "param"));
      ASSIGN_OR_RETURN(auto metrics, pairs(*cmetrics, "metric"));
      ASSIGN_OR_RETURN(auto tags, pairs(*ctags, "tag"));
      std::vector<std::pair<std::string, double>> numbers;  // validated before anything is created
      for (const auto& [k, v] : metrics) {
        auto num = ParseDouble(v);
        if (!num) return InvalidArgument("--metric " + k + " needs a number, got '" + v + "'");
        numbers.emplace_back(k, *num);
      }
      Json body{{"experiment_id", *cexp}};
      if (!cname->empty()) body["run_name"] = *cname;
      ASSIGN_OR_RETURN(Json created, c.Post("/api/2.0/mlflow/runs/create", body));
      std::string run_id = created["run"]["info"]["run_id"];
      int64_t now = static_cast<int64_t>(std::time(nullptr)) * 1000;
      Json batch{{"run_id", run_id}, {"params", Json::array()}, {"metrics", Json::array()}, {"tags", Json::array()}};
      for (const auto& [k, v] : params) batch["params"].push_back({{"key", k}, {"value", v}});
      for (const auto& [k, v] : tags) batch["tags"].push_back({{"key", k}, {"value", v}});
      for (const auto& [k, v] : numbers) batch["metrics"].push_back({{"key", k}, {"value", v}, {"timestamp", now}, {"step", 0}});
      if (!params.empty() || !metrics.empty() || !tags.empty()) RETURN_IF_ERROR(c.Post("/api/2.0/mlflow/runs/log-batch", batch).status());
      if (*finish) RETURN_IF_ERROR(c.Post("/api/2.0/mlflow/runs/update", Json{{"run_id", run_id}, {"status", "FINISHED"}, {"end_time", now}}).status());
      Emit(g_, Json{{"run_id", run_id}}, [&] { std::printf("created run %s (%s)\n", run_id.c_str(), Str(created["run"]["info"], "run_name").c_str()); });
      return Status::Ok();
    });
    auto* show = Sub(r, "show", "show a run");
    auto* id = Own<std::string>();
    show->add_option("RUN_ID", *id)->required();
    OnRun(show, [this, id](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/runs/" + RestClient::Segment(*id)));
      Emit(g_, j, [&] {
        const Json& info = j["run"]["info"];
        TablePrinter t({"FIELD", "VALUE"}, 80);
        for (const char* k : {"run_id", "run_name", "status", "user_id", "experiment_id", "artifact_uri"}) t.AddRow({k, Str(info, k)});
        t.AddRow({"project", Str(j, "project")});
        t.AddRow({"started", Time(info, "start_time")});
        t.AddRow({"ended", Time(info, "end_time")});
        for (const auto& p : j["run"]["data"]["params"]) t.AddRow({"param " + Str(p, "key"), Str(p, "value")});
        for (const auto& m : j["run"]["data"]["metrics"]) t.AddRow({"metric " + Str(m, "key"), Str(m, "value")});
        for (const auto& tag : j["run"]["data"]["tags"]) t.AddRow({"tag " + Str(tag, "key"), Str(tag, "value")});
        std::cout << t.Render();
      });
      return Status::Ok();
    });
    auto* compare = Sub(r, "compare", "compare 2 to 10 runs: params (differences marked) and latest metrics");
    auto* ids = Own<std::vector<std::string>>();
    compare->add_option("RUN_IDS", *ids)->required()->expected(2, 10);
    OnRun(compare, [this, ids](RestClient& c) -> Status {
      std::vector<Json> runs;
      for (const auto& id : *ids) {
        ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/runs/" + RestClient::Segment(id)));
        runs.push_back(j["run"]);
      }
      Json all = Json::array();
      for (const auto& r : runs) all.push_back(r);
      Emit(g_, Json{{"runs", all}}, [&] {
        std::vector<std::string> headers{"", "KEY"};
        for (const auto& r : runs) headers.push_back(Str(r["info"], "run_name"));
        for (const char* section : {"params", "metrics"}) {
          std::set<std::string> keys;
          std::vector<std::map<std::string, std::string>> values;
          for (const auto& r : runs) {
            values.push_back(KeyValues(r["data"][section], std::string(section) == "metrics"));
            for (const auto& [k, v] : values.back()) keys.insert(k);
          }
          TablePrinter t(headers, 24);
          for (const auto& k : keys) {
            std::vector<std::string> row{"", k};
            std::set<std::string> distinct;
            for (auto& v : values) {
              row.push_back(v.count(k) ? v[k] : "—");
              distinct.insert(row.back());
            }
            row[0] = distinct.size() > 1 ? "*" : "";
            t.AddRow(row);
          }
          std::cout << (std::string(section) == "params" ? "PARAMS (* = differs)\n" : "\nMETRICS (latest)\n") << t.Render();
        }
      });
      return Status::Ok();
    });
  }

  void AddUser() {
    auto* u = Noun("user", "user accounts (admins)");
    u->require_subcommand(1);
    auto* list = Sub(u, "list", "list users");
    OnRun(list, [this](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/users"));
      Emit(g_, j, [&] {
        TablePrinter t({"USER", "NAME", "GLOBAL ROLE", "DISABLED", "CREATED"});
        for (const auto& x : j["users"])
          t.AddRow({Str(x, "username"), Str(x, "display_name"), Str(x, "global_role"), x["disabled"].get<bool>() ? "yes" : "", Time(x, "created_at")});
        std::cout << t.Render();
      });
      return Status::Ok();
    });
    auto* create = Sub(u, "create", "create a user; the password is read from standard input");
    auto* name = Own<std::string>();
    auto* role = Own<std::string>("viewer");
    auto* stdin_pw = Own<bool>(false);
    create->add_option("USER", *name)->required();
    create->add_option("--role", *role, "global role")->capture_default_str();
    create->add_flag("--password-stdin", *stdin_pw, "read the password from standard input without a prompt");
    OnRun(create, [this, name, role, stdin_pw](RestClient& c) -> Status {
      std::string pw = ReadPassword(*stdin_pw);
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/users", Json{{"username", *name}, {"password", pw}, {"global_role", *role}}));
      Emit(g_, j, [&] { std::printf("created user %s (%s)\n", name->c_str(), role->c_str()); });
      return Status::Ok();
    });
  }

  void AddToken() {
    auto* t = Noun("token", "your API tokens");
    t->require_subcommand(1);
    auto* list = Sub(t, "list", "list your tokens");
    OnRun(list, [this](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/tokens"));
      Emit(g_, j, [&] {
        TablePrinter tp({"ID", "NAME", "CREATED", "EXPIRES", "REVOKED"});
        for (const auto& x : j["tokens"])
          tp.AddRow({Str(x, "id"), Str(x, "name"), Time(x, "created_at"), x["expires_at"].is_null() ? "never" : Time(x, "expires_at"),
                     x["revoked"].get<bool>() ? "yes" : ""});
        std::cout << tp.Render();
      });
      return Status::Ok();
    });
    auto* create = Sub(t, "create", "create a token; its secret is shown once");
    auto* name = Own<std::string>();
    auto* days = Own<int>(0);
    create->add_option("NAME", *name)->required();
    create->add_option("--expires-days", *days, "expire after this many days (default: never)");
    OnRun(create, [this, name, days](RestClient& c) -> Status {
      Json body{{"name", *name}};
      if (*days > 0) body["expires_in_days"] = *days;
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/tokens", body));
      Emit(g_, j, [&] { std::printf("token %s: %s\n(shown once; store it now)\n", Str(j["token"], "id").c_str(), Str(j, "secret").c_str()); });
      return Status::Ok();
    });
    auto* revoke = Sub(t, "revoke", "revoke a token");
    auto* id = Own<std::string>();
    revoke->add_option("ID", *id)->required();
    OnRun(revoke, [this, id](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Delete("/api/v1/tokens/" + RestClient::Segment(*id)));
      Emit(g_, j, [&] { std::printf("revoked token %s\n", id->c_str()); });
      return Status::Ok();
    });
  }

  // PROJECT/DATASET[@VERSION] → the REST path of the dataset, and the version if given.
  struct DataRef {
    std::string project, dataset, version;
    std::string Path() const { return "/api/v1/projects/" + RestClient::Segment(project) + "/datasets/" + RestClient::Segment(dataset); }
  };
  static Result<DataRef> ParseRef(const std::string& text, bool want_version) {
    DataRef r;
    size_t slash = text.find('/');
    size_t at = text.find('@');
    if (slash == std::string::npos || slash == 0) return InvalidArgument("expected PROJECT/DATASET" + std::string(want_version ? "@VERSION" : "") + ", got '" + text + "'");
    r.project = text.substr(0, slash);
    r.dataset = text.substr(slash + 1, at == std::string::npos ? std::string::npos : at - slash - 1);
    if (at != std::string::npos) r.version = text.substr(at + 1);
    if (r.dataset.empty()) return InvalidArgument("missing the dataset name in '" + text + "'");
    if (want_version && r.version.empty()) return InvalidArgument("missing @VERSION in '" + text + "', e.g. " + text + "@v1");
    return r;
  }

  // Uploads a staged file in parts, resuming an earlier upload when `resume` is set.
  static Result<Json> Upload(RestClient& c, const DataRef& ref, const std::string& file, const std::string& format,
                             const std::string& filename, const std::string& note, const std::string& resume) {
    std::string id = resume;
    int64_t part_bytes = 32LL << 20;
    std::map<int64_t, int64_t> have;
    if (id.empty()) {
      ASSIGN_OR_RETURN(Json up, c.Post(ref.Path() + "/uploads", Json::object()));
      id = up["upload"]["id"];
    } else {
      ASSIGN_OR_RETURN(Json st, c.Get(ref.Path() + "/uploads/" + RestClient::Segment(id)));
      for (const auto& p : st["upload"]["parts"]) have[p["part"].get<int64_t>()] = p["bytes"].get<int64_t>();
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return Internal("cannot read " + file);
    std::string buf(static_cast<size_t>(part_bytes), '\0');
    for (int64_t part = 1;; ++part) {
      in.read(buf.data(), part_bytes);
      std::streamsize got = in.gcount();
      if (got <= 0) break;
      if (have.count(part) && have[part] == got) continue;  // already on the server
      Status st = c.PutBytes(ref.Path() + "/uploads/" + RestClient::Segment(id) + "/parts/" + std::to_string(part),
                             std::string_view(buf.data(), static_cast<size_t>(got))).status();
      if (!st.ok()) return Status(st.code(), st.message() + " (resume with --resume " + id + ")");
    }
    Json body{{"format", format}, {"note", note}};
    if (!filename.empty()) body["filename"] = filename;
    auto done = c.Post(ref.Path() + "/uploads/" + RestClient::Segment(id) + "/complete", body);
    if (!done.ok()) return Status(done.status().code(), done.status().message() + " (the upload " + id + " is kept; fix and retry with --resume)");
    return done;
  }

  // ---- SQL sources (DATA-1): `data connection ...` and `data ingest --sql`.
  struct SqlIngestArgs {
    std::string connection, query, query_file, format = "csv", name;
    int64_t max_rows = 0;
  };

  static void AddSqlIngestOptions(CLI::App* ingest, SqlIngestArgs* a) {
    ingest->add_option("--sql", a->connection, "run a query on this connection of the project (see `moebius data connection`)");
    ingest->add_option("--query", a->query, "the query (one read-only statement)");
    ingest->add_option("--query-file", a->query_file, "read the query from this file ('-': standard input)");
    ingest->add_option("--format", a->format, "csv or jsonl (with --sql)")->capture_default_str();
    ingest->add_option("--name", a->name, "the item's file name (with --sql; default query.csv or query.jsonl)");
    ingest->add_option("--max-rows", a->max_rows, "refuse a result with more rows than this (with --sql)");
  }

  Status IngestSql(RestClient& c, const DataRef& ref, const SqlIngestArgs& a, const std::string& note) {
    std::string query = a.query;
    if (!a.query_file.empty()) {
      if (!query.empty()) return InvalidArgument("give either --query or --query-file, not both");
      if (a.query_file == "-") {
        query.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      } else {
        std::ifstream in(a.query_file, std::ios::binary);
        if (!in) return InvalidArgument("cannot read " + a.query_file);
        query.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
    }
    if (query.empty()) return InvalidArgument("--sql needs --query \"SELECT ...\" or --query-file FILE");
    Json body{{"connection", a.connection}, {"query", query}, {"format", a.format}, {"note", note}};
    if (!a.name.empty()) body["name"] = a.name;
    if (a.max_rows > 0) body["max_rows"] = a.max_rows;
    ASSIGN_OR_RETURN(Json j, c.Post(ref.Path() + "/rounds/sql", body));
    const Json& r = j["round"];
    Emit(g_, j, [&] {
      std::printf("round %s: %s rows from connection %s into %s (%s bytes)\n", Str(r, "number").c_str(), Str(r["sources"], "rows").c_str(),
                  a.connection.c_str(), Str(r["sources"], "item").c_str(), Str(r, "bytes").c_str());
    });
    return Status::Ok();
  }

  void AddDataConnections(CLI::App* d) {
    auto* conn = Sub(d, "connection", "SQL sources of a project: PostgreSQL or SQLite databases rounds can be queried from");
    conn->require_subcommand(1);
    auto split_ref = [](const std::string& text) -> Result<std::pair<std::string, std::string>> {
      size_t slash = text.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == text.size())
        return InvalidArgument("expected PROJECT/CONNECTION, got '" + text + "'");
      return std::make_pair(text.substr(0, slash), text.substr(slash + 1));
    };

    auto* create = Sub(conn, "create", "add a connection (needs the project-manager role)");
    auto* cref = Own<std::string>();
    auto* kind = Own<std::string>();
    auto* target = Own<std::string>();
    auto* target_stdin = Own<bool>(false);
    create->add_option("PROJECT/CONNECTION", *cref)->required();
    create->add_option("--kind", *kind, "sqlite or postgresql")->required();
    create->add_option("--target", *target, "PostgreSQL conninfo or URI, or the SQLite file's absolute path on the server");
    create->add_flag("--target-stdin", *target_stdin, "read the target from standard input (keeps a password out of shell history)");
    OnRun(create, [this, cref, kind, target, target_stdin, split_ref](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(auto ref, split_ref(*cref));
      std::string t = *target;
      if (*target_stdin) {
        if (!t.empty()) return InvalidArgument("give either --target or --target-stdin, not both");
        std::getline(std::cin, t);
        while (!t.empty() && (t.back() == '\r' || t.back() == '\n')) t.pop_back();
      }
      if (t.empty()) return InvalidArgument("a connection needs --target (or --target-stdin)");
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(ref.first) + "/connections",
                                      Json{{"name", ref.second}, {"kind", *kind}, {"target", t}}));
      Emit(g_, j, [&] {
        std::printf("created connection %s/%s (%s): %s\n", ref.first.c_str(), ref.second.c_str(), kind->c_str(),
                    Str(j["connection"], "target").c_str());
      });
      return Status::Ok();
    });

    auto* list = Sub(conn, "list", "a project's connections (passwords masked)");
    auto* project = Own<std::string>();
    list->add_option("PROJECT", *project)->required();
    OnRun(list, [this, project](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*project) + "/connections"));
      Emit(g_, j, [&] {
        TablePrinter t({"CONNECTION", "KIND", "TARGET", "BY", "CREATED"});
        for (const auto& x : j["connections"])
          t.AddRow({Str(x, "name"), Str(x, "kind"), Str(x, "target"), Str(x, "created_by"), Time(x, "created_at")});
        std::cout << t.Render();
      });
      return Status::Ok();
    });

    auto* del = Sub(conn, "delete", "remove a connection (rounds made from it keep their record)");
    auto* dref = Own<std::string>();
    del->add_option("PROJECT/CONNECTION", *dref)->required();
    OnRun(del, [this, dref, split_ref](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(auto ref, split_ref(*dref));
      ASSIGN_OR_RETURN(Json j, c.Delete("/api/v1/projects/" + RestClient::Segment(ref.first) + "/connections/" + RestClient::Segment(ref.second)));
      Emit(g_, j, [&] { std::printf("deleted connection %s/%s\n", ref.first.c_str(), ref.second.c_str()); });
      return Status::Ok();
    });
  }

  void AddData() {
    namespace fs = std::filesystem;
    auto* d = app_.add_subcommand("data", "datasets: rounds (차수), bundles (묶음), versions (형상)");
    d->require_subcommand(1);

    auto* list = Sub(d, "list", "list or search datasets you can see");
    auto* query = Own<std::string>();
    list->add_option("--query,-q", *query, "match name, tag or description");
    OnRun(list, [this, query](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/datasets?q=" + RestClient::Segment(*query)));
      Emit(g_, j, [&] {
        TablePrinter t({"DATASET", "DOMAIN", "SENSITIVE", "TAGS", "CREATED"});
        for (const auto& x : j["datasets"])
          t.AddRow({Str(x, "project") + "/" + Str(x, "name"), Str(x, "domain"), x["sensitive"].get<bool>() ? "yes" : "",
                    Join(x["tags"].get<std::vector<std::string>>(), ","), Time(x, "created_at")});
        std::cout << t.Render();
      });
      return Status::Ok();
    });

    auto* create = Sub(d, "create", "create a dataset");
    auto* cref = Own<std::string>();
    auto* domain = Own<std::string>();
    auto* desc = Own<std::string>();
    auto* sensitive = Own<bool>(false);
    auto* tags = Own<std::vector<std::string>>();
    create->add_option("PROJECT/DATASET", *cref)->required();
    create->add_option("--domain", *domain, "vision, language, tabular or multimodal")->required();
    create->add_option("--description", *desc);
    create->add_flag("--sensitive", *sensitive, "audit every read");
    create->add_option("--tag", *tags, "a tag (repeatable)");
    OnRun(create, [this, cref, domain, desc, sensitive, tags](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*cref, false));
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(ref.project) + "/datasets",
                                      Json{{"name", ref.dataset}, {"domain", *domain}, {"description", *desc}, {"sensitive", *sensitive}, {"tags", *tags}}));
      Emit(g_, j, [&] { std::printf("created dataset %s/%s\n", ref.project.c_str(), ref.dataset.c_str()); });
      return Status::Ok();
    });

    auto* show = Sub(d, "show", "a dataset's rounds and versions");
    auto* sref = Own<std::string>();
    show->add_option("PROJECT/DATASET", *sref)->required();
    OnRun(show, [this, sref](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*sref, false));
      ASSIGN_OR_RETURN(Json j, c.Get(ref.Path()));
      Emit(g_, j, [&] {
        std::printf("%s/%s (%s)\n\nROUNDS\n", ref.project.c_str(), ref.dataset.c_str(), Str(j["dataset"], "domain").c_str());
        TablePrinter rt({"ROUND", "KIND", "ITEMS", "BYTES", "SOURCE", "NOTE", "BY", "CREATED"});
        for (const auto& r : j["rounds"])
          rt.AddRow({Str(r, "number"), Str(r, "kind"), Str(r, "items"), Str(r, "bytes"), Str(r, "source"), Str(r, "note"), Str(r, "created_by"), Time(r, "created_at")});
        std::cout << rt.Render() << "\nVERSIONS\n";
        TablePrinter vt({"VERSION", "STATUS", "ITEMS", "STORED AS", "MESSAGE", "BY", "CREATED"});
        for (const auto& v : j["versions"])
          vt.AddRow({Str(v, "name"), Str(v, "status"), Str(v, "items"), Str(v, "storage") + (v.contains("delta_of") ? " of " + Str(v, "delta_of") : ""),
                     Str(v, "message"), Str(v, "created_by"), Time(v, "created_at")});
        std::cout << vt.Render();
      });
      return Status::Ok();
    });

    auto* ingest = Sub(d, "ingest", "upload a folder, an archive (tar, tar.gz, zip) or a file as a new round, "
                                    "or run a SQL query (--sql CONNECTION --query ...) into one");
    auto* iref = Own<std::string>();
    auto* path = Own<std::string>();
    auto* note = Own<std::string>();
    auto* resume = Own<std::string>();
    auto* sql = Own<SqlIngestArgs>();
    ingest->add_option("PROJECT/DATASET", *iref)->required();
    ingest->add_option("PATH", *path, "a folder, archive or file (not with --sql)");
    ingest->add_option("--note", *note, "what this round is");
    ingest->add_option("--resume", *resume, "continue an interrupted upload");
    AddSqlIngestOptions(ingest, sql);
    OnRun(ingest, [this, iref, path, note, resume, sql](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*iref, false));
      if (!sql->connection.empty()) {
        if (!path->empty()) return InvalidArgument("give either PATH or --sql, not both");
        return IngestSql(c, ref, *sql, *note);
      }
      if (path->empty()) return InvalidArgument("give a PATH to upload, or --sql CONNECTION --query \"SELECT ...\"");
      std::error_code ec;
      std::string staged = *path, format = "archive", filename;
      std::string tmp;
      if (fs::is_directory(*path, ec)) {
        tmp = (fs::temp_directory_path() / ("moebius-ingest-" + std::to_string(::getpid()) + ".tar")).string();
        ASSIGN_OR_RETURN(int64_t n, TarDirectory(*path, tmp));
        if (!g_.json) std::fprintf(stderr, "packed %lld files from %s\n", static_cast<long long>(n), path->c_str());
        staged = tmp;
      } else if (!fs::is_regular_file(*path, ec)) {
        return InvalidArgument(*path + " is not a file or folder");
      } else {
        std::string lower = ToLower(*path);
        bool archive = EndsWith(lower, ".tar") || EndsWith(lower, ".tar.gz") || EndsWith(lower, ".tgz") || EndsWith(lower, ".zip") ||
                       EndsWith(lower, ".tar.zst") || EndsWith(lower, ".tar.xz");
        if (!archive) {
          format = "file";
          filename = fs::path(*path).filename().string();
        }
      }
      auto done = Upload(c, ref, staged, format, filename, *note, *resume);
      if (!tmp.empty()) fs::remove(tmp, ec);
      if (!done.ok()) return done.status();
      const Json& r = (*done)["round"];
      Emit(g_, *done, [&] { std::printf("round %s: %s items, %s bytes\n", Str(r, "number").c_str(), Str(r, "items").c_str(), Str(r, "bytes").c_str()); });
      return Status::Ok();
    });

    AddDataConnections(d);

    auto* bundle = Sub(d, "bundle", "mix items of rounds into a new round");
    auto* bref = Own<std::string>();
    auto* rounds = Own<std::vector<int64_t>>();
    auto* prefix = Own<std::string>();
    auto* label = Own<std::string>();
    auto* sample = Own<int64_t>(0);
    auto* fraction = Own<double>(0);
    auto* seed = Own<int64_t>(0);
    bundle->add_option("PROJECT/DATASET", *bref)->required();
    bundle->add_option("--round", *rounds, "a source round (repeatable)")->required();
    bundle->add_option("--prefix", *prefix, "only items under this path prefix");
    bundle->add_option("--label", *label, "only items with this label");
    bundle->add_option("--sample", *sample, "draw this many items");
    bundle->add_option("--fraction", *fraction, "draw this share of the items");
    bundle->add_option("--seed", *seed, "seed of the draw");
    OnRun(bundle, [this, bref, rounds, prefix, label, sample, fraction, seed](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*bref, false));
      Json body{{"rounds", *rounds}, {"path_prefix", *prefix}, {"label", *label}, {"seed", *seed}};
      if (*sample > 0) body["sample_size"] = *sample;
      if (*fraction > 0) body["sample_fraction"] = *fraction;
      ASSIGN_OR_RETURN(Json j, c.Post(ref.Path() + "/bundles", body));
      Emit(g_, j, [&] { std::printf("round %s (bundle): %s items\n", Str(j["round"], "number").c_str(), Str(j["round"], "items").c_str()); });
      return Status::Ok();
    });

    auto* version = Sub(d, "version", "create a version from rounds or from an earlier version");
    auto* vref = Own<std::string>();
    auto* vrounds = Own<std::vector<int64_t>>();
    auto* from = Own<std::string>();
    auto* status = Own<std::string>("raw");
    auto* labels_file = Own<std::string>();
    auto* folders = Own<bool>(false);
    auto* message = Own<std::string>();
    auto* operations = Own<std::string>();
    version->add_option("PROJECT/DATASET", *vref)->required();
    version->add_option("--round", *vrounds, "a round to include (repeatable)");
    version->add_option("--from", *from, "derive from this version, e.g. v2");
    version->add_option("--status", *status, "raw, refined, labeled or split")->capture_default_str();
    version->add_option("--labels", *labels_file, "labels to import: a CSV (path,label) or JSONL ({path,label}) file");
    version->add_flag("--labels-from-folders", *folders, "label = the item's top folder");
    version->add_option("--message,-m", *message);
    version->add_option("--operations", *operations, "refined: a JSON file with the refinement operations, e.g. [{\"op\": \"drop_duplicate_rows\"}]");
    OnRun(version, [this, vref, vrounds, from, status, labels_file, folders, message, operations](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*vref, false));
      Json body{{"status", *status}, {"message", *message}};
      if (!vrounds->empty()) body["rounds"] = *vrounds;
      if (!from->empty()) body["from_version"] = *from;
      if (*folders) body["labels"] = {{"from", "folders"}};
      if (!labels_file->empty()) {
        std::ifstream in(*labels_file);
        if (!in) return InvalidArgument("cannot read " + *labels_file);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        body["labels"] = {{"format", EndsWith(ToLower(*labels_file), ".jsonl") ? "jsonl" : "csv"}, {"content", content}};
      }
      if (!operations->empty()) {
        std::ifstream in(*operations);
        if (!in) return InvalidArgument("cannot read " + *operations);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        Json ops = Json::parse(text, nullptr, false);
        if (ops.is_discarded() || !ops.is_array()) return InvalidArgument(*operations + " is not a JSON list of operations");
        body["operations"] = ops;
      }
      ASSIGN_OR_RETURN(Json j, c.Post(ref.Path() + "/versions", body));
      Emit(g_, j, [&] {
        const Json& v = j["version"];
        std::printf("%s (%s): %s items, stored as %s\n", Str(v, "name").c_str(), Str(v, "status").c_str(), Str(v, "items").c_str(),
                    Str(v, "storage").c_str());
      });
      return Status::Ok();
    });

    auto* split = Sub(d, "split", "make a split version: every item assigned to train/val/test or a fold");
    auto* spref = Own<std::string>();
    auto* method = Own<std::string>("random");
    auto* ratios = Own<std::string>("train=0.8,val=0.1,test=0.1");
    auto* kfolds = Own<int>(5);
    auto* sseed = Own<int64_t>(0);
    auto* group_by = Own<std::string>("folder");
    auto* time_key = Own<std::string>();
    auto* class_key = Own<std::string>("label");
    auto* unit = Own<std::string>();
    split->add_option("PROJECT/DATASET@VERSION", *spref)->required();
    split->add_option("--method", *method, "random, stratified, kfold, group or time")->capture_default_str();
    split->add_option("--ratios", *ratios, "NAME=SHARE,... summing to 1")->capture_default_str();
    split->add_option("--folds", *kfolds, "folds for kfold")->capture_default_str();
    split->add_option("--seed", *sseed)->capture_default_str();
    split->add_option("--group-by", *group_by, "group: 'folder' or a meta key")->capture_default_str();
    split->add_option("--time-key", *time_key, "time: the meta key to order by (default: the path)");
    split->add_option("--label", *class_key, "stratified, kfold: the meta key or table column of the class")->capture_default_str();
    split->add_option("--unit", *unit, "rows (of tables) or items (files); default: rows in tabular datasets");
    OnRun(split, [this, spref, method, ratios, kfolds, sseed, group_by, time_key, class_key, unit](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*spref, true));
      Json r = Json::object();
      for (const std::string& part : Split(*ratios, ',')) {
        size_t eq = part.find('=');
        auto share = eq == std::string::npos ? std::nullopt : ParseDouble(part.substr(eq + 1));
        if (!share) return InvalidArgument("--ratios takes NAME=SHARE pairs, got '" + part + "'");
        r[part.substr(0, eq)] = *share;
      }
      Json spec{{"method", *method}, {"ratios", r},          {"folds", *kfolds}, {"seed", *sseed},
                {"group_by", *group_by}, {"time_key", *time_key}, {"label", *class_key}};
      if (!unit->empty()) spec["unit"] = *unit;
      ASSIGN_OR_RETURN(Json j, c.Post(ref.Path() + "/versions", Json{{"status", "split"}, {"from_version", ref.version}, {"split", spec}}));
      Emit(g_, j, [&] {
        const Json& v = j["version"];
        std::printf("%s (split of %s):", Str(v, "name").c_str(), ref.version.c_str());
        for (const auto& [name, n] : v["derived"]["split_report"]["counts"].items()) std::printf(" %s=%s", name.c_str(), n.dump().c_str());
        std::printf("\n");
        bool rows = v["derived"]["split"].value("unit", "") == "rows";
        TablePrinter t({"SPLIT", "CLASS", rows ? "ROWS" : "ITEMS"});
        for (const auto& [name, classes] : v["derived"]["split_report"]["classes"].items())
          for (const auto& [label, n] : classes.items()) t.AddRow({name, label, n.dump()});
        std::cout << t.Render();
      });
      return Status::Ok();
    });

    auto* checkout = Sub(d, "checkout", "restore a version's files into a folder, byte for byte");
    auto* coref = Own<std::string>();
    auto* dir = Own<std::string>();
    auto* with_manifest = Own<bool>(false);
    checkout->add_option("PROJECT/DATASET@VERSION", *coref)->required();
    checkout->add_option("DIR", *dir)->required();
    checkout->add_flag("--manifest", *with_manifest, "also write .moebius/manifest.jsonl: each item's path, sha256, size and meta (labels, split)");
    OnRun(checkout, [this, coref, dir, with_manifest](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*coref, true));
      // Streamed to a temporary file and extracted from it: memory stays small for any size.
      std::string tar = (std::filesystem::temp_directory_path() / ("moebius-checkout-" + std::to_string(::getpid()) + ".tar")).string();
      auto got = c.GetToFile(ref.Path() + "/versions/" + RestClient::Segment(ref.version) + "/archive" + (*with_manifest ? "?manifest=1" : ""), tar,
                             std::numeric_limits<int64_t>::max());
      if (!got.ok()) return got.status();
      auto n = ExtractTarFile(tar, *dir);
      std::error_code ec;
      std::filesystem::remove(tar, ec);
      if (!n.ok()) return n.status();
      Emit(g_, Json{{"files", *n}, {"dir", *dir}}, [&] { std::printf("checked out %lld files into %s\n", static_cast<long long>(*n), dir->c_str()); });
      return Status::Ok();
    });

    auto* diff = Sub(d, "diff", "what changed between two versions: added, removed, modified, renamed, relabeled");
    auto* a = Own<std::string>();
    auto* b = Own<std::string>();
    diff->add_option("A", *a, "PROJECT/DATASET@VERSION")->required();
    diff->add_option("B", *b, "PROJECT/DATASET@VERSION, or just VERSION of the same dataset")->required();
    OnRun(diff, [this, a, b](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ra, ParseRef(*a, true));
      DataRef rb = ra;
      if (b->find('/') != std::string::npos) {
        ASSIGN_OR_RETURN(rb, ParseRef(*b, true));
        if (rb.project != ra.project || rb.dataset != ra.dataset) return InvalidArgument("diff compares two versions of one dataset");
      } else {
        rb.version = *b;
      }
      ASSIGN_OR_RETURN(Json j, c.Get(ra.Path() + "/diff?from=" + RestClient::Segment(ra.version) + "&to=" + RestClient::Segment(rb.version)));
      Emit(g_, j, [&] {
        const Json& n = j["counts"];
        std::printf("%s → %s: %s added, %s removed, %s modified, %s renamed, %s label changes\n", Str(j, "from").c_str(), Str(j, "to").c_str(),
                    Str(n, "added").c_str(), Str(n, "removed").c_str(), Str(n, "modified").c_str(), Str(n, "renamed").c_str(),
                    Str(n, "label_changes").c_str());
        for (const auto& e : j["added"]) std::printf("A  %s\n", Str(e, "path").c_str());
        for (const auto& p : j["removed"]) std::printf("D  %s\n", p.get<std::string>().c_str());
        for (const auto& e : j["modified"]) std::printf("M  %s\n", Str(e, "path").c_str());
        for (const auto& r : j["renamed"]) std::printf("R  %s -> %s\n", Str(r, "from").c_str(), Str(r, "to").c_str());
        for (const auto& p : j["label_changes"]) std::printf("L  %s\n", p.get<std::string>().c_str());
        if (!j.contains("dictionaries")) return;
        for (const auto& dict : j["dictionaries"]) {
          const Json& dn = dict["counts"];
          std::printf("dictionary %s: %s terms added, %s removed, %s changed\n", Str(dict, "path").c_str(), Str(dn, "added").c_str(),
                      Str(dn, "removed").c_str(), Str(dn, "changed").c_str());
          for (const auto& t : dict["added"]) std::printf("  +  %s\n", t.get<std::string>().c_str());
          for (const auto& t : dict["removed"]) std::printf("  -  %s\n", t.get<std::string>().c_str());
          for (const auto& t : dict["changed"])
            std::printf("  ~  %s: %s -> %s\n", Str(t, "term").c_str(), Str(t, "from").c_str(), Str(t, "to").c_str());
        }
      });
      return Status::Ok();
    });

    auto* rollback = Sub(d, "rollback", "create a new version equal to an old one");
    auto* rref = Own<std::string>();
    rollback->add_option("PROJECT/DATASET@VERSION", *rref)->required();
    OnRun(rollback, [this, rref](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*rref, true));
      ASSIGN_OR_RETURN(Json j, c.Post(ref.Path() + "/versions/" + RestClient::Segment(ref.version) + "/rollback", Json::object()));
      Emit(g_, j, [&] { std::printf("%s now equals %s\n", Str(j["version"], "name").c_str(), ref.version.c_str()); });
      return Status::Ok();
    });

    auto* lineage = Sub(d, "lineage", "rounds, bundles, versions and the runs that used them");
    auto* lref = Own<std::string>();
    lineage->add_option("PROJECT/DATASET", *lref)->required();
    OnRun(lineage, [this, lref](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*lref, false));
      ASSIGN_OR_RETURN(Json j, c.Get(ref.Path() + "/lineage"));
      Emit(g_, j, [&] {
        std::map<std::string, std::string> label;
        for (const auto& n : j["nodes"]) label[Str(n, "id")] = Str(n, "label");
        TablePrinter t({"FROM", "RELATION", "TO"});
        for (const auto& e : j["edges"]) t.AddRow({label[Str(e, "from")], Str(e, "relation"), label[Str(e, "to")]});
        std::cout << t.Render();
      });
      return Status::Ok();
    });

    AddDataAnalysis(d);

    auto* use = Sub(d, "use", "record that a run read a data version");
    auto* run_id = Own<std::string>();
    auto* uref = Own<std::string>();
    use->add_option("RUN_ID", *run_id)->required();
    use->add_option("PROJECT/DATASET@VERSION", *uref)->required();
    OnRun(use, [this, run_id, uref](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*uref, true));
      (void)ref;
      ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/runs/" + RestClient::Segment(*run_id) + "/inputs", Json{{"kind", "dataset_version"}, {"ref", *uref}}));
      Emit(g_, j, [&] { std::printf("run %s used %s\n", run_id->c_str(), Str(j["input"], "ref").c_str()); });
      return Status::Ok();
    });
  }

  // `moebius data stats|quality|schema|transform`: the analysis routes of a version.
  void AddDataAnalysis(CLI::App* d) {
    auto query = [](const std::vector<std::pair<std::string, std::string>>& kv) {
      std::string q;
      for (const auto& [k, v] : kv)
        if (!v.empty()) q += (q.empty() ? "?" : "&") + k + "=" + RestClient::Segment(v);
      return q;
    };

    auto* stats = Sub(d, "stats", "column statistics of a version's table: counts, missing, mean, quantiles, top values, importance");
    auto* sref = Own<std::string>();
    auto* sitem = Own<std::string>();
    auto* slabel = Own<std::string>();
    auto* bins = Own<int>(10);
    stats->add_option("PROJECT/DATASET@VERSION", *sref)->required();
    stats->add_option("--item", *sitem, "the table item (default: the first CSV/TSV/JSONL)");
    stats->add_option("--label", *slabel, "label column: class balance and feature importance against it");
    stats->add_option("--bins", *bins, "histogram bins")->capture_default_str();
    OnRun(stats, [this, sref, sitem, slabel, bins, query](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*sref, true));
      ASSIGN_OR_RETURN(Json j, c.Get(ref.Path() + "/versions/" + RestClient::Segment(ref.version) + "/stats" +
                                     query({{"item", *sitem}, {"label", *slabel}, {"bins", std::to_string(*bins)}})));
      Emit(g_, j, [&] {
        const Json& s = j["stats"];
        std::printf("%s: %s rows\n", Str(j, "item").c_str(), Str(s, "rows").c_str());
        TablePrinter t({"COLUMN", "TYPE", "COUNT", "MISSING", "MEAN", "STD", "MIN", "MEDIAN", "MAX", "UNIQUE"});
        for (const auto& col : s["columns"])
          t.AddRow({Str(col, "name"), Str(col, "type"), Str(col, "count"), Str(col, "missing"), Str(col, "mean"), Str(col, "std"),
                    Str(col, "min"), Str(col, "q50"), Str(col, "max"), Str(col, "unique")});
        std::cout << t.Render();
        if (s.contains("importance") && !s["importance"].empty()) {
          TablePrinter imp({"FEATURE", "IMPORTANCE", "METHOD"});
          for (const auto& f : s["importance"]) imp.AddRow({Str(f, "feature"), Str(f, "score"), Str(f, "method")});
          std::cout << "\n" << imp.Render();
        }
      });
      return Status::Ok();
    });

    auto* quality = Sub(d, "quality", "quality report of a version: item findings, table anomalies against the saved schema");
    auto* qref = Own<std::string>();
    auto* qitem = Own<std::string>();
    auto* qlabel = Own<std::string>();
    quality->add_option("PROJECT/DATASET@VERSION", *qref)->required();
    quality->add_option("--item", *qitem, "the table item (default: the first CSV/TSV/JSONL)");
    quality->add_option("--label", *qlabel, "label column, for the imbalance check");
    OnRun(quality, [this, qref, qitem, qlabel, query](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*qref, true));
      ASSIGN_OR_RETURN(Json j, c.Get(ref.Path() + "/versions/" + RestClient::Segment(ref.version) + "/quality" +
                                     query({{"item", *qitem}, {"label", *qlabel}})));
      Emit(g_, j, [&] {
        std::printf("%s items checked\n", Str(j["items"], "items").c_str());
        TablePrinter t({"FINDING", "COUNT", "EXAMPLES"});
        for (const auto& f : j["items"]["findings"]) {
          std::string ex;
          for (const auto& e : f["examples"]) ex += (ex.empty() ? "" : ", ") + e.get<std::string>();
          t.AddRow({Str(f, "kind"), Str(f, "count"), ex});
        }
        if (j.contains("table")) {
          for (const auto& a : j["table"]["report"]["anomalies"]) {
            std::string rows;
            for (const auto& r : a["example_rows"]) rows += (rows.empty() ? "rows " : ", ") + r.dump();
            t.AddRow({Str(a, "kind") + (Str(a, "column").empty() ? "" : " (" + Str(a, "column") + ")"), Str(a, "count"), rows});
          }
        }
        std::cout << t.Render();
        if (j.contains("table")) {
          std::string against = Str(j["table"], "against");
          std::printf("table %s checked against %s\n", Str(j["table"], "item").c_str(),
                      against == "inferred" ? "a schema inferred from itself (no saved schema)" : ("the " + against).c_str());
        }
      });
      return Status::Ok();
    });

    auto* schema = Sub(d, "schema", "show the dataset's saved schema, or infer one from a version and save it");
    auto* scref = Own<std::string>();
    auto* infer = Own<std::string>();
    auto* sclabel = Own<std::string>();
    schema->add_option("PROJECT/DATASET", *scref)->required();
    schema->add_option("--infer-from", *infer, "infer from this version (e.g. v1) and save");
    schema->add_option("--label", *sclabel, "the label column (with --infer-from)");
    OnRun(schema, [this, scref, infer, sclabel](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*scref, false));
      Json j;
      if (infer->empty()) {
        ASSIGN_OR_RETURN(j, c.Get(ref.Path() + "/schema"));
      } else {
        Json body{{"version", *infer}};
        if (!sclabel->empty()) body["label"] = *sclabel;
        ASSIGN_OR_RETURN(j, c.Post(ref.Path() + "/schema", body));
      }
      Emit(g_, j, [&] {
        std::printf("schema from %s (%s)\n", Str(j, "version").c_str(), Str(j, "item").c_str());
        TablePrinter t({"COLUMN", "TYPE", "NULLABLE", "MIN", "MAX", "CATEGORIES"});
        for (const auto& col : j["schema"]["columns"]) {
          std::string cats;
          if (col.contains("categories"))
            for (const auto& v : col["categories"]) cats += (cats.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
          t.AddRow({Str(col, "name"), Str(col, "type"), Str(col, "nullable"), Str(col, "min"), Str(col, "max"), cats});
        }
        std::cout << t.Render();
      });
      return Status::Ok();
    });

    auto* transform = Sub(d, "transform", "fit a transform config on a version's table; the fitted spec is stored by its hash");
    auto* tref = Own<std::string>();
    auto* config = Own<std::string>();
    auto* titem = Own<std::string>();
    transform->add_option("PROJECT/DATASET@VERSION", *tref)->required();
    transform->add_option("--config", *config, "a JSON file: {\"columns\": [{\"column\", \"steps\": [...]}]}")->required();
    transform->add_option("--item", *titem, "the table item (default: the first CSV/TSV/JSONL)");
    OnRun(transform, [this, tref, config, titem](RestClient& c) -> Status {
      ASSIGN_OR_RETURN(DataRef ref, ParseRef(*tref, true));
      std::ifstream in(*config);
      if (!in) return InvalidArgument("cannot read " + *config);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      Json cfg = Json::parse(text, nullptr, false);
      if (cfg.is_discarded()) return InvalidArgument(*config + " is not JSON");
      Json body{{"config", cfg}};
      if (!titem->empty()) body["item"] = *titem;
      ASSIGN_OR_RETURN(Json j, c.Post(ref.Path() + "/versions/" + RestClient::Segment(ref.version) + "/transforms", body));
      Emit(g_, j, [&] { std::printf("transform %s fitted on %s (%s)\n", Str(j["transform"], "hash").c_str(), ref.version.c_str(), Str(j["transform"], "item").c_str()); });
      return Status::Ok();
    });
  }

  const Globals& globals() const override { return g_; }
  void Keep(std::shared_ptr<void> p) override { owned_.push_back(std::move(p)); }

  std::vector<std::shared_ptr<void>> owned_;
  CLI::App app_;
  Globals g_;
  std::function<Status()> action_;
};

}  // namespace

int RunCli(int argc, char** argv) {
  App app;
  return app.Run(argc, argv);
}

}  // namespace moebius::cli

// `moebius job ...`: submit command jobs, list and show them, follow their logs, cancel them.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "base/strings.h"
#include "cli/cli_app.h"
#include "cli/table_printer.h"

namespace moebius::cli {
namespace {

std::string JobPath(const std::string& id) { return "/api/v1/jobs/" + RestClient::Segment(id); }

std::string CommandLine(const Json& job) {
  std::string out;
  if (!job.contains("payload") || !job["payload"].contains("command")) return out;
  for (const auto& a : job["payload"]["command"]) {
    std::string s = a.is_string() ? a.get<std::string>() : a.dump();
    bool plain = !s.empty() && s.find_first_of(" \t\n'\"\\$`") == std::string::npos;
    if (!out.empty()) out += " ";
    out += plain ? s : "'" + s + "'";
  }
  return out;
}

// "12 r1/2": rank 1 of the 2 ranks of group 12; empty for an ordinary job.
std::string GroupCell(const Json& j) {
  if (!j.contains("group") || !j["group"].is_number_integer()) return "";
  return Str(j, "group") + " r" + Str(j, "rank") + "/" + Str(j, "world_size");
}

std::string Outcome(const Json& j) {
  std::string state = Str(j, "state");
  if (!Str(j, "error").empty()) state += ": " + Str(j, "error");
  return state;
}

// DATASET@VERSION[:PATH], VERSION as 3 or v3.
Result<Json> ParseDataInput(const std::string& text) {
  size_t at = text.find('@');
  if (at == std::string::npos || at == 0) return InvalidArgument("--data takes DATASET@VERSION[:PATH], got '" + text + "'");
  std::string rest = text.substr(at + 1), path;
  if (size_t colon = rest.find(':'); colon != std::string::npos) {
    path = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (path.empty()) return InvalidArgument("--data '" + text + "': the PATH after ':' is empty");
  }
  if (!rest.empty() && (rest[0] == 'v' || rest[0] == 'V')) rest = rest.substr(1);
  auto n = ParseInt64(rest);
  if (!n || *n < 1) return InvalidArgument("--data '" + text + "': VERSION must be a version number such as 3 or v3");
  Json e{{"dataset", text.substr(0, at)}, {"version", *n}};
  if (!path.empty()) e["path"] = path;
  return e;
}

// What `job submit` and `job schedule create` take to describe a job.
struct SubmitOptions {
  std::vector<std::string> command, env, data;
  std::string name, experiment, run_name, environment, code;
  int priority = 0, attempts = 3, workers = 1;
  int64_t rendezvous_timeout = 0;
  double cpus = 1;
  int64_t memory = 512, gpus = 0, timeout = 0;
  // With an environment, only the resources given on the command line override its defaults.
  CLI::Option *cpus_opt = nullptr, *memory_opt = nullptr, *gpus_opt = nullptr;
};

void AddSubmitOptions(CLI::App* cmd, SubmitOptions& o) {
  cmd->add_option("COMMAND", o.command, "the program and its arguments (after --); no shell unless you name one")->required();
  cmd->add_option("--name", o.name, "a name to show in lists");
  cmd->add_option("--priority", o.priority, "higher runs first (-1000 to 1000)")->capture_default_str();
  o.cpus_opt = cmd->add_option("--cpus", o.cpus, "CPUs the job needs")->capture_default_str();
  o.memory_opt = cmd->add_option("--memory-mb", o.memory, "memory the job needs, MiB")->capture_default_str();
  o.gpus_opt = cmd->add_option("--gpus", o.gpus, "GPUs the job needs")->capture_default_str();
  cmd->add_option("--timeout", o.timeout, "seconds before the job is stopped; 0 = none")->capture_default_str();
  cmd->add_option("--max-attempts", o.attempts, "runs allowed when workers die (1 = no retry)")->capture_default_str();
  cmd->add_option("--env", o.env, "K=V added to the job's environment (repeatable)")->allow_extra_args(false);
  cmd->add_option("--experiment", o.experiment,
                  "create a run for the job in this experiment (name or id; created if no experiment has the name); "
                  "the job gets MLFLOW_RUN_ID and its outcome becomes the run's status");
  cmd->add_option("--run-name", o.run_name, "name of the run --experiment creates");
  cmd->add_option("--data", o.data,
                  "DATASET@VERSION[:PATH]: materialize that data version in the job's directory under PATH "
                  "(default data/DATASET) before the command runs (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--environment", o.environment, "run with this environment of the project (its variables; its resources unless given)");
  cmd->add_option("--code", o.code, "unpack this code snapshot (id or 8+ hex prefix) into the job's directory");
  cmd->add_option("--workers", o.workers,
                  "run N ranks of one distributed group (2 to 64; each asks for the resources above): MOEBIUS_RANK, "
                  "MOEBIUS_WORLD_SIZE, MOEBIUS_JOB_GROUP, MOEBIUS_RENDEZVOUS; `moebius train xgboost` trains collectively")
      ->capture_default_str();
  cmd->add_option("--rendezvous-timeout", o.rendezvous_timeout,
                  "seconds the ranks may take to all start once one has (default 300); else every rank fails");
}

Result<Json> SubmitBody(const SubmitOptions& o) {
  Json payload{{"command", o.command}};
  if (!o.env.empty()) {
    Json e = Json::object();
    for (const auto& kv : o.env) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return InvalidArgument("--env takes NAME=VALUE, got '" + kv + "'");
      e[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    payload["env"] = e;
  }
  if (!o.data.empty()) {
    Json list = Json::array();
    for (const auto& d : o.data) {
      ASSIGN_OR_RETURN(Json entry, ParseDataInput(d));
      list.push_back(entry);
    }
    payload["data"] = list;
  }
  if (!o.environment.empty()) payload["environment"] = o.environment;
  if (!o.code.empty()) payload["code"] = o.code;
  Json body{{"payload", payload}, {"priority", o.priority}, {"timeout_s", o.timeout}, {"max_attempts", o.attempts}};
  const bool all = o.environment.empty();
  Json resources = Json::object();
  if (all || (o.cpus_opt && o.cpus_opt->count())) resources["cpus"] = o.cpus;
  if (all || (o.memory_opt && o.memory_opt->count())) resources["memory_mb"] = o.memory;
  if (all || (o.gpus_opt && o.gpus_opt->count())) resources["gpus"] = o.gpus;
  if (!resources.empty()) body["resources"] = resources;
  if (!o.name.empty()) body["name"] = o.name;
  if (o.workers != 1 || o.rendezvous_timeout != 0) {
    Json d{{"workers", o.workers}};
    if (o.rendezvous_timeout != 0) d["rendezvous_timeout_s"] = o.rendezvous_timeout;
    body["distributed"] = d;
  }
  if (!o.experiment.empty()) body["experiment"] = o.experiment;
  if (!o.run_name.empty()) {
    if (o.experiment.empty()) return InvalidArgument("--run-name needs --experiment");
    body["run_name"] = o.run_name;
  }
  return body;
}

}  // namespace

void AddJobCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* job = host.Noun("job", "jobs: commands run by workers (embedded in the server or `moebius worker`)");
  job->require_subcommand(1);

  auto* submit = host.Sub(job, "submit", "queue a command: moebius job submit PROJECT [options] -- CMD ARGS...");
  auto* project = host.Own<std::string>();
  auto* opts = host.Own<SubmitOptions>();
  submit->add_option("PROJECT", *project)->required();
  AddSubmitOptions(submit, *opts);
  host.OnRun(submit, [&g = g, project, opts](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json body, SubmitBody(*opts));
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*project) + "/jobs", body));
    Emit(g, j, [&] {
      std::printf("submitted job %s (%s)", Str(j["job"], "id").c_str(), Str(j["job"], "state").c_str());
      if (j["job"].value("run_id", Json()).is_string()) std::printf(", run %s", Str(j["job"], "run_id").c_str());
      if (j.contains("group")) {
        std::vector<std::string> ids;
        for (const auto& r : j["group"]) ids.push_back(Str(r, "id"));
        std::printf(", group %s of %zu ranks (jobs %s)", Str(j["job"], "group").c_str(), ids.size(), Join(ids, ", ").c_str());
      }
      std::printf("\n");
    });
    return Status::Ok();
  });

  // Recurring jobs: a cron expression (UTC) and the job to submit at each fire.
  auto* schedule = host.Sub(job, "schedule", "recurring jobs: create, list and delete cron schedules of a project");
  schedule->require_subcommand(1);
  auto* screate = host.Sub(schedule, "create", "moebius job schedule create PROJECT NAME --cron 'M H DOM MON DOW' [options] -- CMD ARGS...");
  auto* sproject = host.Own<std::string>();
  auto* sname = host.Own<std::string>();
  auto* cron = host.Own<std::string>();
  auto* sopts = host.Own<SubmitOptions>();
  screate->add_option("PROJECT", *sproject)->required();
  screate->add_option("NAME", *sname, "the schedule's name in the project")->required();
  screate->add_option("--cron", *cron, "five fields, UTC: minute hour day-of-month month day-of-week (or @daily, @hourly, ...)")->required();
  AddSubmitOptions(screate, *sopts);
  host.OnRun(screate, [&g = g, sproject, sname, cron, sopts](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json job, SubmitBody(*sopts));
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*sproject) + "/schedules",
                                    Json{{"name", *sname}, {"cron", *cron}, {"job", job}}));
    Emit(g, j, [&] {
      std::printf("schedule %s (%s) created; next fire %s UTC\n", Str(j["schedule"], "name").c_str(), Str(j["schedule"], "cron").c_str(),
                  Time(j["schedule"], "next_fire_at").c_str());
    });
    return Status::Ok();
  });
  auto* slist = host.Sub(schedule, "list", "a project's schedules");
  auto* lsproject = host.Own<std::string>();
  slist->add_option("PROJECT", *lsproject)->required();
  host.OnRun(slist, [&g = g, lsproject](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*lsproject) + "/schedules"));
    Emit(g, j, [&] {
      TablePrinter t({"ID", "NAME", "CRON (UTC)", "NEXT", "LAST", "LAST JOB", "BY", "COMMAND", "ERROR"}, 40);
      for (const auto& x : j["schedules"])
        t.AddRow({Str(x, "id"), Str(x, "name"), Str(x, "cron"), Time(x, "next_fire_at"), x.value("last_fire_at", 0) ? Time(x, "last_fire_at") : "",
                  x.value("last_job_id", 0) ? Str(x, "last_job_id") : "", Str(x, "created_by"), CommandLine(x["job"]), Str(x, "last_error")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });
  auto* sdelete = host.Sub(schedule, "delete", "delete a schedule (jobs it queued stay)");
  auto* dproject = host.Own<std::string>();
  auto* did = host.Own<std::string>();
  sdelete->add_option("PROJECT", *dproject)->required();
  sdelete->add_option("ID", *did)->required();
  host.OnRun(sdelete, [&g = g, dproject, did](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Delete("/api/v1/projects/" + RestClient::Segment(*dproject) + "/schedules/" + RestClient::Segment(*did)));
    Emit(g, j, [&] { std::printf("schedule %s deleted\n", did->c_str()); });
    return Status::Ok();
  });

  auto* list = host.Sub(job, "list", "a project's jobs, newest first");
  auto* lproject = host.Own<std::string>();
  auto* state = host.Own<std::string>();
  auto* limit = host.Own<int>(100);
  list->add_option("PROJECT", *lproject)->required();
  list->add_option("--state", *state, "queued, running, succeeded, failed, cancelled or timed_out");
  list->add_option("--limit", *limit, "at most this many")->capture_default_str();
  auto* lgroup = host.Own<int64_t>(0);
  list->add_option("--group", *lgroup, "only the ranks of this distributed group (its rank 0's job id)");
  host.OnRun(list, [&g = g, lproject, state, limit, lgroup](RestClient& c) -> Status {
    std::string path = "/api/v1/projects/" + RestClient::Segment(*lproject) + "/jobs?limit=" + std::to_string(*limit);
    if (!state->empty()) path += "&state=" + RestClient::Segment(*state);
    if (*lgroup > 0) path += "&group=" + std::to_string(*lgroup);
    ASSIGN_OR_RETURN(Json j, c.Get(path));
    Emit(g, j, [&] {
      TablePrinter t({"ID", "NAME", "STATE", "GROUP", "TRIES", "EXIT", "CREATED", "BY", "COMMAND", "ERROR"}, 40);
      for (const auto& x : j["jobs"])
        t.AddRow({Str(x, "id"), Str(x, "name"), Str(x, "state"), GroupCell(x), Str(x, "attempts") + "/" + Str(x, "max_attempts"),
                  Str(x, "exit_code"), Time(x, "created_at"), Str(x, "created_by"), CommandLine(x), Str(x, "error")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  auto* show = host.Sub(job, "show", "one job: its command, resources, state and outcome");
  auto* sid = host.Own<std::string>();
  show->add_option("ID", *sid)->required();
  host.OnRun(show, [&g = g, sid](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(JobPath(*sid)));
    Emit(g, j, [&] {
      const Json& x = j["job"];
      TablePrinter t({"FIELD", "VALUE"}, 100);
      t.AddRow({"id", Str(x, "id")});
      t.AddRow({"name", Str(x, "name")});
      t.AddRow({"command", CommandLine(x)});
      if (x["payload"].contains("env")) t.AddRow({"env", x["payload"]["env"].dump()});
      t.AddRow({"state", Str(x, "state") + (x.value("cancel_requested", false) && Str(x, "state") == "running" ? " (cancel requested)" : "")});
      t.AddRow({"attempts", Str(x, "attempts") + " of " + Str(x, "max_attempts")});
      if (!GroupCell(x).empty())
        t.AddRow({"group", "rank " + Str(x, "rank") + " of " + Str(x, "world_size") + " in group " + Str(x, "group") + " (rendezvous timeout " +
                               Str(x, "rendezvous_timeout_s") + " s; `moebius job list PROJECT --group " + Str(x, "group") + "`)"});
      t.AddRow({"priority", Str(x, "priority")});
      const Json& r = x["resources"];
      t.AddRow({"resources", Str(r, "cpus") + " cpus, " + Str(r, "memory_mb") + " MiB, " + Str(r, "gpus") + " gpus"});
      t.AddRow({"timeout", x.value("timeout_s", 0) ? Str(x, "timeout_s") + " s" : "none"});
      if (x.value("run_id", Json()).is_string()) t.AddRow({"run", Str(x, "run_id")});
      if (x["payload"].contains("data"))
        for (const auto& d : x["payload"]["data"])
          t.AddRow({"data", Str(d, "dataset") + "@v" + Str(d, "version") + " in " + Str(d, "path")});
      t.AddRow({"worker", Str(x, "worker")});
      t.AddRow({"created", Time(x, "created_at") + " by " + Str(x, "created_by")});
      if (x.value("started_at", 0) > 0) t.AddRow({"started", Time(x, "started_at")});
      if (x.value("finished_at", 0) > 0) t.AddRow({"finished", Time(x, "finished_at")});
      t.AddRow({"exit code", Str(x, "exit_code")});
      t.AddRow({"error", Str(x, "error")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  auto* logs = host.Sub(job, "logs", "a job's output; -f follows it until the job ends");
  auto* lid = host.Own<std::string>();
  auto* follow = host.Own<bool>(false);
  logs->add_option("ID", *lid)->required();
  logs->add_flag("-f,--follow", *follow, "keep printing new output until the job has ended");
  host.OnRun(logs, [&g = g, lid, follow](RestClient& c) -> Status {
    int64_t after = 0;
    for (;;) {
      ASSIGN_OR_RETURN(Json j, c.Get(JobPath(*lid) + "/logs?after=" + std::to_string(after)));
      for (const auto& ch : j["chunks"]) {
        after = ch["seq"].get<int64_t>();
        if (g.json) std::cout << ch.dump() << "\n";
        else std::cout << ch["text"].get<std::string>();
      }
      std::cout.flush();
      bool done = j.value("done", false);
      if (!*follow || done) {
        if (*follow && !g.json) {
          ASSIGN_OR_RETURN(Json job, c.Get(JobPath(*lid)));
          std::fprintf(stderr, "job %s %s\n", lid->c_str(), Outcome(job["job"]).c_str());
        }
        if (j["chunks"].size() >= 1000 && !done && !*follow) continue;  // a long log: read on
        return Status::Ok();
      }
      if (j["chunks"].empty()) std::this_thread::sleep_for(std::chrono::milliseconds(700));
    }
  });

  auto* cancel = host.Sub(job, "cancel", "cancel a job: a queued one at once, a running one through its worker");
  auto* cid = host.Own<std::string>();
  cancel->add_option("ID", *cid)->required();
  host.OnRun(cancel, [&g = g, cid](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post(JobPath(*cid) + "/cancel", Json::object()));
    Emit(g, j, [&] {
      const Json& x = j["job"];
      if (Str(x, "state") == "running") std::printf("cancel requested for job %s; its worker stops it within seconds\n", cid->c_str());
      else std::printf("job %s %s\n", cid->c_str(), Str(x, "state").c_str());
    });
    return Status::Ok();
  });
}

}  // namespace moebius::cli

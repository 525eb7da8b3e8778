// `moebius job ...`: submit command jobs, list and show them, follow their logs, cancel them.
#include <unistd.h>

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

std::string Outcome(const Json& j) {
  std::string state = Str(j, "state");
  if (!Str(j, "error").empty()) state += ": " + Str(j, "error");
  return state;
}

}  // namespace

void AddJobCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* job = host.Noun("job", "jobs: commands run by workers (embedded in the server or `moebius worker`)");
  job->require_subcommand(1);

  auto* submit = host.Sub(job, "submit", "queue a command: moebius job submit PROJECT [options] -- CMD ARGS...");
  auto* project = host.Own<std::string>();
  auto* command = host.Own<std::vector<std::string>>();
  auto* name = host.Own<std::string>();
  auto* priority = host.Own<int>(0);
  auto* cpus = host.Own<double>(1);
  auto* memory = host.Own<int64_t>(512);
  auto* gpus = host.Own<int64_t>(0);
  auto* timeout = host.Own<int64_t>(0);
  auto* attempts = host.Own<int>(3);
  auto* env = host.Own<std::vector<std::string>>();
  auto* environment = host.Own<std::string>();
  auto* code = host.Own<std::string>();
  submit->add_option("PROJECT", *project)->required();
  submit->add_option("COMMAND", *command, "the program and its arguments (after --); no shell unless you name one")->required();
  submit->add_option("--name", *name, "a name to show in lists");
  submit->add_option("--priority", *priority, "higher runs first (-1000 to 1000)")->capture_default_str();
  submit->add_option("--cpus", *cpus, "CPUs the job needs")->capture_default_str();
  submit->add_option("--memory-mb", *memory, "memory the job needs, MiB")->capture_default_str();
  submit->add_option("--gpus", *gpus, "GPUs the job needs")->capture_default_str();
  submit->add_option("--timeout", *timeout, "seconds before the job is stopped; 0 = none")->capture_default_str();
  submit->add_option("--max-attempts", *attempts, "runs allowed when workers die (1 = no retry)")->capture_default_str();
  submit->add_option("--env", *env, "K=V added to the job's environment (repeatable)")->allow_extra_args(false);
  submit->add_option("--environment", *environment, "run with this environment of the project (its variables; its resources unless given)");
  submit->add_option("--code", *code, "unpack this code snapshot (id or 8+ hex prefix) into the job's directory");
  host.OnRun(submit, [&g = g, project, command, name, priority, cpus, memory, gpus, timeout, attempts, env, environment, code,
                      submit](RestClient& c) -> Status {
    Json payload{{"command", *command}};
    if (!environment->empty()) payload["environment"] = *environment;
    if (!code->empty()) payload["code"] = *code;
    if (!env->empty()) {
      Json e = Json::object();
      for (const auto& kv : *env) {
        size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) return InvalidArgument("--env takes NAME=VALUE, got '" + kv + "'");
        e[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
      payload["env"] = e;
    }
    Json body{{"payload", payload}, {"priority", *priority}, {"timeout_s", *timeout}, {"max_attempts", *attempts}};
    // With an environment, only the resources given on the command line override its defaults.
    Json resources = Json::object();
    if (environment->empty() || submit->count("--cpus")) resources["cpus"] = *cpus;
    if (environment->empty() || submit->count("--memory-mb")) resources["memory_mb"] = *memory;
    if (environment->empty() || submit->count("--gpus")) resources["gpus"] = *gpus;
    if (!resources.empty()) body["resources"] = resources;
    if (!name->empty()) body["name"] = *name;
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*project) + "/jobs", body));
    Emit(g, j, [&] { std::printf("submitted job %s (%s)\n", Str(j["job"], "id").c_str(), Str(j["job"], "state").c_str()); });
    return Status::Ok();
  });

  auto* list = host.Sub(job, "list", "a project's jobs, newest first");
  auto* lproject = host.Own<std::string>();
  auto* state = host.Own<std::string>();
  auto* limit = host.Own<int>(100);
  list->add_option("PROJECT", *lproject)->required();
  list->add_option("--state", *state, "queued, running, succeeded, failed, cancelled or timed_out");
  list->add_option("--limit", *limit, "at most this many")->capture_default_str();
  host.OnRun(list, [&g = g, lproject, state, limit](RestClient& c) -> Status {
    std::string path = "/api/v1/projects/" + RestClient::Segment(*lproject) + "/jobs?limit=" + std::to_string(*limit);
    if (!state->empty()) path += "&state=" + RestClient::Segment(*state);
    ASSIGN_OR_RETURN(Json j, c.Get(path));
    Emit(g, j, [&] {
      TablePrinter t({"ID", "NAME", "STATE", "TRIES", "EXIT", "CREATED", "BY", "COMMAND", "ERROR"}, 40);
      for (const auto& x : j["jobs"])
        t.AddRow({Str(x, "id"), Str(x, "name"), Str(x, "state"), Str(x, "attempts") + "/" + Str(x, "max_attempts"), Str(x, "exit_code"),
                  Time(x, "created_at"), Str(x, "created_by"), CommandLine(x), Str(x, "error")});
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
      t.AddRow({"priority", Str(x, "priority")});
      const Json& r = x["resources"];
      t.AddRow({"resources", Str(r, "cpus") + " cpus, " + Str(r, "memory_mb") + " MiB, " + Str(r, "gpus") + " gpus"});
      t.AddRow({"timeout", x.value("timeout_s", 0) ? Str(x, "timeout_s") + " s" : "none"});
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

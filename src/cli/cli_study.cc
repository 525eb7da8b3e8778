// `moebius study ...`: create hyperparameter studies from a JSON spec, list, show, read their
// trials and stop them (EXP-5). The spec is the body of POST /api/v1/projects/{p}/studies plus
// "project" (docs/api.md, docs/design/hpo.md).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli_app.h"
#include "cli/table_printer.h"

namespace moebius::cli {
namespace {

std::string StudyPath(const std::string& id) { return "/api/v1/studies/" + RestClient::Segment(id); }

std::string Value(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
  }
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string Counts(const Json& s) {
  const Json& c = s["trial_counts"];
  int64_t done = c.value("complete", 0) + c.value("pruned", 0) + c.value("failed", 0);
  std::string out = std::to_string(done) + "/" + Str(s, "n_trials");
  if (c.value("running", 0) > 0) out += " (" + Str(c, "running") + " running)";
  return out;
}

std::string Best(const Json& s) {
  if (!s.contains("best_trial") || s["best_trial"].is_null()) return "";
  return Value(s["best_trial"]["value"]) + " (#" + Str(s["best_trial"], "number") + ")";
}

}  // namespace

void AddStudyCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* study = host.Noun("study", "hyperparameter studies: trials run as jobs, each trial a run");
  study->require_subcommand(1);

  auto* create = host.Sub(study, "create", "start a study from a JSON spec: moebius study create --file spec.json [--project P]");
  auto* file = host.Own<std::string>();
  auto* project = host.Own<std::string>();
  create->add_option("--file,-f", *file, "the spec (the API's body; may name its \"project\"); - reads stdin")->required();
  create->add_option("--project,-p", *project, "the project (overrides the spec's \"project\")");
  host.OnRun(create, [&g = g, file, project](RestClient& c) -> Status {
    std::stringstream text;
    if (*file == "-") {
      text << std::cin.rdbuf();
    } else {
      std::ifstream in(*file);
      if (!in) return InvalidArgument("cannot read " + *file);
      text << in.rdbuf();
    }
    Json spec = Json::parse(text.str(), nullptr, false);
    if (spec.is_discarded() || !spec.is_object()) return InvalidArgument(*file + " is not a JSON object");
    std::string p = *project;
    if (p.empty() && spec.contains("project") && spec["project"].is_string()) p = spec["project"].get<std::string>();
    if (p.empty()) return InvalidArgument("name the project with --project or a \"project\" field in the spec");
    spec.erase("project");
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(p) + "/studies", spec));
    Emit(g, j, [&] { std::printf("created study %s '%s' (%s)\n", Str(j["study"], "id").c_str(), Str(j["study"], "name").c_str(), Str(j["study"], "state").c_str()); });
    return Status::Ok();
  });

  auto* list = host.Sub(study, "list", "a project's studies, newest first");
  auto* lproject = host.Own<std::string>();
  list->add_option("PROJECT", *lproject)->required();
  host.OnRun(list, [&g = g, lproject](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*lproject) + "/studies"));
    Emit(g, j, [&] {
      TablePrinter t({"ID", "NAME", "STATE", "TRIALS", "SAMPLER", "METRIC", "BEST", "CREATED"}, 40);
      for (const auto& s : j["studies"])
        t.AddRow({Str(s, "id"), Str(s, "name"), Str(s, "state"), Counts(s), Str(s, "sampler"),
                  Str(s["objective"], "metric") + " (" + Str(s["objective"], "goal") + ")", Best(s), Time(s, "created_at")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  auto* show = host.Sub(study, "show", "one study: its spec, state and best trial");
  auto* sid = host.Own<std::string>();
  show->add_option("ID", *sid)->required();
  host.OnRun(show, [&g = g, sid](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(StudyPath(*sid)));
    Emit(g, j, [&] {
      const Json& s = j["study"];
      TablePrinter t({"FIELD", "VALUE"}, 100);
      t.AddRow({"id", Str(s, "id")});
      t.AddRow({"name", Str(s, "name")});
      t.AddRow({"project", Str(s, "project")});
      t.AddRow({"state", Str(s, "state") + (Str(s, "error").empty() ? "" : ": " + Str(s, "error"))});
      t.AddRow({"objective", Str(s["objective"], "metric") + " (" + Str(s["objective"], "goal") + ")"});
      t.AddRow({"sampler", s["spec"]["sampler"].dump()});
      t.AddRow({"pruner", s["spec"]["pruner"].dump()});
      t.AddRow({"trials", Counts(s)});
      t.AddRow({"parallelism", Str(s["spec"], "parallelism")});
      t.AddRow({"experiment", Str(s, "experiment_id")});
      t.AddRow({"parent run", Str(s, "parent_run_id")});
      if (!s["best_trial"].is_null()) {
        t.AddRow({"best", Best(s)});
        t.AddRow({"best params", s["best_trial"]["params"].dump()});
        t.AddRow({"best run", Str(s["best_trial"], "run_id")});
      }
      t.AddRow({"created", Time(s, "created_at") + " by " + Str(s, "created_by")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  auto* trials = host.Sub(study, "trials", "a study's trials: params, state, value, run and job");
  auto* tid = host.Own<std::string>();
  trials->add_option("ID", *tid)->required();
  host.OnRun(trials, [&g = g, tid](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(StudyPath(*tid) + "/trials"));
    Emit(g, j, [&] {
      TablePrinter t({"#", "STATE", "VALUE", "STEPS", "PARAMS", "RUN", "JOB", "ERROR"}, 50);
      for (const auto& x : j["trials"])
        t.AddRow({Str(x, "number"), Str(x, "state"), Value(x["value"]), std::to_string(x["intermediate"].size()), x["params"].dump(),
                  Str(x, "run_id"), Str(x, "job_id"), Str(x, "error")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  auto* stop = host.Sub(study, "stop", "stop a study: its running trials' jobs are cancelled");
  auto* pid = host.Own<std::string>();
  stop->add_option("ID", *pid)->required();
  host.OnRun(stop, [&g = g, pid](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post(StudyPath(*pid) + "/stop", Json::object()));
    Emit(g, j, [&] { std::printf("study %s %s\n", pid->c_str(), Str(j["study"], "state").c_str()); });
    return Status::Ok();
  });
  auto* trainers = host.Sub(study, "trainers", "the built-in trainers an AutoML study's algorithms may name, with their default spaces");
  host.OnRun(trainers, [&g = g](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/trainers"));
    Emit(g, j, [&] {
      TablePrinter t({"TRAINER", "DESCRIPTION", "DEFAULT SPACE"}, 120);
      for (const auto& x : j["trainers"]) {
        std::string space;
        for (const auto& p : x["space"]) space += (space.empty() ? "" : " ") + Str(p, "name");
        t.AddRow({Str(x, "name"), Str(x, "description"), space});
      }
      std::cout << t.Render();
    });
    return Status::Ok();
  });
}

}  // namespace moebius::cli

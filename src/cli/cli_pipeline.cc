// `moebius component ...` and `moebius pipeline ...` (EXP-3): register components and pipelines
// from JSON files, list and show them, run a pipeline, list its runs, follow and cancel a run.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/strings.h"
#include "cli/cli_app.h"
#include "cli/table_printer.h"

namespace moebius::cli {
namespace {

std::string ProjectPath(const std::string& project) { return "/api/v1/projects/" + RestClient::Segment(project); }

Result<Json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return InvalidArgument(path + " is not valid JSON (YAML is not read: write the definition as JSON)");
  return j;
}

// A --param value: JSON when it parses (numbers, true/false, quoted strings), else the text.
Json ParamValue(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || j.is_object() || j.is_array() || j.is_null()) return text;
  return j;
}

void PrintSteps(const Json& run) {
  TablePrinter t({"STEP", "COMPONENT", "STATE", "JOB", "RUN", "CACHED FROM", "ERROR"}, 48);
  for (const auto& s : run.value("steps", Json::array()))
    t.AddRow({Str(s, "name"), Str(s, "component") + "@" + Str(s, "component_version"), Str(s, "state"), Str(s, "job_id"), Str(s, "run_id"),
              Str(s, "cached_from"), Str(s, "error")});
  std::printf("pipeline run %s of %s v%s: %s%s\n", Str(run, "id").c_str(), Str(run, "pipeline").c_str(), Str(run, "pipeline_version").c_str(),
              Str(run, "state").c_str(), Str(run, "error").empty() ? "" : (" (" + Str(run, "error") + ")").c_str());
  std::fputs(t.Render().c_str(), stdout);
}

CLI::App* AddDefinitionCommands(CommandHost& host, const char* noun, const char* help, const std::string& plural) {
  const Globals& g = host.globals();
  auto* cmd = host.Noun(noun, help);
  cmd->require_subcommand(1);
  std::string singular = noun;

  auto* create = host.Sub(cmd, "create", "register a definition from a JSON file (a new version when it changed)");
  auto* project = host.Own<std::string>();
  auto* file = host.Own<std::string>();
  create->add_option("PROJECT", *project)->required();
  create->add_option("FILE", *file, "the definition as JSON (see docs/design/pipeline.md)")->required();
  host.OnRun(create, [&g = g, project, file, plural, singular](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json def, ReadJsonFile(*file));
    ASSIGN_OR_RETURN(Json j, c.Post(ProjectPath(*project) + "/" + plural, def));
    Emit(g, j, [&] {
      const Json& d = j[singular];
      std::printf("%s %s version %s%s (hash %s)\n", singular.c_str(), Str(d, "name").c_str(), Str(d, "version").c_str(),
                  j.value("created", false) ? " created" : " unchanged", Str(d, "hash").substr(0, 12).c_str());
    });
    return Status::Ok();
  });

  auto* list = host.Sub(cmd, "list", "the latest version of each");
  auto* lproject = host.Own<std::string>();
  list->add_option("PROJECT", *lproject)->required();
  host.OnRun(list, [&g = g, lproject, plural, singular](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(ProjectPath(*lproject) + "/" + plural));
    Emit(g, j, [&] {
      bool comp = singular == "component";
      TablePrinter t({"NAME", "VERSION", comp ? "KIND" : "STEPS", "CREATED", "BY", "DESCRIPTION"}, 48);
      for (const auto& d : j[plural])
        t.AddRow({Str(d, "name"), Str(d, "version"),
                  comp ? Str(d["definition"], "kind") : std::to_string(d["definition"].value("steps", Json::array()).size()),
                  Time(d, "created_at"), Str(d, "created_by"), Str(d["definition"], "description")});
      std::fputs(t.Render().c_str(), stdout);
    });
    return Status::Ok();
  });

  auto* show = host.Sub(cmd, "show", "one definition (the latest, or --version N) and its versions");
  auto* sproject = host.Own<std::string>();
  auto* name = host.Own<std::string>();
  auto* version = host.Own<int64_t>(0);
  show->add_option("PROJECT", *sproject)->required();
  show->add_option("NAME", *name)->required();
  show->add_option("--version", *version, "a version instead of the latest");
  host.OnRun(show, [&g = g, sproject, name, version, plural, singular](RestClient& c) -> Status {
    std::string path = ProjectPath(*sproject) + "/" + plural + "/" + RestClient::Segment(*name);
    ASSIGN_OR_RETURN(Json j, c.Get(*version > 0 ? path + "/versions/" + std::to_string(*version) : path));
    Emit(g, j, [&] {
      const Json& d = j[singular];
      std::printf("%s %s version %s (hash %s) by %s at %s\n%s\n", singular.c_str(), Str(d, "name").c_str(), Str(d, "version").c_str(),
                  Str(d, "hash").c_str(), Str(d, "created_by").c_str(), Time(d, "created_at").c_str(), d["definition"].dump(2).c_str());
      if (j.contains("versions")) {
        std::printf("versions:");
        for (const auto& v : j["versions"]) std::printf(" %s", Str(v, "version").c_str());
        std::printf("\n");
      }
    });
    return Status::Ok();
  });
  return cmd;
}

}  // namespace

void AddPipelineCommands(CommandHost& host) {
  AddDefinitionCommands(host, "component", "components: versioned command templates that pipeline steps run", "components");
  CLI::App* pipeline = AddDefinitionCommands(host, "pipeline", "pipelines: DAGs of component steps, run as jobs with cached steps", "pipelines");
  const Globals& g = host.globals();

  auto* run = host.Sub(pipeline, "run", "start a run: moebius pipeline run PROJECT NAME [--param K=V ...] [--wait]");
  auto* project = host.Own<std::string>();
  auto* name = host.Own<std::string>();
  auto* params = host.Own<std::vector<std::string>>();
  auto* params_file = host.Own<std::string>();
  auto* version = host.Own<int64_t>(0);
  auto* no_cache = host.Own<bool>(false);
  auto* wait = host.Own<bool>(false);
  run->add_option("PROJECT", *project)->required();
  run->add_option("NAME", *name)->required();
  run->add_option("--param", *params, "K=V pipeline parameter (repeatable; V is read as JSON when it parses)")->allow_extra_args(false);
  run->add_option("--params-file", *params_file, "a JSON object of pipeline parameters");
  run->add_option("--version", *version, "a pipeline version instead of the latest");
  run->add_flag("--no-cache", *no_cache, "run every step even when a cached result exists");
  run->add_flag("--wait", *wait, "wait until the run ends and print its steps (exit 1 unless it succeeded)");
  host.OnRun(run, [&g = g, project, name, params, params_file, version, no_cache, wait](RestClient& c) -> Status {
    Json p = Json::object();
    if (!params_file->empty()) {
      ASSIGN_OR_RETURN(p, ReadJsonFile(*params_file));
      if (!p.is_object()) return InvalidArgument(*params_file + " must hold a JSON object of parameters");
    }
    for (const auto& kv : *params) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return InvalidArgument("--param takes NAME=VALUE, got '" + kv + "'");
      p[kv.substr(0, eq)] = ParamValue(kv.substr(eq + 1));
    }
    Json body{{"parameters", p}, {"cache", !*no_cache}};
    if (*version > 0) body["version"] = *version;
    ASSIGN_OR_RETURN(Json j, c.Post(ProjectPath(*project) + "/pipelines/" + RestClient::Segment(*name) + "/runs", body));
    std::string id = Str(j["run"], "id");
    if (!*wait) {
      Emit(g, j, [&] { std::printf("started pipeline run %s (%s)\n", id.c_str(), Str(j["run"], "state").c_str()); });
      return Status::Ok();
    }
    for (;;) {
      if (Str(j["run"], "state") != "running") break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
      ASSIGN_OR_RETURN(j, c.Get("/api/v1/pipeline-runs/" + id));
    }
    Emit(g, j, [&] { PrintSteps(j["run"]); });
    if (Str(j["run"], "state") != "succeeded") return FailedPrecondition("pipeline run " + id + " " + Str(j["run"], "state"));
    return Status::Ok();
  });

  auto* runs = host.Sub(pipeline, "runs", "runs of a project's pipelines (or of one), newest first; --id N shows one run's steps");
  auto* rproject = host.Own<std::string>();
  auto* rname = host.Own<std::string>();
  auto* rid = host.Own<int64_t>(0);
  runs->add_option("PROJECT", *rproject)->required();
  runs->add_option("PIPELINE", *rname, "only this pipeline's runs");
  runs->add_option("--id", *rid, "show this run with its steps");
  host.OnRun(runs, [&g = g, rproject, rname, rid](RestClient& c) -> Status {
    if (*rid > 0) {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/pipeline-runs/" + std::to_string(*rid)));
      Emit(g, j, [&] { PrintSteps(j["run"]); });
      return Status::Ok();
    }
    std::string path = rname->empty() ? ProjectPath(*rproject) + "/pipeline-runs"
                                      : ProjectPath(*rproject) + "/pipelines/" + RestClient::Segment(*rname) + "/runs";
    ASSIGN_OR_RETURN(Json j, c.Get(path));
    Emit(g, j, [&] {
      TablePrinter t({"ID", "PIPELINE", "VERSION", "STATE", "CREATED", "BY", "PARAMS", "ERROR"}, 48);
      for (const auto& r : j["runs"])
        t.AddRow({Str(r, "id"), Str(r, "pipeline"), Str(r, "pipeline_version"), Str(r, "state"), Time(r, "created_at"), Str(r, "created_by"),
                  r["params"].dump(), Str(r, "error")});
      std::fputs(t.Render().c_str(), stdout);
    });
    return Status::Ok();
  });

  auto* cancel = host.Sub(pipeline, "cancel", "cancel a pipeline run: its running step jobs are cancelled, pending steps skipped");
  auto* cid = host.Own<int64_t>(0);
  cancel->add_option("RUN", *cid, "pipeline run id")->required();
  host.OnRun(cancel, [&g = g, cid](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/pipeline-runs/" + std::to_string(*cid) + "/cancel", Json::object()));
    Emit(g, j, [&] { std::printf("pipeline run %s %s\n", Str(j["run"], "id").c_str(), Str(j["run"], "state").c_str()); });
    return Status::Ok();
  });
}

}  // namespace moebius::cli

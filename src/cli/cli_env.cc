// `moebius env ...`: a project's development and inference environments (PRJ-6): list, show (with
// revisions; secret values masked), create, update (a new revision; unspecified fields keep their
// values, secrets are kept without being read back) and delete.
#include <cstdio>
#include <iostream>

#include "base/strings.h"
#include "cli/cli_app.h"
#include "cli/table_printer.h"

namespace moebius::cli {
namespace {

std::string EnvPath(const std::string& project, const std::string& name = "") {
  std::string p = "/api/v1/projects/" + RestClient::Segment(project) + "/environments";
  if (!name.empty()) p += "/" + RestClient::Segment(name);
  return p;
}

struct EnvFlags {
  std::string kind, image, description, message, file;
  double cpus = -1;  // -1: not given
  int64_t memory_mb = -1, gpus = -1;
  std::vector<std::string> vars, secrets, params, refs, unset;
};

void AddEnvFlags(CLI::App* cmd, EnvFlags* f) {
  cmd->add_option("--kind", f->kind, "development or inference");
  cmd->add_option("--image", f->image, "container image reference (recorded; jobs run on the worker's host)");
  cmd->add_option("--description", f->description, "what the environment is for");
  cmd->add_option("--cpus", f->cpus, "CPUs a job gets by default");
  cmd->add_option("--memory-mb", f->memory_mb, "memory a job gets by default, MiB");
  cmd->add_option("--gpus", f->gpus, "GPUs a job gets by default");
  cmd->add_option("--var", f->vars, "NAME=VALUE variable (repeatable)")->allow_extra_args(false);
  cmd->add_option("--secret", f->secrets, "NAME=VALUE secret variable, never shown back (repeatable)")->allow_extra_args(false);
  cmd->add_option("--param", f->params, "NAME=JSON parameter default, e.g. lr=0.1 (repeatable)")->allow_extra_args(false);
  cmd->add_option("--ref", f->refs, "NAME=/absolute/path reference path (repeatable)")->allow_extra_args(false);
  cmd->add_option("--unset", f->unset, "remove a variable, parameter or reference by name (update; repeatable)")->allow_extra_args(false);
  cmd->add_option("--file", f->file, "a JSON spec to start from ({kind, image, resources, variables, parameters, references})");
  cmd->add_option("-m,--message", f->message, "what this revision changes");
}

Result<std::pair<std::string, std::string>> KeyValue(const std::string& flag, const std::string& kv) {
  size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) return InvalidArgument(flag + " takes NAME=VALUE, got '" + kv + "'");
  return std::make_pair(kv.substr(0, eq), kv.substr(eq + 1));
}

void Upsert(Json& list, const std::string& name, Json item) {
  for (auto& x : list)
    if (x.value("name", "") == name) {
      x = std::move(item);
      return;
    }
  list.push_back(std::move(item));
}

// `base`: the current environment (update) or {} (create); returns the body to send.
Result<Json> BuildSpec(const EnvFlags& f, Json base) {
  if (!f.file.empty()) {
    std::FILE* in = std::fopen(f.file.c_str(), "rb");
    if (!in) return InvalidArgument("cannot read " + f.file);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) text.append(buf, n);
    std::fclose(in);
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return InvalidArgument(f.file + " is not a JSON object");
    for (auto it = j.begin(); it != j.end(); ++it) base[it.key()] = it.value();
  }
  Json body = Json::object();
  for (const char* k : {"kind", "description", "image", "isolation", "resources", "variables", "parameters", "references"})
    if (base.contains(k)) body[k] = base[k];
  if (!body.contains("variables")) body["variables"] = Json::array();
  if (!body.contains("references")) body["references"] = Json::array();
  if (!body.contains("parameters")) body["parameters"] = Json::object();
  if (!body.contains("resources")) body["resources"] = Json::object();
  if (!f.kind.empty()) body["kind"] = f.kind;
  if (!f.image.empty()) body["image"] = f.image;
  if (!f.description.empty()) body["description"] = f.description;
  if (f.cpus >= 0) body["resources"]["cpus"] = f.cpus;
  if (f.memory_mb >= 0) body["resources"]["memory_mb"] = f.memory_mb;
  if (f.gpus >= 0) body["resources"]["gpus"] = f.gpus;
  for (const auto& name : f.unset) {
    for (const char* list : {"variables", "references"}) {
      Json kept = Json::array();
      for (auto& x : body[list])
        if (x.value("name", "") != name) kept.push_back(x);
      body[list] = kept;
    }
    body["parameters"].erase(name);
  }
  for (const auto& kv : f.vars) {
    ASSIGN_OR_RETURN(auto p, KeyValue("--var", kv));
    Upsert(body["variables"], p.first, {{"name", p.first}, {"value", p.second}, {"secret", false}});
  }
  for (const auto& kv : f.secrets) {
    ASSIGN_OR_RETURN(auto p, KeyValue("--secret", kv));
    Upsert(body["variables"], p.first, {{"name", p.first}, {"value", p.second}, {"secret", true}});
  }
  for (const auto& kv : f.params) {
    ASSIGN_OR_RETURN(auto p, KeyValue("--param", kv));
    Json v = Json::parse(p.second, nullptr, false);
    body["parameters"][p.first] = v.is_discarded() ? Json(p.second) : v;  // a bare word is a string
  }
  for (const auto& kv : f.refs) {
    ASSIGN_OR_RETURN(auto p, KeyValue("--ref", kv));
    Upsert(body["references"], p.first, {{"name", p.first}, {"path", p.second}});
  }
  if (!f.message.empty()) body["message"] = f.message;
  return body;
}

void PrintEnvironment(const Json& e) {
  TablePrinter t({"FIELD", "VALUE"}, 100);
  t.AddRow({"name", Str(e, "name")});
  t.AddRow({"kind", Str(e, "kind")});
  t.AddRow({"revision", Str(e, "revision") + " of " + Str(e, "latest_revision")});
  if (!Str(e, "description").empty()) t.AddRow({"description", Str(e, "description")});
  t.AddRow({"image", Str(e, "image").empty() ? "(none)" : Str(e, "image") + " (recorded; isolation " + Str(e, "isolation") + ")"});
  const Json& r = e["resources"];
  t.AddRow({"resources", Str(r, "cpus") + " cpus, " + Str(r, "memory_mb") + " MiB, " + Str(r, "gpus") + " gpus"});
  for (const auto& v : e["variables"])
    t.AddRow({"var " + Str(v, "name"), v.value("secret", false) ? "******** (secret)" : Str(v, "value")});
  for (auto it = e["parameters"].begin(); it != e["parameters"].end(); ++it) t.AddRow({"param " + it.key(), it->dump()});
  for (const auto& ref : e["references"]) t.AddRow({"ref " + Str(ref, "name"), Str(ref, "path")});
  t.AddRow({"revised", Time(e, "revised_at") + " by " + Str(e, "revised_by") + (Str(e, "message").empty() ? "" : ": " + Str(e, "message"))});
  std::cout << t.Render();
}

}  // namespace

void AddEnvCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* env = host.Noun("env", "environments: resources, image, variables, parameters and reference paths jobs run with");
  env->require_subcommand(1);

  auto* list = host.Sub(env, "list", "a project's environments");
  auto* lproject = host.Own<std::string>();
  list->add_option("PROJECT", *lproject)->required();
  host.OnRun(list, [&g = g, lproject](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(EnvPath(*lproject)));
    Emit(g, j, [&] {
      TablePrinter t({"NAME", "KIND", "REV", "CPUS", "MEM MB", "GPUS", "IMAGE", "VARS", "REVISED"}, 40);
      for (const auto& e : j["environments"])
        t.AddRow({Str(e, "name"), Str(e, "kind"), Str(e, "revision"), Str(e["resources"], "cpus"), Str(e["resources"], "memory_mb"),
                  Str(e["resources"], "gpus"), Str(e, "image"), std::to_string(e["variables"].size()), Time(e, "revised_at")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  auto* show = host.Sub(env, "show", "one environment (secret values masked) and its revisions");
  auto* sproject = host.Own<std::string>();
  auto* sname = host.Own<std::string>();
  auto* srev = host.Own<int64_t>(0);
  show->add_option("PROJECT", *sproject)->required();
  show->add_option("NAME", *sname)->required();
  show->add_option("--revision", *srev, "an earlier revision");
  host.OnRun(show, [&g = g, sproject, sname, srev](RestClient& c) -> Status {
    std::string path = EnvPath(*sproject, *sname);
    ASSIGN_OR_RETURN(Json j, c.Get(path + (*srev > 0 ? "?revision=" + std::to_string(*srev) : "")));
    ASSIGN_OR_RETURN(Json revs, c.Get(path + "/revisions"));
    j["revisions"] = revs["revisions"];
    Emit(g, j, [&] {
      PrintEnvironment(j["environment"]);
      TablePrinter t({"REV", "WHEN", "BY", "MESSAGE"}, 60);
      for (const auto& r : j["revisions"]) t.AddRow({Str(r, "revision"), Time(r, "created_at"), Str(r, "created_by"), Str(r, "message")});
      std::cout << "\n" << t.Render();
    });
    return Status::Ok();
  });

  auto* create = host.Sub(env, "create", "create an environment (revision 1)");
  auto* cproject = host.Own<std::string>();
  auto* cname = host.Own<std::string>();
  auto* cflags = host.Own<EnvFlags>();
  create->add_option("PROJECT", *cproject)->required();
  create->add_option("NAME", *cname)->required();
  AddEnvFlags(create, cflags);
  host.OnRun(create, [&g = g, cproject, cname, cflags](RestClient& c) -> Status {
    if (!cflags->unset.empty()) return InvalidArgument("--unset is for update");
    ASSIGN_OR_RETURN(Json body, BuildSpec(*cflags, Json::object()));
    body["name"] = *cname;
    ASSIGN_OR_RETURN(Json j, c.Post(EnvPath(*cproject), body));
    Emit(g, j, [&] { std::printf("created environment %s (revision %s)\n", cname->c_str(), Str(j["environment"], "revision").c_str()); });
    return Status::Ok();
  });

  auto* update = host.Sub(env, "update", "change an environment: a new revision; what you do not name is kept");
  auto* uproject = host.Own<std::string>();
  auto* uname = host.Own<std::string>();
  auto* uflags = host.Own<EnvFlags>();
  update->add_option("PROJECT", *uproject)->required();
  update->add_option("NAME", *uname)->required();
  AddEnvFlags(update, uflags);
  host.OnRun(update, [&g = g, uproject, uname, uflags](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json cur, c.Get(EnvPath(*uproject, *uname)));
    // Secret values come back as null: sent as null, the server keeps them.
    ASSIGN_OR_RETURN(Json body, BuildSpec(*uflags, cur["environment"]));
    ASSIGN_OR_RETURN(Json j, c.Put(EnvPath(*uproject, *uname), body));
    Emit(g, j, [&] { std::printf("updated environment %s (revision %s)\n", uname->c_str(), Str(j["environment"], "revision").c_str()); });
    return Status::Ok();
  });

  auto* del = host.Sub(env, "delete", "delete an environment (queued jobs keep the revision they pinned)");
  auto* dproject = host.Own<std::string>();
  auto* dname = host.Own<std::string>();
  del->add_option("PROJECT", *dproject)->required();
  del->add_option("NAME", *dname)->required();
  host.OnRun(del, [&g = g, dproject, dname](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Delete(EnvPath(*dproject, *dname)));
    Emit(g, j, [&] { std::printf("deleted environment %s\n", dname->c_str()); });
    return Status::Ok();
  });
}

}  // namespace moebius::cli

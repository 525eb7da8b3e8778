// `moebius model register|list|show|version|stage|alias|card|retire`: the model registry (REG-1 to REG-3)
// through the REST API.
#include <cstdio>
#include <fstream>
#include <iterator>

#include "base/strings.h"
#include "cli/cli_app.h"

namespace moebius::cli {
namespace {

void PrintVersionLine(const Json& v) {
  std::string aliases;
  for (const Json& a : v.value("aliases", Json::array())) aliases += (aliases.empty() ? "" : ",") + a.get<std::string>();
  std::string stage = Str(v, "stage") + (v.contains("retirement") && !v["retirement"].is_null() ? " (retired)" : "");
  std::printf("%-4s %-12s %-12s %-8s %-16s %-24s %s\n", Str(v, "version").c_str(), stage.c_str(), Str(v, "format").c_str(),
              Str(v, "flavor").c_str(), Time(v, "created_at").c_str(), Str(v, "source").substr(0, 24).c_str(), aliases.c_str());
}

}  // namespace

CLI::App* AddModelCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* model = host.Noun("model", "registered models and their versions (registry)");

  auto* reg = host.Sub(model, "register", "register a version from a run's model folder or a confirmed package");
  auto* project = host.Own<std::string>();
  auto* name = host.Own<std::string>();
  auto* run = host.Own<std::string>();
  auto* path = host.Own<std::string>("model");
  auto* package = host.Own<int64_t>(0);
  auto* description = host.Own<std::string>();
  auto* tags = host.Own<std::vector<std::string>>();
  reg->add_option("PROJECT", *project)->required();
  reg->add_option("MODEL", *name, "the registered model (created on its first version)")->required();
  reg->add_option("--run", *run, "the run whose artifact folder holds the model");
  reg->add_option("--path", *path, "the folder in the run's artifacts (or in the package)")->capture_default_str();
  reg->add_option("--package", *package, "a confirmed package id instead of --run");
  reg->add_option("--description", *description);
  reg->add_option("--tag", *tags, "KEY=VALUE, repeatable");
  host.OnRun(reg, [&g = g, project, name, run, path, package, description, tags](RestClient& c) -> Status {
    if (run->empty() == (*package == 0)) return InvalidArgument("give one of --run RUN and --package ID");
    Json body{{"path", *path}, {"description", *description}, {"tags", Json::object()}};
    if (!run->empty()) body["run_id"] = *run;
    if (*package > 0) body["package_id"] = *package;
    for (const auto& t : *tags) {
      size_t eq = t.find('=');
      if (eq == std::string::npos || eq == 0) return InvalidArgument("--tag must be KEY=VALUE, got '" + t + "'");
      body["tags"][t.substr(0, eq)] = t.substr(eq + 1);
    }
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + UrlEncode(*project) + "/models/" + UrlEncode(*name) + "/versions", body));
    const Json& v = j["version"];
    Emit(g, j, [&] {
      std::printf("registered %s version %s (%s, %s), content sha256 %s\n", Str(v, "model").c_str(), Str(v, "version").c_str(),
                  Str(v, "format").c_str(), Str(v, "flavor").c_str(), Str(v, "content_sha256").substr(0, 16).c_str());
      for (const Json& in : v["signature"].value("inputs", Json::array()))
        std::printf("  input  %-24s %-6s %s\n", Str(in, "name").c_str(), Str(in, "datatype").c_str(), in["shape"].dump().c_str());
    });
    return Status::Ok();
  });

  auto* list = host.Sub(model, "list", "the registered models of a project");
  auto* lproject = host.Own<std::string>();
  auto* filter = host.Own<std::string>();
  list->add_option("PROJECT", *lproject)->required();
  list->add_option("--filter", *filter, "MLflow search grammar, e.g. \"tags.team = 'risk'\"");
  host.OnRun(list, [&g = g, lproject, filter](RestClient& c) -> Status {
    std::string q = filter->empty() ? "" : "?filter=" + UrlEncode(*filter);
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + UrlEncode(*lproject) + "/models" + q));
    Emit(g, j, [&] {
      std::printf("%-32s %-8s %-8s %s\n", "NAME", "VERSIONS", "LATEST", "STAGES");
      for (const Json& m : j["models"])
        std::printf("%-32s %-8s %-8s %s\n", Str(m, "name").c_str(), Str(m, "version_count").c_str(), Str(m, "latest_version").c_str(),
                    m["stages"].dump().c_str());
    });
    return Status::Ok();
  });

  auto* show = host.Sub(model, "show", "a model and its versions");
  auto* sname = host.Own<std::string>();
  show->add_option("MODEL", *sname)->required();
  host.OnRun(show, [&g = g, sname](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/models/" + UrlEncode(*sname)));
    Emit(g, j, [&] {
      const Json& m = j["model"];
      std::printf("%s (project %s): %s\naliases: %s\n", Str(m, "name").c_str(), Str(m, "project_id").c_str(), Str(m, "description").c_str(),
                  m["aliases"].dump().c_str());
      std::printf("%-4s %-12s %-12s %-8s %-16s %-24s %s\n", "VER", "STAGE", "FORMAT", "FLAVOR", "CREATED", "SOURCE", "ALIASES");
      for (const Json& v : j["versions"]) PrintVersionLine(v);
    });
    return Status::Ok();
  });

  auto* version = host.Sub(model, "version", "one version: files, signature, lineage and stage history");
  auto* vname = host.Own<std::string>();
  auto* vnum = host.Own<std::string>();
  version->add_option("MODEL", *vname)->required();
  version->add_option("VERSION", *vnum)->required();
  host.OnRun(version, [&g = g, vname, vnum](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/models/" + UrlEncode(*vname) + "/versions/" + UrlEncode(*vnum)));
    const Json& v = j["version"];
    Emit(g, j, [&] {
      std::printf("%s version %s: %s, %s %s (%s)\nsource %s, run %s\ncontent sha256 %s\nfiles:\n", Str(v, "model").c_str(),
                  Str(v, "version").c_str(), Str(v, "stage").c_str(), Str(v, "format").c_str(), Str(v, "model_file").c_str(),
                  Str(v, "flavor").c_str(), Str(v, "source").c_str(), Str(v, "run_id").c_str(), Str(v, "content_sha256").c_str());
      for (const Json& f : v["files"])
        std::printf("  %-10s %10s  %s  %s\n", Str(f, "role").c_str(), Str(f, "size").c_str(), Str(f, "sha256").substr(0, 16).c_str(),
                    Str(f, "path").c_str());
      std::printf("signature (%s):\n", v["signature"].value("source", "").c_str());
      for (const Json& in : v["signature"].value("inputs", Json::array()))
        std::printf("  input  %-24s %-6s %s\n", Str(in, "name").c_str(), Str(in, "datatype").c_str(), in["shape"].dump().c_str());
      for (const Json& out : v["signature"].value("outputs", Json::array()))
        std::printf("  output %-24s %-6s %s\n", Str(out, "name").c_str(), Str(out, "datatype").c_str(), out["shape"].dump().c_str());
      const Json& l = v["lineage"];
      std::printf("lineage: run %s in %s\n", Str(l.value("run", Json::object()), "id").c_str(), Str(l.value("experiment", Json::object()), "name").c_str());
      for (const Json& d : l.value("data_versions", Json::array())) std::printf("  data %s\n", Str(d, "ref").c_str());
      if (l.contains("package") && !l["package"].is_null()) std::printf("  package %s (task %s)\n", Str(l["package"], "id").c_str(), Str(l["package"], "task").c_str());
      std::printf("stage history:\n");
      for (const Json& h : v["stage_history"])
        std::printf("  %s  %s -> %s by %s  %s\n", Time(h, "at").c_str(), Str(h, "from").c_str(), Str(h, "to").c_str(), Str(h, "by").c_str(),
                    Str(h, "reason").c_str());
    });
    return Status::Ok();
  });

  auto* stage = host.Sub(model, "stage", "move a version to development, staging or archived (production needs an approved request)");
  auto* tname = host.Own<std::string>();
  auto* tnum = host.Own<std::string>();
  auto* tstage = host.Own<std::string>();
  auto* archive = host.Own<bool>(false);
  auto* reason = host.Own<std::string>();
  stage->add_option("MODEL", *tname)->required();
  stage->add_option("VERSION", *tnum)->required();
  stage->add_option("STAGE", *tstage, "development | staging | production | archived")->required();
  stage->add_flag("--archive-existing", *archive, "archive the model's other versions in that stage");
  stage->add_option("--reason", *reason, "why (kept in the stage history)");
  host.OnRun(stage, [&g = g, tname, tnum, tstage, archive, reason](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/models/" + UrlEncode(*tname) + "/versions/" + UrlEncode(*tnum) + "/stage",
                                    Json{{"stage", *tstage}, {"archive_existing", *archive}, {"reason", *reason}}));
    Emit(g, j, [&] { std::printf("%s version %s is now in %s\n", Str(j["version"], "model").c_str(), Str(j["version"], "version").c_str(),
                                 Str(j["version"], "stage").c_str()); });
    return Status::Ok();
  });

  auto* alias = host.Sub(model, "alias", "point an alias (champion, challenger, ...) at a version, or --delete it");
  auto* aname = host.Own<std::string>();
  auto* aalias = host.Own<std::string>();
  auto* anum = host.Own<std::string>();
  auto* adelete = host.Own<bool>(false);
  alias->add_option("MODEL", *aname)->required();
  alias->add_option("ALIAS", *aalias)->required();
  alias->add_option("VERSION", *anum);
  alias->add_flag("--delete", *adelete, "remove the alias");
  host.OnRun(alias, [&g = g, aname, aalias, anum, adelete](RestClient& c) -> Status {
    std::string path = "/api/v1/models/" + UrlEncode(*aname) + "/aliases/" + UrlEncode(*aalias);
    if (*adelete) {
      RETURN_IF_ERROR(c.Delete(path).status());
      std::printf("removed alias %s of %s\n", aalias->c_str(), aname->c_str());
      return Status::Ok();
    }
    if (anum->empty()) return InvalidArgument("give the VERSION the alias names, or --delete");
    ASSIGN_OR_RETURN(Json j, c.Put(path, Json{{"version", *anum}}));
    Emit(g, j, [&] { std::printf("%s@%s -> version %s\n", aname->c_str(), aalias->c_str(), anum->c_str()); });
    return Status::Ok();
  });

  auto* retire = host.Sub(model, "retire", "request a version's retirement (REG-6), or list the project's --candidates");
  auto* rname = host.Own<std::string>();
  auto* rnum = host.Own<int64_t>(0);
  auto* rreason = host.Own<std::string>();
  auto* rcandidates = host.Own<std::string>();
  retire->add_option("MODEL", *rname);
  retire->add_option("VERSION", *rnum);
  retire->add_option("--reason", *rreason, "why the version retires (required for a request)");
  retire->add_option("--candidates", *rcandidates, "PROJECT: the versions its retirement policy names, with why");
  host.OnRun(retire, [&g = g, rname, rnum, rreason, rcandidates](RestClient& c) -> Status {
    if (!rcandidates->empty()) {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + UrlEncode(*rcandidates) + "/retirement-candidates"));
      Emit(g, j, [&] {
        if (j["candidates"].empty()) std::printf("no candidates (see GET /api/v1/projects/%s/retirement-policy)\n", rcandidates->c_str());
        for (const Json& cd : j["candidates"]) {
          std::string why;
          for (const Json& r : cd["reasons"]) why += (why.empty() ? "" : "; ") + r.get<std::string>();
          std::printf("%-24s %-4s %-12s %s\n", Str(cd, "model").c_str(), Str(cd, "version").c_str(), Str(cd, "stage").c_str(), why.c_str());
        }
      });
      return Status::Ok();
    }
    if (rname->empty() || *rnum < 1) return InvalidArgument("give MODEL VERSION --reason TEXT, or --candidates PROJECT");
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/models/" + UrlEncode(*rname) + "/versions/" + std::to_string(*rnum) + "/requests",
                                    Json{{"kind", "retire"}, {"reason", *rreason}}));
    Emit(g, j, [&] {
      std::printf("retirement request %s for %s version %lld is pending; an approver decides (moebius approval approve %s)\n",
                  Str(j["request"], "id").c_str(), rname->c_str(), static_cast<long long>(*rnum), Str(j["request"], "id").c_str());
    });
    return Status::Ok();
  });

  auto* card = host.Sub(model, "card", "a version's model card: print it, write it as HTML or PDF, or --set a section's text");
  auto* cname = host.Own<std::string>();
  auto* cnum = host.Own<int64_t>(0);
  auto* cformat = host.Own<std::string>("text");
  auto* clang = host.Own<std::string>("en");
  auto* cout = host.Own<std::string>();
  auto* csets = host.Own<std::vector<std::string>>();
  auto* cfiles = host.Own<std::vector<std::string>>();
  card->add_option("MODEL", *cname)->required();
  card->add_option("VERSION", *cnum)->required();
  card->add_option("--format", *cformat, "text (print), html or pdf")->capture_default_str();
  card->add_option("--lang", *clang, "en or ko")->capture_default_str();
  card->add_option("--out", *cout, "file for html/pdf (default model-card-MODEL-vN.FORMAT)");
  card->add_option("--set", *csets, "SECTION=TEXT: write a section (intended_use, factors, ethical_considerations, ...), repeatable");
  card->add_option("--set-file", *cfiles, "SECTION=FILE: a section's text from a file, repeatable");
  host.OnRun(card, [&g = g, cname, cnum, cformat, clang, cout, csets, cfiles](RestClient& c) -> Status {
    std::string path = "/api/v1/models/" + UrlEncode(*cname) + "/versions/" + std::to_string(*cnum) + "/card";
    if (!csets->empty() || !cfiles->empty()) {
      Json sections = Json::object();
      for (const auto& kv : *csets) {
        size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) return InvalidArgument("--set must be SECTION=TEXT, got '" + kv + "'");
        sections[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
      for (const auto& kv : *cfiles) {
        size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) return InvalidArgument("--set-file must be SECTION=FILE, got '" + kv + "'");
        std::ifstream in(kv.substr(eq + 1), std::ios::binary);
        if (!in) return InvalidArgument("cannot read '" + kv.substr(eq + 1) + "'");
        sections[kv.substr(0, eq)] = std::string(std::istreambuf_iterator<char>(in), {});
      }
      RETURN_IF_ERROR(c.Put(path + "?lang=" + UrlEncode(*clang), Json{{"sections", sections}}).status());
      std::printf("updated %zu section(s) of the card of %s version %lld\n", sections.size(), cname->c_str(), static_cast<long long>(*cnum));
      return Status::Ok();
    }
    if (*cformat == "html" || *cformat == "pdf") {
      std::string file = cout->empty() ? "model-card-" + *cname + "-v" + std::to_string(*cnum) + "." + *cformat : *cout;
      ASSIGN_OR_RETURN(int64_t n, c.GetToFile(path + "?format=" + *cformat + "&lang=" + UrlEncode(*clang), file, 256LL << 20));
      std::printf("wrote %s (%lld bytes)\n", file.c_str(), static_cast<long long>(n));
      return Status::Ok();
    }
    if (*cformat != "text") return InvalidArgument("--format must be text, html or pdf");
    ASSIGN_OR_RETURN(Json j, c.Get(path + "?lang=" + UrlEncode(*clang)));
    Emit(g, j, [&] {
      const Json& cd = j["card"];
      std::printf("%s — %s v%s (%s)\n", Str(cd, "title").c_str(), Str(cd, "model").c_str(), Str(cd, "version").c_str(), Str(cd, "project").c_str());
      for (const Json& s : cd["sections"]) {
        std::printf("\n== %s ==\n", Str(s, "title").c_str());
        if (!Str(s, "text").empty()) std::printf("%s\n", Str(s, "text").c_str());
        for (const Json& b : s["blocks"]) {
          std::string kind = Str(b, "kind");
          if (kind == "para" || kind == "subheading") std::printf("%s\n", Str(b, "text").c_str());
          if (kind == "table") {
            if (!Str(b, "text").empty()) std::printf("%s\n", Str(b, "text").c_str());
            for (const Json& row : b["rows"]) {
              std::string line;
              for (const Json& cell : row) line += (line.empty() ? "  " : " | ") + cell.get<std::string>();
              std::printf("%s\n", line.c_str());
            }
          }
        }
      }
    });
    return Status::Ok();
  });
  return model;
}

}  // namespace moebius::cli

// `moebius code ...`: code snapshots (PRJ-7, EXP-2). push reads a folder — a git repository's
// tracked files at HEAD (or its working files when dirty, with a warning), else every file, minus
// .moebiusignore — packs it as a tar and uploads it; list, show (files and the runs that used
// it), cat (one file), checkout (unpack a snapshot, verified against its id), template (generate
// ready training code).
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "base/strings.h"
#include "cli/cli_app.h"
#include "cli/table_printer.h"
#include "envcode/code_archive.h"
#include "envcode/local_tree.h"

namespace moebius::cli {
namespace {

std::string CodePath(const std::string& project, const std::string& id = "") {
  std::string p = "/api/v1/projects/" + RestClient::Segment(project) + "/code";
  if (!id.empty()) p += "/" + RestClient::Segment(id);
  return p;
}

std::string Origin(const Json& s) {
  std::string src = Str(s, "source");
  if (src != "git") return src;
  std::string out = "git " + Str(s, "git_commit").substr(0, 12);
  if (!Str(s, "git_branch").empty()) out += " (" + Str(s, "git_branch") + ")";
  if (s.value("git_dirty", false)) out += " dirty";
  return out;
}

std::string ProjectOr(const std::string& given) {
  if (!given.empty()) return given;
  const char* e = std::getenv("MOEBIUS_PROJECT");
  return e ? e : "";
}

}  // namespace

void AddCodeCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* code = host.Noun("code", "code snapshots: content-hashed training code tied to the runs that used it; templates");
  code->require_subcommand(1);

  auto* push = host.Sub(code, "push", "snapshot a folder (a git repository's commit, or all files) into a project");
  auto* dir = host.Own<std::string>(".");
  auto* pproject = host.Own<std::string>();
  auto* message = host.Own<std::string>();
  push->add_option("DIR", *dir, "the folder (default: .)");
  push->add_option("-p,--project", *pproject, "the project (default: MOEBIUS_PROJECT)");
  push->add_option("-m,--message", *message, "a note shown with the snapshot");
  host.OnRun(push, [&g = g, dir, pproject, message](RestClient& c) -> Status {
    std::string project = ProjectOr(*pproject);
    if (project.empty()) return InvalidArgument("--project is required (or MOEBIUS_PROJECT)");
    ASSIGN_OR_RETURN(envcode::LocalTree tree, envcode::ReadLocalTree(*dir));
    for (const auto& w : tree.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    ASSIGN_OR_RETURN(std::string tar, envcode::WriteCodeTar(tree.files));
    std::string q = "?source=" + tree.source;
    if (tree.source == "git") {
      if (!tree.git_commit.empty()) q += "&git_commit=" + UrlEncode(tree.git_commit);
      if (!tree.git_branch.empty()) q += "&git_branch=" + UrlEncode(tree.git_branch);
      q += std::string("&git_dirty=") + (tree.dirty ? "true" : "false");
    }
    if (!message->empty()) q += "&message=" + UrlEncode(*message);
    ASSIGN_OR_RETURN(Json j, c.PostBytes(CodePath(project) + q, tar));
    Emit(g, j, [&] {
      const Json& s = j["snapshot"];
      std::printf("%s snapshot %s: %s files, %s bytes, %s\n", j.value("created", false) ? "pushed" : "already had", Str(s, "id").c_str(),
                  Str(s, "files").c_str(), Str(s, "bytes").c_str(), Origin(s).c_str());
    });
    return Status::Ok();
  });

  auto* list = host.Sub(code, "list", "a project's code snapshots, newest first");
  auto* lproject = host.Own<std::string>();
  list->add_option("PROJECT", *lproject)->required();
  host.OnRun(list, [&g = g, lproject](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(CodePath(*lproject)));
    Emit(g, j, [&] {
      TablePrinter t({"ID", "FILES", "BYTES", "ORIGIN", "CREATED", "BY", "MESSAGE"}, 50);
      for (const auto& s : j["snapshots"])
        t.AddRow({Str(s, "id").substr(0, 16), Str(s, "files"), Str(s, "bytes"), Origin(s), Time(s, "created_at"), Str(s, "created_by"),
                  Str(s, "message")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  auto* show = host.Sub(code, "show", "a snapshot: origin, files and the runs that used it");
  auto* sproject = host.Own<std::string>();
  auto* sid = host.Own<std::string>();
  show->add_option("PROJECT", *sproject)->required();
  show->add_option("ID", *sid, "snapshot id or a unique prefix (8+ hex digits)")->required();
  host.OnRun(show, [&g = g, sproject, sid](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(CodePath(*sproject, *sid)));
    ASSIGN_OR_RETURN(Json runs, c.Get(CodePath(*sproject, *sid) + "/runs"));
    j["runs"] = runs["runs"];
    Emit(g, j, [&] {
      const Json& s = j["snapshot"];
      std::printf("snapshot %s\n%s files, %s bytes, %s, pushed %s by %s%s\n\n", Str(s, "id").c_str(), Str(s, "files").c_str(),
                  Str(s, "bytes").c_str(), Origin(s).c_str(), Time(s, "created_at").c_str(), Str(s, "created_by").c_str(),
                  Str(s, "message").empty() ? "" : (": " + Str(s, "message")).c_str());
      TablePrinter t({"MODE", "SIZE", "PATH"}, 100);
      for (const auto& f : j["files"]) t.AddRow({Str(f, "mode"), Str(f, "size"), Str(f, "path")});
      std::cout << t.Render();
      if (!j["runs"].empty()) {
        TablePrinter r({"RUN", "NAME", "STATUS", "EXPERIMENT"}, 60);
        for (const auto& x : j["runs"]) r.AddRow({Str(x, "run_id"), Str(x, "run_name"), Str(x, "status"), Str(x, "experiment_id")});
        std::cout << "\nruns that used it:\n" << r.Render();
      }
    });
    return Status::Ok();
  });

  auto* cat = host.Sub(code, "cat", "print one file of a snapshot");
  auto* cproject = host.Own<std::string>();
  auto* cid = host.Own<std::string>();
  auto* cpath = host.Own<std::string>();
  cat->add_option("PROJECT", *cproject)->required();
  cat->add_option("ID", *cid)->required();
  cat->add_option("PATH", *cpath)->required();
  host.OnRun(cat, [cproject, cid, cpath](RestClient& c) -> Status {
    std::string path = CodePath(*cproject, *cid) + "/files";
    for (const auto& seg : Split(*cpath, '/')) path += "/" + RestClient::Segment(seg);
    ASSIGN_OR_RETURN(std::string bytes, c.GetBytes(path));
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    return Status::Ok();
  });

  auto* checkout = host.Sub(code, "checkout", "unpack a snapshot into a folder (checked against its id)");
  auto* kproject = host.Own<std::string>();
  auto* kid = host.Own<std::string>();
  auto* kdir = host.Own<std::string>();
  checkout->add_option("PROJECT", *kproject)->required();
  checkout->add_option("ID", *kid)->required();
  checkout->add_option("DIR", *kdir)->required();
  host.OnRun(checkout, [&g = g, kproject, kid, kdir](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json meta, c.Get(CodePath(*kproject, *kid)));
    std::string id = Str(meta["snapshot"], "id");
    ASSIGN_OR_RETURN(std::string tar, c.GetBytes(CodePath(*kproject, id) + "/archive"));
    ASSIGN_OR_RETURN(auto files, envcode::ReadCodeArchive(tar));
    ASSIGN_OR_RETURN(auto described, envcode::Describe(files));
    ASSIGN_OR_RETURN(std::string got, envcode::TreeHash(described));
    if (got != id) return Internal("the downloaded archive has tree hash " + got + ", not " + id);
    RETURN_IF_ERROR(envcode::WriteFiles(files, *kdir));
    Emit(g, Json{{"snapshot", id}, {"files", files.size()}, {"dir", *kdir}},
         [&] { std::printf("checked out %s (%zu files) into %s\n", id.c_str(), files.size(), kdir->c_str()); });
    return Status::Ok();
  });

  auto* tmpl = host.Sub(code, "template", "generate ready training code: xgboost or python-mlflow (no NAME: list them)");
  auto* tname = host.Own<std::string>();
  auto* tout = host.Own<std::string>();
  auto* topts = host.Own<std::vector<std::string>>();
  tmpl->add_option("NAME", *tname, "xgboost or python-mlflow");
  tmpl->add_option("-o,--out", *tout, "write the files into this folder (default: print them)");
  tmpl->add_option("--set", *topts, "OPTION=VALUE: dataset, version, label, task, rounds, seed, experiment (repeatable)")
      ->allow_extra_args(false);
  host.OnRun(tmpl, [&g = g, tname, tout, topts](RestClient& c) -> Status {
    if (tname->empty()) {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/code/templates"));
      Emit(g, j, [&] {
        TablePrinter t({"NAME", "OPTIONS", "DESCRIPTION"}, 90);
        for (const auto& x : j["templates"]) {
          auto opts = x["options"].get<std::vector<std::string>>();
          t.AddRow({Str(x, "name"), Join(opts, ","), Str(x, "description")});
        }
        std::cout << t.Render();
      });
      return Status::Ok();
    }
    std::string q;
    for (const auto& kv : *topts) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return InvalidArgument("--set takes OPTION=VALUE, got '" + kv + "'");
      q += (q.empty() ? "?" : "&") + UrlEncode(kv.substr(0, eq)) + "=" + UrlEncode(kv.substr(eq + 1));
    }
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/code/templates/" + RestClient::Segment(*tname) + q));
    if (tout->empty()) {
      Emit(g, j, [&] {
        for (const auto& f : j["files"]) std::cout << "==> " << Str(f, "path") << " <==\n" << f["content"].get<std::string>() << "\n";
      });
      return Status::Ok();
    }
    std::vector<envcode::TreeFile> files;
    for (const auto& f : j["files"]) files.push_back({Str(f, "path"), Str(f, "mode") == "755" ? 0755 : 0644, f["content"].get<std::string>()});
    RETURN_IF_ERROR(envcode::WriteFiles(files, *tout));
    Emit(g, j, [&] {
      for (const auto& f : files) std::printf("wrote %s/%s\n", tout->c_str(), f.path.c_str());
    });
    return Status::Ok();
  });
}

}  // namespace moebius::cli

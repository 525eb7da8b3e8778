// `moebius label schema|create|list|assign|status|agreement|history|finish|import|export`:
// labeling projects (LBL-1 to LBL-6) through the REST API.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/strings.h"
#include "cli/cli_app.h"

namespace moebius::cli {
namespace {

std::string Base(const std::string& project) { return "/api/v1/projects/" + UrlEncode(project); }
std::string Lp(const std::string& project, const std::string& name) { return Base(project) + "/labeling/" + UrlEncode(name); }

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> CommaList(const std::string& s) {
  std::vector<std::string> out;
  for (const std::string& part : Split(s, ','))
    if (!Trim(part).empty()) out.emplace_back(Trim(part));
  return out;
}

void PrintProgress(const Json& lp) {
  const Json& pr = lp["progress"];
  std::printf("labeling project %s: %s %s, schema %s v%s, %s items, overlap %s, %s\n", Str(lp, "name").c_str(), Str(lp, "dataset").c_str(),
              Str(lp, "data_version").c_str(), Str(lp["schema"], "name").c_str(), Str(lp["schema"], "version").c_str(), Str(lp, "item_count").c_str(),
              Str(lp, "overlap").c_str(), Str(lp, "state").c_str());
  if (!Str(lp, "result_version").empty()) std::printf("labeled version: %s\n", Str(lp, "result_version").c_str());
  std::printf("items assigned %s, accepted %s\n", Str(pr, "assigned_items").c_str(), Str(pr, "accepted_items").c_str());
  std::printf("%-24s %6s %12s %10s %9s %9s %6s\n", "LABELER", "TODO", "IN_PROGRESS", "SUBMITTED", "ACCEPTED", "REJECTED", "TOTAL");
  for (const Json& l : pr["labelers"])
    std::printf("%-24s %6s %12s %10s %9s %9s %6s\n", Str(l, "labeler").c_str(), Str(l, "todo").c_str(), Str(l, "in_progress").c_str(),
                Str(l, "submitted").c_str(), Str(l, "accepted").c_str(), Str(l, "rejected").c_str(), Str(l, "total").c_str());
  for (const Json& c : pr["classes"]) std::printf("class %-20s %s annotations\n", Str(c, "class").c_str(), Str(c, "annotations").c_str());
}

void PrintAgreement(const Json& a) {
  std::printf("%s agreement: %s items compared, %s labelers, %s disagreements\n", Str(a, "task_type").c_str(), Str(a, "items_compared").c_str(),
              std::to_string(a["labelers"].size()).c_str(), Str(a, "disagreement_count").c_str());
  for (const auto& [k, v] : a["overall"].items()) std::printf("  %-20s %s\n", k.c_str(), v.dump().c_str());
  if (a["hlp"].is_object()) std::printf("human-level performance: %s %s\n", Str(a["hlp"], "metric").c_str(), a["hlp"]["value"].dump().c_str());
  for (const Json& p : a["pairs"]) {
    std::printf("  pair %s / %s:", Str(p, "a").c_str(), Str(p, "b").c_str());
    for (const char* k : {"cohen_kappa", "accuracy", "f1", "exact_match", "token_f1"})
      if (p.contains(k)) std::printf(" %s %s", k, p[k].dump().c_str());
    std::printf("\n");
  }
  for (const Json& c : a["per_class"]) {
    std::printf("  class %-16s", Str(c, "class").c_str());
    for (const char* k : {"fleiss_kappa", "f1"})
      if (c.contains(k)) std::printf(" %s %s", k, c[k].dump().c_str());
    std::printf("\n");
  }
  for (const Json& d : a["disagreements"]) std::printf("  disagree %s %s\n", Str(d, "path").c_str(), d["labels"].dump().c_str());
}

}  // namespace

void AddLabelCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* label = host.Noun("label", "labeling projects: schemas, assignment, review progress, agreement, formats");

  auto* schema = host.Sub(label, "schema", "save a label schema (a name that exists gets its next version)");
  auto* sproject = host.Own<std::string>();
  auto* sname = host.Own<std::string>();
  auto* sfile = host.Own<std::string>();
  schema->add_option("PROJECT", *sproject)->required();
  schema->add_option("NAME", *sname)->required();
  schema->add_option("--file", *sfile, "the schema's JSON: {\"task_type\", \"classes\": [{\"name\", \"color\", \"hotkey\"}], ...}")->required();
  host.OnRun(schema, [&g = g, sproject, sname, sfile](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(std::string text, ReadWholeFile(*sfile));
    ASSIGN_OR_RETURN(Json spec, ParseJson(text));
    ASSIGN_OR_RETURN(Json j, c.Post(Base(*sproject) + "/label-schemas", Json{{"name", *sname}, {"spec", spec}}));
    Emit(g, j, [&] { std::printf("schema %s version %s (%s)\n", Str(j["schema"], "name").c_str(), Str(j["schema"], "version").c_str(), Str(j["schema"], "task_type").c_str()); });
    return Status::Ok();
  });

  auto* create = host.Sub(label, "create", "create a labeling project over a dataset version");
  auto* cproject = host.Own<std::string>();
  auto* cname = host.Own<std::string>();
  auto* dataset = host.Own<std::string>();
  auto* version = host.Own<std::string>();
  auto* sch = host.Own<std::string>();
  auto* overlap = host.Own<int64_t>(1);
  auto* batch = host.Own<int64_t>(100);
  auto* prefix = host.Own<std::string>();
  create->add_option("PROJECT", *cproject)->required();
  create->add_option("NAME", *cname)->required();
  create->add_option("--dataset", *dataset)->required();
  create->add_option("--version", *version, "v1, v2, ...")->required();
  create->add_option("--schema", *sch)->required();
  create->add_option("--overlap", *overlap, "labelers per item (round-robin)");
  create->add_option("--batch-size", *batch, "items per batch");
  create->add_option("--prefix", *prefix, "only items under this path");
  host.OnRun(create, [&g = g, cproject, cname, dataset, version, sch, overlap, batch, prefix](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post(Base(*cproject) + "/labeling", Json{{"name", *cname}, {"dataset", *dataset}, {"version", *version}, {"schema", *sch},
                                                                       {"overlap", *overlap}, {"batch_size", *batch}, {"path_prefix", *prefix}}));
    Emit(g, j, [&] { PrintProgress(j["labeling_project"]); });
    return Status::Ok();
  });

  auto* list = host.Sub(label, "list", "a project's labeling projects");
  auto* lproject = host.Own<std::string>();
  list->add_option("PROJECT", *lproject)->required();
  host.OnRun(list, [&g = g, lproject](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(Base(*lproject) + "/labeling"));
    Emit(g, j, [&] {
      std::printf("%-24s %-20s %-6s %-10s %7s %9s\n", "NAME", "DATASET", "VER", "STATE", "ITEMS", "ACCEPTED");
      for (const Json& p : j["labeling_projects"])
        std::printf("%-24s %-20s %-6s %-10s %7s %9s\n", Str(p, "name").c_str(), Str(p, "dataset").c_str(), Str(p, "data_version").c_str(),
                    Str(p, "state").c_str(), Str(p, "item_count").c_str(), Str(p["progress"], "accepted_items").c_str());
    });
    return Status::Ok();
  });

  auto* assign = host.Sub(label, "assign", "assign items to labelers (round-robin, or --manual to one labeler)");
  auto* aproject = host.Own<std::string>();
  auto* aname = host.Own<std::string>();
  auto* labelers = host.Own<std::string>();
  auto* manual = host.Own<bool>(false);
  auto* aoverlap = host.Own<int64_t>(0);
  auto* batches = host.Own<std::string>();
  assign->add_option("PROJECT", *aproject)->required();
  assign->add_option("NAME", *aname)->required();
  assign->add_option("--labelers", *labelers, "comma-separated user names")->required();
  assign->add_flag("--manual", *manual, "give the items to the one labeler named");
  assign->add_option("--overlap", *aoverlap, "labelers per item (default: the project's)");
  assign->add_option("--batches", *batches, "comma-separated batch numbers (default: all)");
  host.OnRun(assign, [&g = g, aproject, aname, labelers, manual, aoverlap, batches](RestClient& c) -> Status {
    Json body{{"mode", *manual ? "manual" : "round_robin"}, {"labelers", CommaList(*labelers)}};
    if (*aoverlap > 0) body["overlap"] = *aoverlap;
    if (!batches->empty()) {
      Json bs = Json::array();
      for (const std::string& b : CommaList(*batches)) {
        auto n = ParseInt64(b);
        if (!n) return InvalidArgument("--batches takes numbers, got '" + b + "'");
        bs.push_back(*n);
      }
      body["batches"] = bs;
    }
    ASSIGN_OR_RETURN(Json j, c.Post(Lp(*aproject, *aname) + "/assign", body));
    Emit(g, j, [&] { std::printf("%s assignments added\n", Str(j, "added").c_str()); });
    return Status::Ok();
  });

  auto* status = host.Sub(label, "status", "progress per labeler and per class");
  auto* tproject = host.Own<std::string>();
  auto* tname = host.Own<std::string>();
  status->add_option("PROJECT", *tproject)->required();
  status->add_option("NAME", *tname)->required();
  host.OnRun(status, [&g = g, tproject, tname](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(Lp(*tproject, *tname)));
    Emit(g, j, [&] { PrintProgress(j["labeling_project"]); });
    return Status::Ok();
  });

  auto* agreement = host.Sub(label, "agreement", "agreement between labelers (kappa, alpha, F1) and the disagreements");
  auto* gproject = host.Own<std::string>();
  auto* gname = host.Own<std::string>();
  auto* iou = host.Own<std::string>();
  agreement->add_option("PROJECT", *gproject)->required();
  agreement->add_option("NAME", *gname)->required();
  agreement->add_option("--iou", *iou, "IoU threshold for matching boxes and polygons (default 0.5)");
  host.OnRun(agreement, [&g = g, gproject, gname, iou](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(Lp(*gproject, *gname) + "/agreement" + (iou->empty() ? "" : "?iou=" + UrlEncode(*iou))));
    Emit(g, j, [&] { PrintAgreement(j["agreement"]); });
    return Status::Ok();
  });

  auto* history = host.Sub(label, "history", "every change of an item's annotations, who and when");
  auto* hproject = host.Own<std::string>();
  auto* hname = host.Own<std::string>();
  auto* item = host.Own<std::string>();
  history->add_option("PROJECT", *hproject)->required();
  history->add_option("NAME", *hname)->required();
  history->add_option("--item", *item, "an item id (default: every item)");
  host.OnRun(history, [&g = g, hproject, hname, item](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get(Lp(*hproject, *hname) + "/history" + (item->empty() ? "" : "?item=" + UrlEncode(*item))));
    Emit(g, j, [&] {
      for (const Json& e : j["events"])
        std::printf("%s  %-8s %-16s %-24s %s\n", Time(e, "at").c_str(), Str(e, "action").c_str(), Str(e, "actor").c_str(), Str(e, "path").c_str(),
                    Str(e, "comment").c_str());
    });
    return Status::Ok();
  });

  auto* exp = host.Sub(label, "export", "write the annotations in a format (streamed from the server)");
  auto* eproject = host.Own<std::string>();
  auto* ename = host.Own<std::string>();
  auto* eformat = host.Own<std::string>("jsonl");
  auto* esource = host.Own<std::string>("accepted");
  auto* eout = host.Own<std::string>();
  exp->add_option("PROJECT", *eproject)->required();
  exp->add_option("NAME", *ename)->required();
  exp->add_option("--format", *eformat, "coco | voc | yolo | conll2003 | squad2 | labelstudio | csv | jsonl");
  exp->add_option("--source", *esource, "accepted (default) or submitted (the latest submitted or accepted)");
  exp->add_option("-o,--output", *eout, "the file to write")->required();
  host.OnRun(exp, [eproject, ename, eformat, esource, eout](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(std::string bytes, c.GetBytes(Lp(*eproject, *ename) + "/export?format=" + UrlEncode(*eformat) + "&source=" + UrlEncode(*esource)));
    std::ofstream out(*eout, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Internal("cannot write " + *eout);
    std::printf("wrote %zu bytes to %s\n", bytes.size(), eout->c_str());
    return Status::Ok();
  });

  auto* imp = host.Sub(label, "import", "import annotations from a file (all are checked; any problem imports nothing)");
  auto* iproject = host.Own<std::string>();
  auto* iname = host.Own<std::string>();
  auto* iformat = host.Own<std::string>();
  auto* ifile = host.Own<std::string>();
  auto* ilabeler = host.Own<std::string>();
  imp->add_option("PROJECT", *iproject)->required();
  imp->add_option("NAME", *iname)->required();
  imp->add_option("FILE", *ifile)->required();
  imp->add_option("--format", *iformat, "coco | voc | yolo | conll2003 | squad2 | labelstudio | csv | jsonl")->required();
  imp->add_option("--labeler", *ilabeler, "whose submitted work the annotations become (default: you)");
  host.OnRun(imp, [&g = g, iproject, iname, iformat, ifile, ilabeler](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(*ifile));
    std::string q = "?format=" + UrlEncode(*iformat) + (ilabeler->empty() ? "" : "&labeler=" + UrlEncode(*ilabeler));
    ASSIGN_OR_RETURN(Json j, c.PostBytes(Lp(*iproject, *iname) + "/import" + q, bytes));
    Emit(g, j, [&] { std::printf("imported %s annotations as %s's submitted work\n", Str(j, "imported").c_str(), Str(j, "labeler").c_str()); });
    return Status::Ok();
  });

  auto* finish = host.Sub(label, "finish", "close the project into a labeled dataset version");
  auto* fproject = host.Own<std::string>();
  auto* fname = host.Own<std::string>();
  auto* message = host.Own<std::string>();
  auto* partial = host.Own<bool>(false);
  finish->add_option("PROJECT", *fproject)->required();
  finish->add_option("NAME", *fname)->required();
  finish->add_option("--message", *message);
  finish->add_flag("--allow-partial", *partial, "leave out items without an accepted annotation");
  host.OnRun(finish, [&g = g, fproject, fname, message, partial](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post(Lp(*fproject, *fname) + "/finish", Json{{"message", *message}, {"allow_partial", *partial}}));
    Emit(g, j, [&] { std::printf("labeled version %s (%s items)\n", Str(j["version"], "name").c_str(), Str(j["version"], "item_count").c_str()); });
    return Status::Ok();
  });
}

}  // namespace moebius::cli

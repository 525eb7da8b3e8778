// `moebius data ...`: datasets, rounds, versions, checkout, quality, statistics, transforms, splits and SQL connections through the REST API.
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
namespace {

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

Status IngestSql(const Globals& g, RestClient& c, const DataRef& ref, const SqlIngestArgs& a, const std::string& note) {
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
  Emit(g, j, [&] {
    std::printf("round %s: %s rows from connection %s into %s (%s bytes)\n", Str(r, "number").c_str(), Str(r["sources"], "rows").c_str(),
                a.connection.c_str(), Str(r["sources"], "item").c_str(), Str(r, "bytes").c_str());
  });
  return Status::Ok();
}

}  // namespace

void AddDataConnectionCommands(CommandHost& host, CLI::App* d) {
  const Globals& g = host.globals();
  auto* conn = host.Sub(d, "connection", "SQL sources of a project: PostgreSQL or SQLite databases rounds can be queried from");
  conn->require_subcommand(1);
  auto split_ref = [](const std::string& text) -> Result<std::pair<std::string, std::string>> {
    size_t slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text.size())
      return InvalidArgument("expected PROJECT/CONNECTION, got '" + text + "'");
    return std::make_pair(text.substr(0, slash), text.substr(slash + 1));
  };

  auto* create = host.Sub(conn, "create", "add a connection (needs the project-manager role)");
  auto* cref = host.Own<std::string>();
  auto* kind = host.Own<std::string>();
  auto* target = host.Own<std::string>();
  auto* target_stdin = host.Own<bool>(false);
  create->add_option("PROJECT/CONNECTION", *cref)->required();
  create->add_option("--kind", *kind, "sqlite or postgresql")->required();
  create->add_option("--target", *target, "PostgreSQL conninfo or URI, or the SQLite file's absolute path on the server");
  create->add_flag("--target-stdin", *target_stdin, "read the target from standard input (keeps a password out of shell history)");
  host.OnRun(create, [&g = g, cref, kind, target, target_stdin, split_ref](RestClient& c) -> Status {
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
    Emit(g, j, [&] {
      std::printf("created connection %s/%s (%s): %s\n", ref.first.c_str(), ref.second.c_str(), kind->c_str(),
                  Str(j["connection"], "target").c_str());
    });
    return Status::Ok();
  });

  auto* list = host.Sub(conn, "list", "a project's connections (passwords masked)");
  auto* project = host.Own<std::string>();
  list->add_option("PROJECT", *project)->required();
  host.OnRun(list, [&g = g, project](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*project) + "/connections"));
    Emit(g, j, [&] {
      TablePrinter t({"CONNECTION", "KIND", "TARGET", "BY", "CREATED"});
      for (const auto& x : j["connections"])
        t.AddRow({Str(x, "name"), Str(x, "kind"), Str(x, "target"), Str(x, "created_by"), Time(x, "created_at")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  auto* del = host.Sub(conn, "delete", "remove a connection (rounds made from it keep their record)");
  auto* dref = host.Own<std::string>();
  del->add_option("PROJECT/CONNECTION", *dref)->required();
  host.OnRun(del, [&g = g, dref, split_ref](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(auto ref, split_ref(*dref));
    ASSIGN_OR_RETURN(Json j, c.Delete("/api/v1/projects/" + RestClient::Segment(ref.first) + "/connections/" + RestClient::Segment(ref.second)));
    Emit(g, j, [&] { std::printf("deleted connection %s/%s\n", ref.first.c_str(), ref.second.c_str()); });
    return Status::Ok();
  });
}

void AddDataAnalysisCommands(CommandHost& host, CLI::App* d) {
  const Globals& g = host.globals();
  auto query = [](const std::vector<std::pair<std::string, std::string>>& kv) {
    std::string q;
    for (const auto& [k, v] : kv)
      if (!v.empty()) q += (q.empty() ? "?" : "&") + k + "=" + RestClient::Segment(v);
    return q;
  };

  auto* stats = host.Sub(d, "stats", "column statistics of a version's table: counts, missing, mean, quantiles, top values, importance");
  auto* sref = host.Own<std::string>();
  auto* sitem = host.Own<std::string>();
  auto* slabel = host.Own<std::string>();
  auto* bins = host.Own<int>(10);
  stats->add_option("PROJECT/DATASET@VERSION", *sref)->required();
  stats->add_option("--item", *sitem, "the table item (default: the first CSV/TSV/JSONL)");
  stats->add_option("--label", *slabel, "label column: class balance and feature importance against it");
  stats->add_option("--bins", *bins, "histogram bins")->capture_default_str();
  host.OnRun(stats, [&g = g, sref, sitem, slabel, bins, query](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*sref, true));
    ASSIGN_OR_RETURN(Json j, c.Get(ref.Path() + "/versions/" + RestClient::Segment(ref.version) + "/stats" +
                                   query({{"item", *sitem}, {"label", *slabel}, {"bins", std::to_string(*bins)}})));
    Emit(g, j, [&] {
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

  auto* quality = host.Sub(d, "quality", "quality report of a version: item findings, table anomalies against the saved schema");
  auto* qref = host.Own<std::string>();
  auto* qitem = host.Own<std::string>();
  auto* qlabel = host.Own<std::string>();
  quality->add_option("PROJECT/DATASET@VERSION", *qref)->required();
  quality->add_option("--item", *qitem, "the table item (default: the first CSV/TSV/JSONL)");
  quality->add_option("--label", *qlabel, "label column, for the imbalance check");
  host.OnRun(quality, [&g = g, qref, qitem, qlabel, query](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*qref, true));
    ASSIGN_OR_RETURN(Json j, c.Get(ref.Path() + "/versions/" + RestClient::Segment(ref.version) + "/quality" +
                                   query({{"item", *qitem}, {"label", *qlabel}})));
    Emit(g, j, [&] {
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

  auto* schema = host.Sub(d, "schema", "show the dataset's saved schema, or infer one from a version and save it");
  auto* scref = host.Own<std::string>();
  auto* infer = host.Own<std::string>();
  auto* sclabel = host.Own<std::string>();
  schema->add_option("PROJECT/DATASET", *scref)->required();
  schema->add_option("--infer-from", *infer, "infer from this version (e.g. v1) and save");
  schema->add_option("--label", *sclabel, "the label column (with --infer-from)");
  host.OnRun(schema, [&g = g, scref, infer, sclabel](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*scref, false));
    Json j;
    if (infer->empty()) {
      ASSIGN_OR_RETURN(j, c.Get(ref.Path() + "/schema"));
    } else {
      Json body{{"version", *infer}};
      if (!sclabel->empty()) body["label"] = *sclabel;
      ASSIGN_OR_RETURN(j, c.Post(ref.Path() + "/schema", body));
    }
    Emit(g, j, [&] {
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

  auto* transform = host.Sub(d, "transform", "fit a transform config on a version's table; the fitted spec is stored by its hash");
  auto* tref = host.Own<std::string>();
  auto* config = host.Own<std::string>();
  auto* titem = host.Own<std::string>();
  transform->add_option("PROJECT/DATASET@VERSION", *tref)->required();
  transform->add_option("--config", *config, "a JSON file: {\"columns\": [{\"column\", \"steps\": [...]}]}")->required();
  transform->add_option("--item", *titem, "the table item (default: the first CSV/TSV/JSONL)");
  host.OnRun(transform, [&g = g, tref, config, titem](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*tref, true));
    std::ifstream in(*config);
    if (!in) return InvalidArgument("cannot read " + *config);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Json cfg = Json::parse(text, nullptr, false);
    if (cfg.is_discarded()) return InvalidArgument(*config + " is not JSON");
    Json body{{"config", cfg}};
    if (!titem->empty()) body["item"] = *titem;
    ASSIGN_OR_RETURN(Json j, c.Post(ref.Path() + "/versions/" + RestClient::Segment(ref.version) + "/transforms", body));
    Emit(g, j, [&] { std::printf("transform %s fitted on %s (%s)\n", Str(j["transform"], "hash").c_str(), ref.version.c_str(), Str(j["transform"], "item").c_str()); });
    return Status::Ok();
  });
}

void AddDataCommands(CommandHost& host) {
  const Globals& g = host.globals();
  namespace fs = std::filesystem;
  auto* d = host.Noun("data", "datasets: rounds (차수), bundles (묶음), versions (형상)");
  d->require_subcommand(1);

  auto* list = host.Sub(d, "list", "list or search datasets you can see (of PROJECT when given, as the other list verbs take it)");
  auto* query = host.Own<std::string>();
  auto* lproject = host.Own<std::string>();
  list->add_option("PROJECT", *lproject, "only this project's datasets");
  list->add_option("--query,-q", *query, "match name, tag or description");
  host.OnRun(list, [&g = g, query, lproject](RestClient& c) -> Status {
    const std::string path = lproject->empty() ? "/api/v1/datasets" : "/api/v1/projects/" + RestClient::Segment(*lproject) + "/datasets";
    ASSIGN_OR_RETURN(Json j, c.Get(path + "?q=" + RestClient::Segment(*query)));
    Emit(g, j, [&] {
      TablePrinter t({"DATASET", "DOMAIN", "SENSITIVE", "TAGS", "CREATED"});
      for (const auto& x : j["datasets"])
        t.AddRow({Str(x, "project") + "/" + Str(x, "name"), Str(x, "domain"), x["sensitive"].get<bool>() ? "yes" : "",
                  Join(x["tags"].get<std::vector<std::string>>(), ","), Time(x, "created_at")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  auto* create = host.Sub(d, "create", "create a dataset");
  auto* cref = host.Own<std::string>();
  auto* domain = host.Own<std::string>();
  auto* desc = host.Own<std::string>();
  auto* sensitive = host.Own<bool>(false);
  auto* tags = host.Own<std::vector<std::string>>();
  create->add_option("PROJECT/DATASET", *cref)->required();
  create->add_option("--domain", *domain, "vision, language, tabular or multimodal")->required();
  create->add_option("--description", *desc);
  create->add_flag("--sensitive", *sensitive, "audit every read");
  create->add_option("--tag", *tags, "a tag (repeatable)");
  host.OnRun(create, [&g = g, cref, domain, desc, sensitive, tags](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*cref, false));
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(ref.project) + "/datasets",
                                    Json{{"name", ref.dataset}, {"domain", *domain}, {"description", *desc}, {"sensitive", *sensitive}, {"tags", *tags}}));
    Emit(g, j, [&] { std::printf("created dataset %s/%s\n", ref.project.c_str(), ref.dataset.c_str()); });
    return Status::Ok();
  });

  auto* show = host.Sub(d, "show", "a dataset's rounds and versions");
  auto* sref = host.Own<std::string>();
  show->add_option("PROJECT/DATASET", *sref)->required();
  host.OnRun(show, [&g = g, sref](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*sref, false));
    ASSIGN_OR_RETURN(Json j, c.Get(ref.Path()));
    Emit(g, j, [&] {
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

  auto* ingest = host.Sub(d, "ingest", "upload a folder, an archive (tar, tar.gz, zip) or a file as a new round, "
                                  "or run a SQL query (--sql CONNECTION --query ...) into one");
  auto* iref = host.Own<std::string>();
  auto* path = host.Own<std::string>();
  auto* note = host.Own<std::string>();
  auto* resume = host.Own<std::string>();
  auto* sql = host.Own<SqlIngestArgs>();
  ingest->add_option("PROJECT/DATASET", *iref)->required();
  ingest->add_option("PATH", *path, "a folder, archive or file (not with --sql)");
  ingest->add_option("--note", *note, "what this round is");
  ingest->add_option("--resume", *resume, "continue an interrupted upload");
  AddSqlIngestOptions(ingest, sql);
  host.OnRun(ingest, [&g = g, iref, path, note, resume, sql](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*iref, false));
    if (!sql->connection.empty()) {
      if (!path->empty()) return InvalidArgument("give either PATH or --sql, not both");
      return IngestSql(g, c, ref, *sql, *note);
    }
    if (path->empty()) return InvalidArgument("give a PATH to upload, or --sql CONNECTION --query \"SELECT ...\"");
    std::error_code ec;
    std::string staged = *path, format = "archive", filename;
    std::string tmp;
    if (fs::is_directory(*path, ec)) {
      tmp = (fs::temp_directory_path() / ("moebius-ingest-" + std::to_string(::getpid()) + ".tar")).string();
      ASSIGN_OR_RETURN(int64_t n, TarDirectory(*path, tmp));
      if (!g.json) std::fprintf(stderr, "packed %lld files from %s\n", static_cast<long long>(n), path->c_str());
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
    Emit(g, *done, [&] { std::printf("round %s: %s items, %s bytes\n", Str(r, "number").c_str(), Str(r, "items").c_str(), Str(r, "bytes").c_str()); });
    return Status::Ok();
  });

  AddDataConnectionCommands(host, d);

  auto* bundle = host.Sub(d, "bundle", "mix items of rounds into a new round");
  auto* bref = host.Own<std::string>();
  auto* rounds = host.Own<std::vector<int64_t>>();
  auto* prefix = host.Own<std::string>();
  auto* label = host.Own<std::string>();
  auto* sample = host.Own<int64_t>(0);
  auto* fraction = host.Own<double>(0);
  auto* seed = host.Own<int64_t>(0);
  bundle->add_option("PROJECT/DATASET", *bref)->required();
  bundle->add_option("--round", *rounds, "a source round (repeatable)")->required();
  bundle->add_option("--prefix", *prefix, "only items under this path prefix");
  bundle->add_option("--label", *label, "only items with this label");
  bundle->add_option("--sample", *sample, "draw this many items");
  bundle->add_option("--fraction", *fraction, "draw this share of the items");
  bundle->add_option("--seed", *seed, "seed of the draw");
  host.OnRun(bundle, [&g = g, bref, rounds, prefix, label, sample, fraction, seed](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*bref, false));
    Json body{{"rounds", *rounds}, {"path_prefix", *prefix}, {"label", *label}, {"seed", *seed}};
    if (*sample > 0) body["sample_size"] = *sample;
    if (*fraction > 0) body["sample_fraction"] = *fraction;
    ASSIGN_OR_RETURN(Json j, c.Post(ref.Path() + "/bundles", body));
    Emit(g, j, [&] { std::printf("round %s (bundle): %s items\n", Str(j["round"], "number").c_str(), Str(j["round"], "items").c_str()); });
    return Status::Ok();
  });

  auto* version = host.Sub(d, "version", "create a version from rounds or from an earlier version");
  auto* vref = host.Own<std::string>();
  auto* vrounds = host.Own<std::vector<int64_t>>();
  auto* from = host.Own<std::string>();
  auto* status = host.Own<std::string>("raw");
  auto* labels_file = host.Own<std::string>();
  auto* folders = host.Own<bool>(false);
  auto* message = host.Own<std::string>();
  auto* operations = host.Own<std::string>();
  version->add_option("PROJECT/DATASET", *vref)->required();
  version->add_option("--round", *vrounds, "a round to include (repeatable)");
  version->add_option("--from", *from, "derive from this version, e.g. v2");
  version->add_option("--status", *status, "raw, refined, labeled or split")->capture_default_str();
  version->add_option("--labels", *labels_file, "labels to import: a CSV (path,label) or JSONL ({path,label}) file");
  version->add_flag("--labels-from-folders", *folders, "label = the item's top folder");
  version->add_option("--message,-m", *message);
  version->add_option("--operations", *operations, "refined: a JSON file with the refinement operations, e.g. [{\"op\": \"drop_duplicate_rows\"}]");
  host.OnRun(version, [&g = g, vref, vrounds, from, status, labels_file, folders, message, operations](RestClient& c) -> Status {
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
    Emit(g, j, [&] {
      const Json& v = j["version"];
      std::printf("%s (%s): %s items, stored as %s\n", Str(v, "name").c_str(), Str(v, "status").c_str(), Str(v, "items").c_str(),
                  Str(v, "storage").c_str());
    });
    return Status::Ok();
  });

  auto* split = host.Sub(d, "split", "make a split version: every item assigned to train/val/test or a fold");
  auto* spref = host.Own<std::string>();
  auto* method = host.Own<std::string>("random");
  auto* ratios = host.Own<std::string>("train=0.8,val=0.1,test=0.1");
  auto* kfolds = host.Own<int>(5);
  auto* sseed = host.Own<int64_t>(0);
  auto* group_by = host.Own<std::string>("folder");
  auto* time_key = host.Own<std::string>();
  auto* class_key = host.Own<std::string>("label");
  auto* unit = host.Own<std::string>();
  split->add_option("PROJECT/DATASET@VERSION", *spref)->required();
  split->add_option("--method", *method, "random, stratified, kfold, group or time")->capture_default_str();
  split->add_option("--ratios", *ratios, "NAME=SHARE,... summing to 1")->capture_default_str();
  split->add_option("--folds", *kfolds, "folds for kfold")->capture_default_str();
  split->add_option("--seed", *sseed)->capture_default_str();
  split->add_option("--group-by", *group_by, "group: 'folder' or a meta key")->capture_default_str();
  split->add_option("--time-key", *time_key, "time: the meta key to order by (default: the path)");
  split->add_option("--label", *class_key, "stratified, kfold: the meta key or table column of the class")->capture_default_str();
  split->add_option("--unit", *unit, "rows (of tables) or items (files); default: rows in tabular datasets");
  host.OnRun(split, [&g = g, spref, method, ratios, kfolds, sseed, group_by, time_key, class_key, unit](RestClient& c) -> Status {
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
    Emit(g, j, [&] {
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

  auto* checkout = host.Sub(d, "checkout", "restore a version's files into a folder, byte for byte");
  auto* coref = host.Own<std::string>();
  auto* dir = host.Own<std::string>();
  auto* with_manifest = host.Own<bool>(false);
  checkout->add_option("PROJECT/DATASET@VERSION", *coref)->required();
  checkout->add_option("DIR", *dir)->required();
  checkout->add_flag("--manifest", *with_manifest, "also write .moebius/manifest.jsonl: each item's path, sha256, size and meta (labels, split)");
  host.OnRun(checkout, [&g = g, coref, dir, with_manifest](RestClient& c) -> Status {
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
    Emit(g, Json{{"files", *n}, {"dir", *dir}}, [&] { std::printf("checked out %lld files into %s\n", static_cast<long long>(*n), dir->c_str()); });
    return Status::Ok();
  });

  auto* diff = host.Sub(d, "diff", "what changed between two versions: added, removed, modified, renamed, relabeled");
  auto* a = host.Own<std::string>();
  auto* b = host.Own<std::string>();
  diff->add_option("A", *a, "PROJECT/DATASET@VERSION")->required();
  diff->add_option("B", *b, "PROJECT/DATASET@VERSION, or just VERSION of the same dataset")->required();
  host.OnRun(diff, [&g = g, a, b](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ra, ParseRef(*a, true));
    DataRef rb = ra;
    if (b->find('/') != std::string::npos) {
      ASSIGN_OR_RETURN(rb, ParseRef(*b, true));
      if (rb.project != ra.project || rb.dataset != ra.dataset) return InvalidArgument("diff compares two versions of one dataset");
    } else {
      rb.version = *b;
    }
    ASSIGN_OR_RETURN(Json j, c.Get(ra.Path() + "/diff?from=" + RestClient::Segment(ra.version) + "&to=" + RestClient::Segment(rb.version)));
    Emit(g, j, [&] {
      const Json& n = j["counts"];
      std::printf("%s → %s: %s added, %s removed, %s modified, %s renamed, %s label changes\n", Str(j, "from").c_str(), Str(j, "to").c_str(),
                  Str(n, "added").c_str(), Str(n, "removed").c_str(), Str(n, "modified").c_str(), Str(n, "renamed").c_str(),
                  Str(n, "label_changes").c_str());
      for (const auto& e : j["added"]) std::printf("A  %s\n", Str(e, "path").c_str());
      for (const auto& p : j["removed"]) std::printf("D  %s\n", p.get<std::string>().c_str());
      for (const auto& e : j["modified"]) std::printf("M  %s\n", Str(e, "path").c_str());
      for (const auto& r : j["renamed"]) std::printf("R  %s -> %s\n", Str(r, "from").c_str(), Str(r, "to").c_str());
      for (const auto& p : j["label_changes"]) std::printf("L  %s\n", p.get<std::string>().c_str());
      for (const auto& a : j.value("annotation_changes", Json::array())) {
        std::string kinds;
        for (const auto& k : a["kinds"]) kinds += (kinds.empty() ? "" : ", ") + k.get<std::string>();
        std::printf("C  %s (%s)\n", Str(a, "path").c_str(), kinds.c_str());
      }
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

  auto* rollback = host.Sub(d, "rollback", "create a new version equal to an old one");
  auto* rref = host.Own<std::string>();
  rollback->add_option("PROJECT/DATASET@VERSION", *rref)->required();
  host.OnRun(rollback, [&g = g, rref](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*rref, true));
    ASSIGN_OR_RETURN(Json j, c.Post(ref.Path() + "/versions/" + RestClient::Segment(ref.version) + "/rollback", Json::object()));
    Emit(g, j, [&] { std::printf("%s now equals %s\n", Str(j["version"], "name").c_str(), ref.version.c_str()); });
    return Status::Ok();
  });

  auto* lineage = host.Sub(d, "lineage", "rounds, bundles, versions and the runs that used them");
  auto* lref = host.Own<std::string>();
  lineage->add_option("PROJECT/DATASET", *lref)->required();
  host.OnRun(lineage, [&g = g, lref](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*lref, false));
    ASSIGN_OR_RETURN(Json j, c.Get(ref.Path() + "/lineage"));
    Emit(g, j, [&] {
      std::map<std::string, std::string> label;
      for (const auto& n : j["nodes"]) {
        const std::string kind = Str(n, "kind"), name = Str(n, "label");
        label[Str(n, "id")] = kind == "dataset" ? "dataset " + name
                              : kind == "run"   ? "run " + (name.empty() ? Str(n, "id").substr(4) : name + " (" + Str(n, "id").substr(4, 8) + ")")
                                                : name;
      }
      // Each edge as a sentence that reads left to right: an edge goes from a parent to what
      // came of it, and its relation names the parent from the child's side ("v2 derived from
      // v1"), except "used by", which reads from the version to the run.
      TablePrinter t({"ITEM", "RELATION", "ITEM"});
      for (const auto& e : j["edges"]) {
        const std::string rel = Str(e, "relation");
        const bool forward = rel == "used by";
        t.AddRow({label[Str(e, forward ? "from" : "to")], rel, label[Str(e, forward ? "to" : "from")]});
      }
      std::cout << t.Render();
    });
    return Status::Ok();
  });

  AddDataAnalysisCommands(host, d);

  auto* use = host.Sub(d, "use", "record that a run read a data version");
  auto* run_id = host.Own<std::string>();
  auto* uref = host.Own<std::string>();
  use->add_option("RUN_ID", *run_id)->required();
  use->add_option("PROJECT/DATASET@VERSION", *uref)->required();
  host.OnRun(use, [&g = g, run_id, uref](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(DataRef ref, ParseRef(*uref, true));
    (void)ref;
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/runs/" + RestClient::Segment(*run_id) + "/inputs", Json{{"kind", "dataset_version"}, {"ref", *uref}}));
    Emit(g, j, [&] { std::printf("run %s used %s\n", run_id->c_str(), Str(j["input"], "ref").c_str()); });
    return Status::Ok();
  });
}

// `moebius data stats|quality|schema|transform`: the analysis routes of a version.

}  // namespace moebius::cli

// `moebius model export|import` and `moebius package verify`: registered versions as Triton model
// repositories (INF-4, INF-5; docs/design/triton.md). Export and import go through the REST API;
// verify reads a repository folder here, with no server: files and hashes against the manifest,
// each config.pbtxt against its model, and one inference per model where this build has the
// runtime (XGBoost through its C API).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/crypto.h"
#include "base/strings.h"
#include "cli/archive_io.h"
#include "cli/cli_app.h"
#include "train/booster.h"
#include "triton/repository_reader.h"

namespace moebius::cli {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxRepositoryBytes = 64LL << 30;

Result<std::string> ReadHead(const fs::path& file, int64_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + file.string());
  std::string out(static_cast<size_t>(std::min<int64_t>(max_bytes, static_cast<int64_t>(fs::file_size(file)))), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

Result<std::string> FileSha256(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + file.string());
  Sha256 h;
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.Update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  return HexEncode(h.Finish());
}

// Every regular file under `dir`, hashed; links and special files are problems.
Result<std::vector<triton::RepositoryFile>> ListRepository(const fs::path& dir, std::vector<std::string>* problems) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return InvalidArgument(dir.string() + " is not a folder");
  std::vector<triton::RepositoryFile> out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return InvalidArgument("cannot list " + dir.string() + ": " + ec.message());
    std::string rel = fs::relative(it->path(), dir).generic_string();
    if (it->is_symlink()) {
      problems->push_back(rel + " is a link; a repository holds plain files");
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory()) continue;
    if (!it->is_regular_file()) {
      problems->push_back(rel + " is not a plain file");
      continue;
    }
    ASSIGN_OR_RETURN(std::string sha, FileSha256(it->path()));
    out.push_back({rel, sha, static_cast<int64_t>(it->file_size())});
  }
  return out;
}

// One prediction of an XGBoost version on a row of zeros: the values, or why it failed.
Result<std::vector<float>> InferXgboost(const fs::path& model_file, int64_t features) {
  ASSIGN_OR_RETURN(std::string bytes, ReadHead(model_file, 1LL << 40));
  ASSIGN_OR_RETURN(train::Booster b, train::Booster::Load(bytes));
  std::vector<float> row(static_cast<size_t>(std::max<int64_t>(features, 1)), 0.0f);
  ASSIGN_OR_RETURN(train::Prediction p, b.PredictDense(row.data(), 1, row.size(), train::PredictKind::kValue));
  for (float v : p.values)
    if (!std::isfinite(v)) return Internal("the prediction holds a value that is not finite");
  if (p.values.empty()) return Internal("the prediction is empty");
  return p.values;
}

struct VerifyReport {
  Json json = Json::object();
  bool ok = true;
};

Result<VerifyReport> Verify(const fs::path& dir) {
  VerifyReport r;
  std::vector<std::string> listing_problems;
  ASSIGN_OR_RETURN(auto files, ListRepository(dir, &listing_problems));
  int64_t total = 0;
  for (const auto& f : files) total += f.size;
  auto read = [&dir](const triton::RepositoryFile& f, int64_t max) { return ReadHead(dir / f.path, max); };
  ASSIGN_OR_RETURN(triton::Repository repo, triton::ReadRepository(files, read));
  repo.problems.insert(repo.problems.begin(), listing_problems.begin(), listing_problems.end());
  Json models = Json::array();
  for (const auto& v : repo.versions) {
    Json m{{"model", v.model}, {"version", v.version}, {"format", v.format}, {"model_file", v.model_path}};
    if (v.format == "xgboost") {
      int64_t features = v.config.inputs.empty() || v.config.inputs[0].dims.empty() ? 0 : v.config.inputs[0].dims[0];
      auto out = InferXgboost(dir / v.model_path, features);
      if (out.ok()) {
        m["inference"] = {{"ran", true}, {"input", "one row of " + std::to_string(features) + " zeros"}, {"output", *out}};
      } else {
        m["inference"] = {{"ran", true}, {"error", out.status().message()}};
        repo.problems.push_back(v.model + " version " + std::to_string(v.version) + ": inference failed: " + out.status().message());
      }
    } else {
      m["inference"] = {{"ran", false}, {"why", "this build has no " + v.format + " runtime in the CLI; the serving runtime loads it"}};
    }
    models.push_back(std::move(m));
  }
  Json ensembles = Json::array();
  for (const auto& e : repo.ensembles) ensembles.push_back(e.name);
  r.ok = repo.problems.empty();
  r.json = {{"ok", r.ok},          {"files", files.size()}, {"bytes", total},        {"manifest", repo.has_manifest},
            {"models", models},    {"ensembles", ensembles}, {"problems", repo.problems}, {"notes", repo.notes}};
  return r;
}

}  // namespace

void AddTritonCommands(CommandHost& host, CLI::App* model, CLI::App* package) {
  const Globals& g = host.globals();

  auto* exp = host.Sub(model, "export", "a version (or several, or an ensemble) as a Triton model repository");
  auto* name = host.Own<std::string>();
  auto* version = host.Own<int64_t>(0);
  auto* with = host.Own<std::vector<std::string>>();
  auto* ensemble = host.Own<std::string>();
  auto* out = host.Own<std::string>();
  auto* tar = host.Own<std::string>();
  auto* batch = host.Own<int64_t>(1024);
  exp->add_option("MODEL", *name)->required();
  exp->add_option("VERSION", *version)->required();
  exp->add_option("--with", *with, "another version to include, MODEL:VERSION (repeatable)");
  exp->add_option("--ensemble", *ensemble, "also write an ensemble of this name over the versions (same inputs)");
  exp->add_option("--out", *out, "folder to write the repository into (default MODEL-vVERSION-triton)");
  exp->add_option("--tar", *tar, "write the repository as this tar file instead of a folder");
  exp->add_option("--max-batch-size", *batch, "Triton's max_batch_size for the models")->capture_default_str();
  host.OnRun(exp, [&g = g, name, version, with, ensemble, out, tar, batch](RestClient& c) -> Status {
    std::string file = tar->empty() ? (fs::temp_directory_path() / ("moebius-export-" + std::to_string(::getpid()) + ".tar")).string() : *tar;
    if (with->empty() && ensemble->empty()) {
      ASSIGN_OR_RETURN(int64_t n, c.GetToFile("/api/v1/models/" + UrlEncode(*name) + "/versions/" + std::to_string(*version) +
                                                  "/export?max_batch_size=" + std::to_string(*batch),
                                              file, kMaxRepositoryBytes));
      (void)n;
    } else {
      ASSIGN_OR_RETURN(Json m, c.Get("/api/v1/models/" + UrlEncode(*name)));
      Json versions = Json::array({{{"model", *name}, {"version", *version}}});
      for (const auto& w : *with) {
        size_t colon = w.rfind(':');
        auto n = colon == std::string::npos ? std::nullopt : ParseInt64(w.substr(colon + 1));
        if (!n) return InvalidArgument("--with must be MODEL:VERSION, got '" + w + "'");
        versions.push_back({{"model", w.substr(0, colon)}, {"version", *n}});
      }
      Json body{{"versions", versions}, {"max_batch_size", *batch}};
      if (!ensemble->empty()) body["ensemble"] = *ensemble;
      ASSIGN_OR_RETURN(int64_t n, c.PostToFile("/api/v1/projects/" + UrlEncode(Str(m["model"], "project")) + "/models/export", body, file,
                                               kMaxRepositoryBytes));
      (void)n;
    }
    if (!tar->empty()) {
      Emit(g, Json{{"tar", file}}, [&] { std::printf("wrote %s\n", file.c_str()); });
      return Status::Ok();
    }
    std::string dir = out->empty() ? *name + "-v" + std::to_string(*version) + "-triton" : *out;
    auto files = ExtractTarFile(file, dir);
    std::remove(file.c_str());
    RETURN_IF_ERROR(files.status());
    Emit(g, Json{{"folder", dir}, {"files", *files}}, [&] {
      std::printf("wrote the Triton repository %s (%lld files); check it with `moebius package verify %s`\n", dir.c_str(),
                  static_cast<long long>(*files), dir.c_str());
    });
    return Status::Ok();
  });

  auto* imp = host.Sub(model, "import", "register the versions of a Triton model repository (a folder or a tar)");
  auto* project = host.Own<std::string>();
  auto* from = host.Own<std::string>();
  auto* as = host.Own<std::string>();
  imp->add_option("PROJECT", *project)->required();
  imp->add_option("REPOSITORY", *from, "the repository's folder, or a tar of it")->required();
  imp->add_option("--model", *as, "register every version under this model (default: the manifest's names, else the folders')");
  host.OnRun(imp, [&g = g, project, from, as](RestClient& c) -> Status {
    std::string file = *from;
    bool temporary = false;
    std::error_code ec;
    if (fs::is_directory(*from, ec)) {
      file = (fs::temp_directory_path() / ("moebius-import-" + std::to_string(::getpid()) + ".tar")).string();
      temporary = true;
      RETURN_IF_ERROR(TarDirectory(*from, file).status());
    }
    auto bytes = ReadHead(file, 1LL << 40);
    if (temporary) std::remove(file.c_str());
    RETURN_IF_ERROR(bytes.status());
    std::string path = "/api/v1/projects/" + UrlEncode(*project) + "/models/import" + (as->empty() ? "" : "?model=" + UrlEncode(*as));
    ASSIGN_OR_RETURN(Json j, c.PostBytes(path, *bytes));
    Emit(g, j, [&] {
      for (const Json& v : j["versions"])
        std::printf("registered %s version %s (%s), content sha256 %s\n", Str(v, "model").c_str(), Str(v, "version").c_str(),
                    Str(v, "format").c_str(), Str(v, "content_sha256").substr(0, 16).c_str());
      for (const Json& e : j.value("ensembles", Json::array())) std::printf("ensemble %s read and checked (ensembles are not registered)\n", e.get<std::string>().c_str());
      for (const Json& n : j.value("notes", Json::array())) std::printf("note: %s\n", n.get<std::string>().c_str());
    });
    return Status::Ok();
  });

  auto* verify = host.Sub(package, "verify", "check a Triton model repository folder: files, hashes, configs against models, one inference each");
  auto* dir = host.Own<std::string>();
  verify->add_option("REPOSITORY", *dir, "the repository's folder")->required();
  host.OnRunLocal(verify, [&g = g, dir]() -> Status {
    ASSIGN_OR_RETURN(VerifyReport r, Verify(*dir));
    const Json& j = r.json;
    Emit(g, j, [&] {
      std::printf("%s: %s files, %s bytes, %s\n", dir->c_str(), Str(j, "files").c_str(), Str(j, "bytes").c_str(),
                  j["manifest"].get<bool>() ? "manifest checked" : "no Moebius manifest (hashes not checked)");
      for (const Json& m : j["models"]) {
        const Json& inf = m["inference"];
        std::string result = !inf.value("ran", false) ? "inference not run: " + Str(inf, "why")
                             : inf.contains("error")  ? "inference FAILED: " + Str(inf, "error")
                                                      : "inference ok: " + inf["output"].dump();
        std::printf("  %-24s v%-4s %-12s %s\n", Str(m, "model").c_str(), Str(m, "version").c_str(), Str(m, "format").c_str(), result.c_str());
      }
      for (const Json& e : j["ensembles"]) std::printf("  ensemble %s: members present\n", e.get<std::string>().c_str());
      for (const Json& n : j["notes"]) std::printf("note: %s\n", n.get<std::string>().c_str());
      for (const Json& p : j["problems"]) std::printf("PROBLEM: %s\n", p.get<std::string>().c_str());
      std::printf("%s\n", r.ok ? "verified" : "NOT verified");
    });
    if (!r.ok) return FailedPrecondition(std::to_string(j["problems"].size()) + " problem(s) found in " + *dir);
    return Status::Ok();
  });
}

}  // namespace moebius::cli

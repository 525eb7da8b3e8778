#include "triton/repository_reader.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/strings.h"
#include "registry/model_inspect.h"
#include "triton/repository_layout.h"

namespace moebius::triton {
namespace {

constexpr int64_t kMaxSmall = 64LL << 20;   // manifest, config.pbtxt
constexpr int64_t kMaxModel = 256LL << 20;  // an XGBoost model read for its feature count

// The name the registry recognizes for a model file (model_inspect.h), by format.
std::string RegisteredModelName(const std::string& format, const std::string& triton_name) {
  if (format == "xgboost") return EndsWith(triton_name, ".json") ? "model.json" : "model.ubj";
  if (format == "torchscript") return "model.pt";
  return "model.onnx";
}

}  // namespace

Result<Repository> ReadRepository(std::vector<RepositoryFile> files, const ReadRepositoryFile& read) {
  Repository repo;
  std::sort(files.begin(), files.end(), [](const RepositoryFile& a, const RepositoryFile& b) { return a.path < b.path; });
  std::map<std::string, const RepositoryFile*> by_path;
  for (const auto& f : files) {
    Status ok = CheckRepositoryPath(f.path);
    if (!ok.ok()) {
      repo.problems.push_back(ok.message());
      continue;
    }
    by_path[f.path] = &f;
  }
  auto text_of = [&](const RepositoryFile& f) -> Result<std::string> {
    if (f.size > kMaxSmall) return InvalidArgument(f.path + " is larger than 64 MiB");
    return read(f, kMaxSmall);
  };

  // 1. The manifest: every listed file present with its hash, nothing else.
  std::map<std::pair<std::string, int64_t>, Json> records;
  if (auto it = by_path.find(kManifestPath); it != by_path.end()) {
    ASSIGN_OR_RETURN(std::string text, text_of(*it->second));
    auto doc = ParseJson(text, JsonLimits{.max_depth = 64, .max_string_bytes = 1 << 20, .max_array_items = 1000000});
    if (!doc.ok() || !doc->is_object() || doc->value("format", "") != kManifestFormat || !(*doc)["files"].is_array()) {
      repo.problems.push_back(std::string(kManifestPath) + " is not a " + kManifestFormat + " manifest");
    } else {
      repo.has_manifest = true;
      repo.manifest = *doc;
      std::set<std::string> listed;
      for (const Json& e : repo.manifest["files"]) {
        std::string p = e.is_object() ? e.value("path", "") : "";
        listed.insert(p);
        auto f = by_path.find(p);
        if (f == by_path.end()) {
          repo.problems.push_back("the manifest lists " + p + ", which is missing");
        } else if (f->second->size != e.value("size", int64_t{-1}) || f->second->sha256 != e.value("sha256", "")) {
          repo.problems.push_back(p + " does not match the manifest (sha256 " + f->second->sha256.substr(0, 12) + "…, manifest says " +
                                  e.value("sha256", "").substr(0, 12) + "…)");
        }
      }
      for (const auto& [p, f] : by_path)
        if (p != kManifestPath && !listed.count(p)) repo.problems.push_back(p + " is not in the manifest");
      if (repo.manifest.contains("models") && repo.manifest["models"].is_array())
        for (const Json& m : repo.manifest["models"])
          if (m.is_object()) records[{m.value("name", ""), m.value("version", int64_t{0})}] = m;
    }
  }

  // 2. Model folders.
  std::map<std::string, std::vector<const RepositoryFile*>> folders;
  for (const auto& [p, f] : by_path) {
    size_t slash = p.find('/');
    if (slash == std::string::npos) {
      if (p != kManifestPath) repo.notes.push_back(p + " is outside any model folder (Triton ignores it)");
      continue;
    }
    folders[p.substr(0, slash)].push_back(f);
  }
  for (const auto& [name, folder_files] : folders) {
    auto cfg_file = by_path.find(name + "/config.pbtxt");
    if (cfg_file == by_path.end()) {
      repo.problems.push_back(name + "/ has no config.pbtxt");
      continue;
    }
    ASSIGN_OR_RETURN(std::string text, text_of(*cfg_file->second));
    std::vector<std::string> unknown;
    auto parsed = ParseConfig(text, &unknown);
    if (!parsed.ok()) {
      repo.problems.push_back(name + "/" + parsed.status().message());
      continue;
    }
    for (const auto& u : unknown) repo.notes.push_back(name + "/config.pbtxt " + u);
    ModelConfig config = *parsed;
    if (!config.name.empty() && config.name != name) {
      repo.problems.push_back(name + "/config.pbtxt names the model '" + config.name + "', not its folder's name");
      continue;
    }
    if (config.platform == "ensemble") {
      for (const auto& step : config.ensemble)
        if (!by_path.count(step.model_name + "/config.pbtxt"))
          repo.problems.push_back("ensemble " + name + " names model '" + step.model_name + "', which the repository lacks");
      repo.ensembles.push_back(std::move(config));
      continue;
    }
    auto model = ModelOfConfig(config);
    if (!model.ok()) {
      repo.problems.push_back(name + ": " + model.status().message());
      continue;
    }
    for (const auto& t : config.inputs)
      if (t.datatype.empty()) repo.problems.push_back(name + "/config.pbtxt input '" + t.name + "' has no data_type");
    // Version folders: numbered.
    std::map<int64_t, std::vector<const RepositoryFile*>> versions;
    for (const RepositoryFile* f : folder_files) {
      std::string rest = f->path.substr(name.size() + 1);
      size_t slash = rest.find('/');
      if (slash == std::string::npos) continue;  // config.pbtxt, labels, ...
      auto n = ParseInt64(rest.substr(0, slash));
      if (!n || *n < 1) {
        repo.notes.push_back(f->path + " is in a folder that is not a version number (Triton ignores it)");
        continue;
      }
      versions[*n].push_back(f);
    }
    if (versions.empty()) repo.problems.push_back(name + "/ has no numbered version folder");
    for (const auto& [n, vfiles] : versions) {
      RepositoryVersion v;
      v.model = name;
      v.version = n;
      v.config = config;
      v.format = model->format;
      std::string dir = name + "/" + std::to_string(n) + "/";
      v.model_path = dir + model->file_name;
      auto model_file = by_path.find(v.model_path);
      if (model_file == by_path.end()) {
        repo.problems.push_back(dir + " lacks the model file " + model->file_name);
        continue;
      }
      auto record = records.find({name, n});
      if (repo.has_manifest && record == records.end()) {
        repo.problems.push_back("the manifest has no record of " + name + " version " + std::to_string(n));
        continue;
      }
      if (record != records.end()) {
        v.record = record->second;
        v.signature = v.record.value("signature", Json(nullptr));
        for (const Json& e : v.record.value("files", Json::array())) {
          auto f = by_path.find(e.value("path", ""));
          if (f == by_path.end()) continue;  // reported above
          std::string registered = e.value("registered_path", "");
          Status ok = CheckRepositoryPath(registered);
          if (!ok.ok()) {
            repo.problems.push_back("the manifest's registered path of " + f->first + ": " + ok.message());
            continue;
          }
          v.files.push_back({registered, f->second->sha256, f->second->size, e.value("role", "")});
        }
        if (registry::ContentHash(v.files) != v.record.value("content_sha256", ""))
          repo.problems.push_back(name + " version " + std::to_string(n) + ": its files do not hash to the recorded content_sha256");
      } else {
        v.signature = SignatureOfConfig(config);
        for (const RepositoryFile* f : vfiles) {
          std::string rel = f->path.substr(dir.size());
          if (f->path == v.model_path) rel = RegisteredModelName(v.format, model->file_name);
          else if (StartsWith(rel, std::string(kSidecarDir) + "/")) rel = rel.substr(std::string(kSidecarDir).size() + 1);
          v.files.push_back({rel, f->sha256, f->size, ""});
        }
      }
      // The configuration against the model.
      registry::XgbInfo xgb;
      if (v.format == "xgboost" && model_file->second->size <= kMaxModel) {
        ASSIGN_OR_RETURN(std::string bytes, read(*model_file->second, kMaxModel));
        auto info = registry::ReadXgboost(bytes, v.model_path);
        if (!info.ok()) {
          repo.problems.push_back(info.status().message());
          continue;
        }
        xgb = *info;
      }
      Status agree = CheckConfigAgainstModel(config, v.format, v.signature.is_null() ? SignatureOfConfig(config) : v.signature, xgb);
      if (!agree.ok()) repo.problems.push_back(name + " version " + std::to_string(n) + ": " + agree.message());
      repo.versions.push_back(std::move(v));
    }
  }
  return repo;
}

}  // namespace moebius::triton

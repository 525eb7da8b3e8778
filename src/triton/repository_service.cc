#include "triton/repository_service.h"

#include "base/crypto.h"
#include "store/blob/blob_store.h"

namespace moebius::triton {

Result<std::vector<RepositoryFile>> RepositoryService::Export(ExportRequest rq) {
  if (rq.exported_at == 0) rq.exported_at = clock_.NowMillis();
  registry::ReadFile read = [this](const registry::ModelFile& f, int64_t max) { return registry_.ReadFileHead(f, max); };
  ASSIGN_OR_RETURN(std::vector<ExportedFile> plan, PlanExport(rq, read));
  std::vector<RepositoryFile> out;
  out.reserve(plan.size());
  for (const auto& f : plan) {
    if (f.generated) {
      RETURN_IF_ERROR(blobs_.Put(f.content).status());
    } else if (!blobs_.Exists(f.sha256)) {
      return FailedPrecondition(f.path + " is missing from the blob store (sha256 " + f.sha256 + ")");
    }
    out.push_back({f.path, f.sha256, f.size});
  }
  return out;
}

Result<ImportResult> RepositoryService::Import(std::vector<RepositoryFile> files, const ImportOptions& o) {
  ReadRepositoryFile read = [this](const RepositoryFile& f, int64_t max) {
    return registry_.ReadFileHead(registry::ModelFile{f.path, f.sha256, f.size, ""}, max);
  };
  ASSIGN_OR_RETURN(Repository repo, ReadRepository(std::move(files), read));
  if (repo.versions.empty() && repo.problems.empty()) repo.problems.push_back("the repository holds no model version to register");
  // Every target name must be free or the project's own before anything is registered.
  auto target = [&](const RepositoryVersion& v) {
    if (!o.model.empty()) return o.model;
    std::string named = v.record.is_object() ? v.record.value("registered_model", "") : "";
    return named.empty() ? v.model : named;
  };
  for (const auto& v : repo.versions) {
    std::string name = target(v);
    Status valid = registry::ValidateModelName(name);
    if (!valid.ok()) {
      repo.problems.push_back(v.model + ": " + valid.message());
      continue;
    }
    auto existing = registry_.store().GetModel(name);
    if (existing.ok() && existing->project_id != o.project_id) repo.problems.push_back("registered model '" + name + "' belongs to another project");
  }
  if (!repo.problems.empty()) {
    Json problems = repo.problems;
    return InvalidArgument("the repository cannot be imported: " + repo.problems.front() +
                           (repo.problems.size() > 1 ? " (and " + std::to_string(repo.problems.size() - 1) + " more problems)" : ""))
        .WithReason("INVALID_REPOSITORY", Json{{"problems", problems}}.dump());
  }
  std::string origin;
  for (const auto& f : repo.manifest.is_null() ? Json::array() : repo.manifest.value("files", Json::array())) origin += f.dump();
  std::string repository_sha = Sha256Hex(origin.empty() ? "plain" : origin);
  ImportResult result;
  result.notes = repo.notes;
  for (const auto& e : repo.ensembles) result.ensembles.push_back(e.name);
  for (const auto& v : repo.versions) {
    registry::ImportedVersion im;
    im.project_id = o.project_id;
    im.model = target(v);
    im.files = v.files;
    im.user = o.user;
    im.signature = v.signature;
    im.source = "import:" + repository_sha.substr(0, 16) + "/" + v.model + "/" + std::to_string(v.version);
    Json imported{{"model", v.model}, {"version", v.version}, {"repository_sha256", repository_sha}, {"config", v.config.name}};
    if (v.record.is_object()) {
      im.lineage = v.record.value("lineage", Json::object());
      im.description = v.record.value("description", "");
      imported["registered_model"] = v.record.value("registered_model", "");
      imported["registered_version"] = v.record.value("registered_version", int64_t{0});
      imported["content_sha256"] = v.record.value("content_sha256", "");
      imported["exported_by"] = repo.manifest.value("exported_by", "");
      imported["exported_at"] = repo.manifest.value("exported_at", int64_t{0});
    }
    if (!im.lineage.is_object()) im.lineage = Json::object();
    im.lineage["imported"] = imported;
    ASSIGN_OR_RETURN(registry::ModelVersion registered, registry_.RegisterImported(im));
    result.versions.push_back(std::move(registered));
  }
  return result;
}

}  // namespace moebius::triton

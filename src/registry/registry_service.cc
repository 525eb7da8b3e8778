#include "registry/registry_service.h"

#include <algorithm>
#include <fstream>

#include "base/strings.h"
#include "registry/model_card.h"
#include "registry/model_inspect.h"
#include "report/stored_documents.h"
#include "report/package_store.h"
#include "store/blob/blob_store.h"
#include "tracking/tracking_store.h"

namespace moebius::registry {
namespace {

constexpr size_t kMaxVersionFiles = 10000;

bool IsCodeTag(const std::string& key) { return StartsWith(key, "moebius.code") || StartsWith(key, "mlflow.source.git"); }

Status CheckPath(const std::string& path) {
  if (path.empty()) return Status::Ok();
  return tracking::TrackingStore::ValidateArtifactPath(path, false);
}

}  // namespace

Result<std::vector<ModelFile>> RegistryService::RunFiles(const std::string& run_id, const std::string& path) {
  RETURN_IF_ERROR(CheckPath(path));
  std::vector<ModelFile> out;
  // A path naming one file registers that file alone.
  if (!path.empty()) {
    auto single = tracking_.GetArtifact(run_id, path);
    if (single.ok()) {
      size_t slash = path.rfind('/');
      out.push_back({slash == std::string::npos ? path : path.substr(slash + 1), single->sha256, single->file_size, ""});
      return out;
    }
  }
  std::vector<std::string> dirs = {path};
  std::string prefix = path.empty() ? "" : path + "/";
  while (!dirs.empty()) {
    std::string d = dirs.back();
    dirs.pop_back();
    ASSIGN_OR_RETURN(auto entries, tracking_.ListArtifacts(run_id, d));
    for (auto& f : entries) {
      if (f.is_dir) {
        dirs.push_back(f.path);
        continue;
      }
      out.push_back({f.path.substr(prefix.size()), f.sha256, f.file_size, ""});
      if (out.size() > kMaxVersionFiles) return InvalidArgument("the folder holds more than 10,000 files; register the model's own folder");
    }
  }
  if (out.empty()) return InvalidArgument("run " + run_id + " has no artifacts under '" + path + "'");
  return out;
}

Result<Json> RegistryService::RunLineage(const std::string& run_id) {
  ASSIGN_OR_RETURN(tracking::Run run, tracking_.GetRun(run_id));
  ASSIGN_OR_RETURN(tracking::Experiment e, tracking_.GetExperiment(run.info.experiment_id));
  Json data = Json::array(), code = Json::array(), evaluations = Json::array();
  for (const auto& i : run.inputs) {
    Json detail = Json::parse(i.detail.empty() ? "{}" : i.detail, nullptr, false);
    data.push_back({{"kind", i.kind}, {"ref", i.ref}, {"detail", detail.is_discarded() ? Json(i.detail) : detail}});
  }
  Json environment = nullptr;
  for (const auto& t : run.tags) {
    if (IsCodeTag(t.key)) code.push_back({{"key", t.key}, {"value", t.value}});
    if (t.key == "moebius.environment") environment = t.value;
  }
  auto evals = tracking_.ListArtifacts(run_id, "evaluations");
  if (evals.ok())
    for (const auto& f : *evals)
      if (!f.is_dir && EndsWith(f.path, ".json")) evaluations.push_back({{"artifact", f.path}, {"sha256", f.sha256}});
  Json metrics = Json::object();
  for (const auto& m : run.metrics) metrics[m.key] = std::isfinite(m.value) ? Json(m.value) : Json(nullptr);
  return Json{{"run", {{"id", run_id}, {"name", run.info.run_name}, {"status", run.info.status}}},
              {"experiment", {{"id", e.experiment_id}, {"name", e.name}, {"project_id", e.project_id}}},
              {"data_versions", data},
              {"code", code},
              {"environment", environment},
              {"evaluations", evaluations},
              {"metrics", metrics},
              {"package", nullptr}};
}

Result<VersionSource> RegistryService::ParseSource(const std::string& source, const std::string& run_id) {
  VersionSource out;
  auto agree = [&](const std::string& from_source) -> Status {
    if (!run_id.empty() && run_id != from_source)
      return InvalidArgument("run_id '" + run_id + "' does not match the run of source '" + source + "'");
    return Status::Ok();
  };
  auto split = [&](const std::string& rest) {  // "<run>/<path>" → run, path
    size_t slash = rest.find('/');
    out.run_id = rest.substr(0, slash);
    out.path = slash == std::string::npos ? "" : rest.substr(slash + 1);
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  };
  if (StartsWith(source, "runs:/")) {
    split(source.substr(6));
  } else if (StartsWith(source, "mlflow-artifacts:/")) {
    // mlflow-artifacts:/<experiment>/<run>/artifacts/<path>
    auto parts = Split(source.substr(18), '/');
    if (parts.size() < 3 || parts[2] != "artifacts")
      return InvalidArgument("source '" + source + "' is not a run's artifact URI (mlflow-artifacts:/<experiment>/<run>/artifacts/<path>)");
    out.run_id = parts[1];
    std::string path;
    for (size_t i = 3; i < parts.size(); ++i)
      if (!parts[i].empty()) path += (path.empty() ? "" : "/") + parts[i];
    out.path = path;
  } else if (StartsWith(source, "package:")) {
    auto id = ParseInt64(source.substr(8));
    if (!id || *id < 1) return InvalidArgument("source '" + source + "' must be package:<id>");
    out.package_id = *id;
    out.run_id = run_id;
    return out;
  } else {
    return InvalidArgument("source '" + source.substr(0, 200) +
                           "' is not supported: give runs:/<run_id>/<path>, the run's mlflow-artifacts: URI, or package:<id>");
  }
  if (out.run_id.empty()) return InvalidArgument("source '" + source + "' names no run");
  RETURN_IF_ERROR(agree(out.run_id));
  RETURN_IF_ERROR(CheckPath(out.path));
  return out;
}

Result<ModelVersion> RegistryService::Register(const RegisterRequest& rq) {
  RETURN_IF_ERROR(ValidateModelName(rq.model));
  ModelVersion v;
  v.description = rq.description;
  v.tags = rq.tags;
  v.created_by = rq.user;
  std::string run_id = rq.source.run_id;
  Json package_lineage = nullptr;
  std::vector<ModelFile> files;
  if (rq.source.package_id > 0) {
    auto pkg = packages_.Get(rq.source.package_id);
    if (!pkg.ok() && pkg.status().code() == StatusCode::kNotFound) return InvalidArgument("package " + std::to_string(rq.source.package_id) + " does not exist");
    RETURN_IF_ERROR(pkg.status());
    if (pkg->project_id != rq.project_id) return InvalidArgument("package " + std::to_string(pkg->id) + " belongs to another project");
    if (!run_id.empty() && run_id != pkg->run_id) return InvalidArgument("run_id does not match the package's run " + pkg->run_id);
    run_id = pkg->run_id;
    ASSIGN_OR_RETURN(std::string text, blobs_.Get(pkg->manifest_sha256));
    Json manifest = Json::parse(text, nullptr, false);
    if (!manifest.is_object() || !manifest.contains("artifacts") || !manifest["artifacts"].is_array())
      return Internal("package " + std::to_string(pkg->id) + " has an unreadable manifest");
    std::string prefix = rq.source.path.empty() ? "" : rq.source.path + "/";
    for (const Json& a : manifest["artifacts"]) {
      std::string p = a.value("path", "");
      if (!StartsWith(p, prefix)) continue;
      files.push_back({p.substr(prefix.size()), a.value("sha256", ""), a.value("size", int64_t{0}), ""});
    }
    if (files.empty()) return InvalidArgument("package " + std::to_string(pkg->id) + " has no artifacts under '" + rq.source.path + "'");
    v.package_id = pkg->id;
    v.source = "package:" + std::to_string(pkg->id) + (rq.source.path.empty() ? "" : "/" + rq.source.path);
    package_lineage = {{"id", pkg->id}, {"task", pkg->task_name}, {"criteria", pkg->criteria}, {"criteria_result", pkg->criteria_result},
                       {"manifest_sha256", pkg->manifest_sha256}, {"confirmed_by", pkg->created_by}, {"confirmed_at", pkg->created_at}};
  } else {
    if (run_id.empty()) return InvalidArgument("a version needs a source: a run's artifact folder or a confirmed package");
    auto exp_id = tracking_.ExperimentOfRun(run_id);
    if (!exp_id.ok() && exp_id.status().code() == StatusCode::kNotFound) return InvalidArgument("run '" + run_id + "' does not exist");
    RETURN_IF_ERROR(exp_id.status());
    ASSIGN_OR_RETURN(tracking::Experiment e, tracking_.GetExperiment(*exp_id));
    if (e.project_id != rq.project_id) return InvalidArgument("run '" + run_id + "' belongs to another project than the model");
    ASSIGN_OR_RETURN(files, RunFiles(run_id, rq.source.path));
    v.source = "runs:/" + run_id + (rq.source.path.empty() ? "" : "/" + rq.source.path);
  }
  v.run_id = run_id;
  if (!run_id.empty()) {
    ASSIGN_OR_RETURN(v.lineage, RunLineage(run_id));
  } else {
    v.lineage = Json::object();
  }
  v.lineage["package"] = package_lineage;
  return Create(std::move(v), std::move(files), rq.project_id, rq.model, rq.user, nullptr);
}

Result<std::string> RegistryService::ReadFileHead(const ModelFile& f, int64_t max_bytes) {
  auto path = blobs_.PathOf(f.sha256);
  if (!path.ok()) {
    ASSIGN_OR_RETURN(std::string all, blobs_.Get(f.sha256));
    if (static_cast<int64_t>(all.size()) > max_bytes) all.resize(max_bytes);
    return all;
  }
  std::ifstream in(*path, std::ios::binary);
  std::string out(static_cast<size_t>(std::min<int64_t>(max_bytes, f.size)), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

Result<Json> RegistryService::ModelCard(const ModelVersion& v, const std::string& project, const std::string& lang) {
  CardInputs in;
  in.version = v;
  in.project = project;
  in.lang = lang;
  in.generated_at = clock_.NowMillis();
  ASSIGN_OR_RETURN(in.written, store_.CardSections(v.id));
  // The run's stored evaluations, as the lineage recorded them (name and content hash); one that
  // breaks its schema is left out with a note rather than breaking the card.
  for (const Json& e : v.lineage.value("evaluations", Json::array())) {
    std::string artifact = e.value("artifact", "");
    std::string name = artifact.substr(artifact.rfind('/') == std::string::npos ? 0 : artifact.rfind('/') + 1);
    if (EndsWith(name, ".json")) name.resize(name.size() - 5);
    auto text = blobs_.Get(e.value("sha256", ""));
    if (!text.ok()) continue;
    auto doc = ParseJson(*text, JsonLimits{.max_depth = 64, .max_string_bytes = 1 << 20, .max_array_items = 10000000});
    if (!doc.ok() || !report::CheckEvaluationDocument(*doc).ok()) continue;
    in.evaluations.emplace_back(name, std::move(*doc));
  }
  return BuildModelCard(in);
}

Result<std::vector<RetirementCandidate>> RegistryService::RetirementCandidates(int64_t project_id) {
  ASSIGN_OR_RETURN(RetirementPolicy policy, store_.GetRetirementPolicy(project_id));
  std::vector<RetirementCandidate> out;
  if (policy.max_age_days == 0 && policy.superseded_by == 0) return out;
  int64_t now = clock_.NowMillis();
  std::string token;
  do {
    ModelSearch q;
    q.project_ids = {project_id};
    q.max_results = kMaxModelSearchResults;
    q.page_token = token;
    ASSIGN_OR_RETURN(Page page, store_.SearchModels(q));
    for (int64_t id : page.ids) {
      ASSIGN_OR_RETURN(auto versions, store_.Versions(id));  // newest first
      for (size_t i = 0; i < versions.size(); ++i) {
        const ModelVersion& v = versions[i];
        if (v.retired_at > 0 || v.stage == Stage::kProduction) continue;
        RetirementCandidate c{v, {}};
        int64_t age_days = (now - v.created_at) / 86400000;
        if (policy.max_age_days > 0 && age_days >= policy.max_age_days)
          c.reasons.push_back("registered " + std::to_string(age_days) + " days ago (policy: " + std::to_string(policy.max_age_days) + ")");
        if (policy.superseded_by > 0 && static_cast<int64_t>(i) >= policy.superseded_by)
          c.reasons.push_back("superseded by " + std::to_string(i) + " newer versions (policy: " + std::to_string(policy.superseded_by) + ")");
        if (!c.reasons.empty()) out.push_back(std::move(c));
      }
    }
    token = page.next_page_token;
  } while (!token.empty());
  return out;
}

Status RegistryService::EditCard(const ModelVersion& v, const std::vector<CardSection>& sections, const std::string& user) {
  const auto& keys = CardSectionKeys();
  for (const auto& s : sections) {
    if (std::find(keys.begin(), keys.end(), s.key) == keys.end())
      return InvalidArgument("'" + s.key + "' is not a model card section; sections: " + Join(keys, ", "));
    if (s.text.size() > 20000) return InvalidArgument("section '" + s.key + "' is longer than 20,000 bytes");
  }
  return store_.SetCardSections(v.id, sections, user);
}

Result<ModelVersion> RegistryService::RegisterImported(const ImportedVersion& im) {
  RETURN_IF_ERROR(ValidateModelName(im.model));
  if (im.files.empty()) return InvalidArgument("the imported version has no files");
  if (im.files.size() > kMaxVersionFiles) return InvalidArgument("the imported version holds more than 10,000 files");
  ModelVersion v;
  v.description = im.description;
  v.created_by = im.user;
  v.source = im.source;
  v.lineage = im.lineage.is_object() ? im.lineage : Json::object();
  return Create(std::move(v), im.files, im.project_id, im.model, im.user, im.signature);
}

Result<ModelVersion> RegistryService::Create(ModelVersion v, std::vector<ModelFile> files, int64_t project_id, const std::string& model_name,
                                             const std::string& user, const Json& given_signature) {
  for (const auto& f : files)
    if (!blobs_.Exists(f.sha256)) return FailedPrecondition("file " + f.path + " of the source is missing from the blob store (sha256 " + f.sha256 + ")");
  ReadFile read = [this](const ModelFile& f, int64_t max_bytes) { return ReadFileHead(f, max_bytes); };
  ASSIGN_OR_RETURN(InspectedModel m, InspectModelFiles(std::move(files), read, given_signature));
  v.format = m.format;
  v.flavor = m.flavor;
  v.model_file = m.model_file;
  v.files = std::move(m.files);
  v.signature = std::move(m.signature);
  v.content_sha256 = ContentHash(v.files);
  // The model: created on first registration, else it must be the request's project's.
  auto model = store_.GetModel(model_name);
  if (!model.ok() && model.status().code() == StatusCode::kNotFound) {
    model = store_.CreateModel(project_id, model_name, "", {}, user);
    if (!model.ok() && model.status().code() == StatusCode::kAlreadyExists) model = store_.GetModel(model_name);  // a concurrent creation
  }
  RETURN_IF_ERROR(model.status());
  if (model->project_id != project_id) return InvalidArgument("registered model '" + model_name + "' belongs to another project");
  v.model_id = model->id;
  return store_.CreateVersion(std::move(v));
}

Result<ModelVersion> RegistryService::Transition(const std::string& model, int64_t version, Stage to, bool archive_existing,
                                                 const std::string& user, const std::string& reason) {
  ASSIGN_OR_RETURN(ModelVersion v, store_.GetVersion(model, version));
  if (v.stage == to) return v;
  if (to == Stage::kProduction)
    return Conflict("moving a version into production needs an approved request (REG-5): request it with POST /api/v1/models/" + model +
                    "/versions/" + std::to_string(version) + "/requests or `moebius approval request " + model + " " + std::to_string(version) +
                    "`; version " + std::to_string(version) + " stays in " + StageName(v.stage))
        .WithReason("APPROVAL_REQUIRED");
  return store_.TransitionStage(model, version, to, archive_existing, user, reason);
}

Status RegistryService::DeleteModel(const std::string& model) {
  ASSIGN_OR_RETURN(RegisteredModel m, store_.GetModel(model));
  ASSIGN_OR_RETURN(auto versions, store_.Versions(m.id));
  for (const auto& v : versions)
    if (v.stage == Stage::kProduction)
      return FailedPrecondition("registered model '" + model + "' has version " + std::to_string(v.version) +
                                " in production; archive it before deleting the model");
  return store_.DeleteModel(model);
}

Status RegistryService::DeleteVersion(const std::string& model, int64_t version) {
  ASSIGN_OR_RETURN(ModelVersion v, store_.GetVersion(model, version));
  if (v.stage == Stage::kProduction)
    return FailedPrecondition("version " + std::to_string(version) + " of '" + model + "' is in production; archive it before deleting it");
  return store_.DeleteVersion(model, version);
}

Result<std::string> RegistryService::DownloadUri(const ModelVersion& v) {
  if (v.run_id.empty()) return v.source;
  ASSIGN_OR_RETURN(tracking::Run run, tracking_.GetRun(v.run_id));
  // The folder within the run: after "runs:/<run>/" or "package:<id>/".
  std::string path;
  size_t at = StartsWith(v.source, "runs:/") ? 6 + v.run_id.size() : v.source.find('/');
  if (at != std::string::npos && at < v.source.size()) path = v.source.substr(at + 1);
  return run.info.artifact_uri + (path.empty() ? "" : "/" + path);
}

}  // namespace moebius::registry

#include "triton/repository_export.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/crypto.h"
#include "base/strings.h"

namespace moebius::triton {
namespace {

constexpr int64_t kMaxModelRead = 256LL << 20;

ExportedFile Generated(std::string path, std::string content) {
  ExportedFile f;
  f.path = std::move(path);
  f.sha256 = Sha256Hex(content);
  f.size = static_cast<int64_t>(content.size());
  f.generated = true;
  f.content = std::move(content);
  return f;
}

Result<registry::XgbInfo> XgboostInfo(const registry::ModelVersion& v, const registry::ReadFile& read) {
  if (v.format != "xgboost") return registry::XgbInfo{};
  for (const auto& f : v.files) {
    if (f.path != v.model_file) continue;
    if (f.size > kMaxModelRead) return registry::XgbInfo{};  // too large to read here: the signature stands in
    ASSIGN_OR_RETURN(std::string bytes, read(f, f.size));
    return registry::ReadXgboost(bytes, f.path);
  }
  return Internal("version " + std::to_string(v.version) + " of '" + v.model_name + "' lacks its model file " + v.model_file);
}

struct Member {
  const registry::ModelVersion* version;
  std::string name;  // the repository's model name
  ModelConfig config;
};

}  // namespace

Result<std::vector<ExportedFile>> PlanExport(const ExportRequest& rq, const registry::ReadFile& read) {
  if (rq.versions.empty()) return InvalidArgument("nothing to export: name at least one version");
  std::vector<ExportedFile> files;
  std::vector<Member> members;
  std::map<std::string, std::string> owner;  // repository name → registered model
  std::set<std::pair<std::string, int64_t>> seen;
  for (const auto& v : rq.versions) {
    if (!seen.insert({v.model_name, v.version}).second)
      return InvalidArgument("version " + std::to_string(v.version) + " of '" + v.model_name + "' is named twice");
    std::string name = RepositoryName(v.model_name);
    auto [it, fresh] = owner.emplace(name, v.model_name);
    if (!fresh && it->second != v.model_name)
      return InvalidArgument("registered models '" + it->second + "' and '" + v.model_name + "' both become '" + name + "' in the repository");
    ASSIGN_OR_RETURN(registry::XgbInfo xgb, XgboostInfo(v, read));
    ASSIGN_OR_RETURN(ModelConfig config, ConfigForVersion(name, v.format, v.signature, xgb, v.model_file, rq.options));
    members.push_back({&v, name, std::move(config)});
  }
  if (!rq.ensemble.empty() && owner.count(RepositoryName(rq.ensemble)))
    return InvalidArgument("the ensemble's name '" + rq.ensemble + "' is also a model's");

  Json manifest_models = Json::array();
  // One folder per registered model: its config (the versions must agree on it) and a numbered
  // folder per version.
  for (const auto& [name, registered] : owner) {
    std::vector<const Member*> group;
    for (const auto& m : members)
      if (m.name == name) group.push_back(&m);
    std::sort(group.begin(), group.end(), [](const Member* a, const Member* b) { return a->version->version < b->version->version; });
    ModelConfig config = group.back()->config;
    for (const Member* m : group) {
      ModelConfig other = m->config;
      if (other.inputs != config.inputs || other.outputs != config.outputs || other.backend != config.backend ||
          other.platform != config.platform || other.parameters != config.parameters)
        return InvalidArgument("versions " + std::to_string(group.front()->version->version) + " and " + std::to_string(m->version->version) +
                               " of '" + registered + "' differ in inputs, outputs or backend; export them separately");
    }
    if (group.size() > 1) {
      config.version_policy = "specific";
      for (const Member* m : group) config.specific_versions.push_back(m->version->version);
    }
    ASSIGN_OR_RETURN(std::string text, RenderConfig(config));
    files.push_back(Generated(name + "/config.pbtxt", std::move(text)));
    for (const Member* m : group) {
      const registry::ModelVersion& v = *m->version;
      std::string dir = name + "/" + std::to_string(v.version) + "/";
      Json listed = Json::array();
      for (const auto& f : v.files) {
        ExportedFile e;
        e.path = f.path == v.model_file ? dir + TritonModelFileName(v.format, v.model_file) : dir + kSidecarDir + "/" + f.path;
        RETURN_IF_ERROR(CheckRepositoryPath(e.path));
        e.sha256 = f.sha256;
        e.size = f.size;
        listed.push_back({{"path", e.path}, {"registered_path", f.path}, {"sha256", f.sha256}, {"size", f.size}, {"role", f.role}});
        files.push_back(std::move(e));
      }
      manifest_models.push_back({{"name", name},
                                 {"version", v.version},
                                 {"registered_model", v.model_name},
                                 {"registered_version", v.version},
                                 {"format", v.format},
                                 {"flavor", v.flavor},
                                 {"model_file", v.model_file},
                                 {"content_sha256", v.content_sha256},
                                 {"stage", registry::StageName(v.stage)},
                                 {"description", v.description},
                                 {"signature", v.signature},
                                 {"lineage", v.lineage},
                                 {"files", listed}});
    }
  }

  Json manifest_ensembles = Json::array();
  if (!rq.ensemble.empty()) {
    std::string name = RepositoryName(rq.ensemble);
    const ModelConfig& first = members.front().config;
    ModelConfig e;
    e.name = name;
    e.platform = "ensemble";
    e.max_batch_size = first.max_batch_size;
    e.inputs = first.inputs;
    Json listed = Json::array();
    for (const auto& m : members) {
      if (m.config.inputs != first.inputs)
        return InvalidArgument("the ensemble's members take different inputs: '" + m.version->model_name + "' v" + std::to_string(m.version->version) +
                               " differs from '" + members.front().version->model_name + "' v" + std::to_string(members.front().version->version));
      e.max_batch_size = std::min(e.max_batch_size, m.config.max_batch_size);
      EnsembleStep step;
      step.model_name = m.name;
      step.model_version = m.version->version;
      for (const auto& in : m.config.inputs) step.input_map.emplace_back(in.name, in.name);
      for (const auto& out : m.config.outputs) {
        std::string mapped = m.name + "_" + std::to_string(m.version->version) + "__" + out.name;
        step.output_map.emplace_back(out.name, mapped);
        e.outputs.push_back({mapped, out.datatype, out.dims});
      }
      std::sort(step.input_map.begin(), step.input_map.end());
      std::sort(step.output_map.begin(), step.output_map.end());
      e.ensemble.push_back(std::move(step));
      listed.push_back({{"model", m.name}, {"version", m.version->version}, {"registered_model", m.version->model_name}});
    }
    ASSIGN_OR_RETURN(std::string text, RenderConfig(e));
    files.push_back(Generated(name + "/config.pbtxt", std::move(text)));
    Json doc{{"format", "moebius.ensemble"}, {"name", name}, {"members", listed}};
    files.push_back(Generated(name + "/1/ensemble.json", doc.dump(2) + "\n"));
    manifest_ensembles.push_back({{"name", name}, {"members", listed}});
  }

  std::sort(files.begin(), files.end(), [](const ExportedFile& a, const ExportedFile& b) { return a.path < b.path; });
  for (size_t i = 1; i < files.size(); ++i)
    if (files[i].path == files[i - 1].path) return InvalidArgument("two files of the export would both be " + files[i].path);
  Json listed = Json::array();
  for (const auto& f : files) listed.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
  Json manifest{{"format", kManifestFormat},      {"version", 1},       {"exported_by", rq.exported_by}, {"exported_at", rq.exported_at},
                {"models", manifest_models},      {"ensembles", manifest_ensembles}, {"files", listed}};
  files.push_back(Generated(kManifestPath, manifest.dump(2) + "\n"));
  return files;
}

}  // namespace moebius::triton

// RegistryService: registering model versions and moving them (REG-1 to REG-3; docs/design/
// registry.md). Over the RegistryStore it adds what a version is made from and what may happen
// to it:
//
// - Register: a version of a model (created in the project when the name is new) from a run's
//   artifact folder (`runs:/<run>/<path>`, MLflow's source URI; also mlflow-artifacts: and the
//   run's artifact_uri followed by a path) or from a confirmed package. The folder is inspected
//   (model_inspect.h): format, model file, signature, roles; its files are kept by content hash
//   (nothing is copied: the blobs are shared with the run). Lineage is recorded from the run:
//   experiment, data versions it read, code and environment tags, evaluations, and the package
//   with its criteria result when there is one. The run must belong to the model's project.
// - Stages: development (MLflow's None), staging, production, archived, each change recorded
//   with who, when and why. Production is a governed zone (PRJ-8): no version enters it by a
//   plain transition (409 APPROVAL_REQUIRED) — only through an approved request (approvals.h).
//
// Thread-safety: thread-safe.
#pragma once

#include <string>

#include "base/clock.h"
#include "registry/registry_store.h"
#include "registry/registry_types.h"

namespace moebius {
namespace store {
class BlobStore;
}
namespace tracking {
class TrackingStore;
}
namespace report {
class PackageStore;
}
}  // namespace moebius

namespace moebius::registry {

// Where a version's files come from: a run's artifact folder, or a confirmed package (its model
// folder, `path` within the package's artifacts).
struct VersionSource {
  std::string run_id;
  std::string path = "model";
  int64_t package_id = 0;
};

struct RegisterRequest {
  int64_t project_id = 0;  // the model's project (a new model is created there)
  std::string model;
  VersionSource source;
  std::string description;
  Tags tags;
  std::string user;
};

// A version whose files are already in the blob store (an imported Triton repository, INF-5).
struct ImportedVersion {
  int64_t project_id = 0;
  std::string model;
  std::vector<ModelFile> files;  // paths as registered, blobs present
  std::string source;            // e.g. "import:<repository sha256>/<model>/<n>"
  Json signature;                // stands in when the files carry none (a config.pbtxt's)
  Json lineage;                  // what the repository's manifest recorded, with where it came from
  std::string description;
  std::string user;
};

// A version a project's retirement policy names, with why (REG-6).
struct RetirementCandidate {
  ModelVersion version;
  std::vector<std::string> reasons;
};

class RegistryService {
 public:
  RegistryService(RegistryStore& store, tracking::TrackingStore& tracking, store::BlobStore& blobs, report::PackageStore& packages,
                  const Clock& clock)
      : store_(store), tracking_(tracking), blobs_(blobs), packages_(packages), clock_(clock) {}

  RegistryStore& store() { return store_; }

  // kInvalidArgument when the source holds no usable model (the message says what is missing),
  // when the run or package belongs to another project than the model, or the name is bad.
  Result<ModelVersion> Register(const RegisterRequest& request);

  // Registers imported files as a new version (the model is created when the name is new); the same
  // inspection and checks as Register.
  Result<ModelVersion> RegisterImported(const ImportedVersion& imported);

  // The version's model card (model_card.h) in `lang`, generated from live records with the
  // written sections; `project` is the project's name as the card shows it.
  Result<Json> ModelCard(const ModelVersion& v, const std::string& project, const std::string& lang);
  // Writes card sections: keys must be CardSectionKeys(), texts at most 20,000 bytes (empty
  // removes the written text). kInvalidArgument naming the key otherwise; nothing written then.
  Status EditCard(const ModelVersion& v, const std::vector<CardSection>& sections, const std::string& user);

  // The project's live versions its retirement policy names (never one in production): older than
  // max_age_days, or with superseded_by newer versions of the same model. Newest model first.
  Result<std::vector<RetirementCandidate>> RetirementCandidates(int64_t project_id);

  // Reads at most max_bytes of a version file's bytes from the blob store.
  Result<std::string> ReadFileHead(const ModelFile& f, int64_t max_bytes);

  // MLflow's `source` of model-versions/create: runs:/<run>/<path>, mlflow-artifacts:/<experiment>/
  // <run>/artifacts/<path>, or <the run's artifact_uri>/<path>; `run_id` (optional in MLflow) must
  // agree with it. kInvalidArgument for anything else.
  Result<VersionSource> ParseSource(const std::string& source, const std::string& run_id);

  // Moves a version; archive_existing archives the model's other versions in `to` (staging and
  // production). Production: kConflict (APPROVAL_REQUIRED), see above.
  Result<ModelVersion> Transition(const std::string& model, int64_t version, Stage to, bool archive_existing, const std::string& user,
                                  const std::string& reason);

  // Deletes a model with its versions (MLflow's semantics), or one version; a version in
  // production is refused (kFailedPrecondition: archive it first), so a production model never
  // disappears by a delete.
  Status DeleteModel(const std::string& model);
  Status DeleteVersion(const std::string& model, int64_t version);

  // Where an MLflow client downloads a version's files (model-versions/get-download-uri): the
  // run's mlflow-artifacts: URI of the registered folder.
  Result<std::string> DownloadUri(const ModelVersion& v);

 private:
  Result<std::vector<ModelFile>> RunFiles(const std::string& run_id, const std::string& path);
  Result<Json> RunLineage(const std::string& run_id);
  // Inspects the files, then creates the version (and the model when new) in `project_id`.
  Result<ModelVersion> Create(ModelVersion v, std::vector<ModelFile> files, int64_t project_id, const std::string& model,
                              const std::string& user, const Json& given_signature);

  RegistryStore& store_;
  tracking::TrackingStore& tracking_;
  store::BlobStore& blobs_;
  report::PackageStore& packages_;
  const Clock& clock_;
};

}  // namespace moebius::registry

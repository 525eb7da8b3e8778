// RegistryStore: the registry's records in the metadata database (REG-1 to REG-3, migration
// 1100). It keeps models, versions, tags, aliases and the stage history consistent — each call
// is one transaction — and knows nothing of files, approvals or HTTP: RegistryService
// (registry_service.h) decides what may be registered and moved.
//
// Names follow MLflow's model registry: a model name is unique in the server; versions are
// numbered 1, 2, … per model and never reused, also after a deletion; an alias names one
// version of its model. Search uses MLflow's filter grammar (tracking/search_filter.h).
//
// Thread-safety: thread-safe (state lives in the database).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "registry/model_card.h"
#include "registry/registry_types.h"
#include "store/meta/database.h"

namespace moebius::registry {

inline constexpr int64_t kMaxModelSearchResults = 1000;  // MLflow's threshold for models
inline constexpr int64_t kMaxVersionSearchResults = 200000;

struct ModelSearch {
  std::vector<int64_t> project_ids;  // only models of these projects (the caller's view)
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = 100;
  std::string page_token;
};

struct Page {
  std::vector<int64_t> ids;  // models or versions, in order
  std::string next_page_token;
};

class RegistryStore {
 public:
  RegistryStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // --- models
  // kAlreadyExists when the name is taken.
  Result<RegisteredModel> CreateModel(int64_t project_id, const std::string& name, const std::string& description,
                                      const Tags& tags, const std::string& user);
  Result<RegisteredModel> GetModel(const std::string& name);  // kNotFound
  Result<RegisteredModel> GetModelById(int64_t id);
  Result<RegisteredModel> UpdateModel(const std::string& name, const std::string& description);
  // kAlreadyExists when new_name is taken; versions follow their model.
  Result<RegisteredModel> RenameModel(const std::string& name, const std::string& new_name);
  // Deletes the model with its versions, tags, aliases and their stage history.
  Status DeleteModel(const std::string& name);
  Status SetModelTag(const std::string& name, const std::string& key, const std::string& value);
  // Deleting an absent tag is not an error (MLflow's semantics); an unknown model is kNotFound.
  Status DeleteModelTag(const std::string& name, const std::string& key);
  // kInvalidArgument for a bad filter, order_by, page token or max_results.
  Result<Page> SearchModels(const ModelSearch& q);

  // --- versions
  // Inserts `v` (model_id, files, … set; id, version, times filled in) as the model's next version.
  Result<ModelVersion> CreateVersion(ModelVersion v);
  Result<ModelVersion> GetVersion(const std::string& name, int64_t version);  // kNotFound
  Result<ModelVersion> GetVersionById(int64_t id);
  Result<std::vector<ModelVersion>> Versions(int64_t model_id);
  // How many versions a model has per stage, and its newest number (0 when none), without loading them.
  struct VersionCounts {
    std::map<std::string, int64_t> by_stage;
    int64_t total = 0;
    int64_t latest = 0;
  };
  Result<VersionCounts> CountVersions(int64_t model_id);
  // The newest version in each stage (MLflow's latest_versions), in stage order; only `stages`
  // when it is not empty.
  Result<std::vector<ModelVersion>> LatestVersions(int64_t model_id, const std::vector<Stage>& stages = {});
  Result<ModelVersion> UpdateVersion(const std::string& name, int64_t version, const std::string& description);
  // Deletes the version, its tags and the aliases that named it.
  Status DeleteVersion(const std::string& name, int64_t version);
  Status SetVersionTag(const std::string& name, int64_t version, const std::string& key, const std::string& value);
  Status DeleteVersionTag(const std::string& name, int64_t version, const std::string& key);
  Result<Page> SearchVersions(const ModelSearch& q);

  // --- stages and aliases
  // Moves the version to `to` and records the change; with archive_existing, the model's other
  // versions in `to` move to archived (recorded too, archived_for = this version). One transaction.
  Result<ModelVersion> TransitionStage(const std::string& name, int64_t version, Stage to, bool archive_existing,
                                       const std::string& user, const std::string& reason);
  Result<std::vector<StageChange>> StageHistory(int64_t version_id);
  // TransitionStage inside the caller's write transaction (an approved request applies its move
  // in the transaction that records the approval).
  Status TransitionTx(store::Tx& tx, int64_t version_id, Stage to, bool archive_existing, const std::string& user,
                      const std::string& reason);
  Result<ModelVersion> LoadVersionTx(store::Tx& tx, int64_t version_id) { return LoadVersion(tx, version_id); }

  // Retires a version inside `tx` (REG-6): archived when it is not, and the retirement record with
  // the project's retention. kConflict RETIRED when it already is.
  Status RetireTx(store::Tx& tx, int64_t version_id, int64_t request_id, const std::string& user, const std::string& reason);
  Result<RetirementPolicy> GetRetirementPolicy(int64_t project_id);
  Status SetRetirementPolicy(int64_t project_id, const RetirementPolicy& policy);

  // The written sections of a version's model card (REG-4), in no particular order.
  Result<std::vector<CardSection>> CardSections(int64_t version_id);
  // Writes the given sections (an empty text removes one) in one transaction.
  Status SetCardSections(int64_t version_id, const std::vector<CardSection>& sections, const std::string& user);
  // Points `alias` at the version, moving it from any other version (atomically).
  Status SetAlias(const std::string& name, const std::string& alias, int64_t version);
  Status DeleteAlias(const std::string& name, const std::string& alias);  // kNotFound when absent
  Result<ModelVersion> GetByAlias(const std::string& name, const std::string& alias);

 private:
  Result<RegisteredModel> LoadModel(store::Tx& tx, int64_t id);
  Result<ModelVersion> LoadVersion(store::Tx& tx, int64_t id);
  Result<int64_t> ModelIdOf(store::Tx& tx, const std::string& name);
  Result<int64_t> VersionIdOf(store::Tx& tx, const std::string& name, int64_t version);
  struct SearchShape;  // what differs between a model and a version search (registry_store.cc)
  Result<Page> Search(const ModelSearch& q, const SearchShape& shape);

  store::Database& db_;
  const Clock& clock_;
};

// Names: 1 to 256 characters, no '/', no control characters (MLflow refuses '/' in names too).
Status ValidateModelName(const std::string& name);
// Aliases: 1 to 255 of [A-Za-z0-9_-], not "latest" and not of the form v<number> (MLflow's rules).
Status ValidateAlias(const std::string& alias);

}  // namespace moebius::registry

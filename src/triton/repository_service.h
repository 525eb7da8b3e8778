// Triton repositories of registered versions, over the registry and the blob store (INF-4, INF-5):
// Export plans the repository (repository_export.h) and stores its generated files, so the edge
// streams every file from the blob store; Import reads an uploaded repository (files already in
// the blob store, repository_reader.h) and registers each of its versions, refusing the whole
// repository — nothing registered — when anything about it is wrong.
//
// Thread-safety: thread-safe (the registry and the blob store are).
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "registry/registry_service.h"
#include "triton/repository_export.h"
#include "triton/repository_reader.h"

namespace moebius::store {
class BlobStore;
}

namespace moebius::triton {

struct ImportOptions {
  int64_t project_id = 0;
  std::string user;
  // Registers every version under this registered model instead of the manifest's or folder's name.
  std::string model;
};

struct ImportResult {
  std::vector<registry::ModelVersion> versions;
  std::vector<std::string> notes;
  std::vector<std::string> ensembles;  // ensembles are read and checked, not registered
};

class RepositoryService {
 public:
  RepositoryService(registry::RegistryService& registry, store::BlobStore& blobs, const Clock& clock)
      : registry_(registry), blobs_(blobs), clock_(clock) {}

  // The repository's files in order (the manifest last), each in the blob store.
  Result<std::vector<RepositoryFile>> Export(ExportRequest request);

  // kInvalidArgument (reason INVALID_REPOSITORY, details {"problems": [...]}) when the repository
  // has any problem; nothing is registered then.
  Result<ImportResult> Import(std::vector<RepositoryFile> files, const ImportOptions& options);

 private:
  registry::RegistryService& registry_;
  store::BlobStore& blobs_;
  const Clock& clock_;
};

}  // namespace moebius::triton

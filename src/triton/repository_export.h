// Export of registered versions as a Triton model repository (INF-4, EXP-10; the layout is
// repository_layout.h): each version's files under Triton's names, a config.pbtxt per model, an
// optional ensemble over them, and the manifest of hashes. The plan lists every file with its
// hash; generated files carry their bytes, a version's own files stay in the blob store.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/model_inspect.h"
#include "registry/registry_types.h"
#include "triton/repository_layout.h"

namespace moebius::triton {

struct ExportedFile {
  std::string path;  // in the repository, '/'-separated
  std::string sha256;
  int64_t size = 0;
  bool generated = false;  // config.pbtxt, ensemble.json, the manifest: `content` holds the bytes
  std::string content;
};

struct ExportRequest {
  std::vector<registry::ModelVersion> versions;  // several versions of one model share its folder
  std::string ensemble;  // when set, an ensemble of that name over the versions (same inputs)
  ConfigOptions options;
  std::string exported_by;
  int64_t exported_at = 0;  // ms since the epoch
};

// The repository's files in path order, the manifest last. `read` gives a version's file bytes
// (XGBoost models are read for their feature count and objective). kInvalidArgument when a
// version cannot be expressed for Triton, versions of one model take different inputs, an
// ensemble's members do, or two names collide.
Result<std::vector<ExportedFile>> PlanExport(const ExportRequest& request, const registry::ReadFile& read);

}  // namespace moebius::triton

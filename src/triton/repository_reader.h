// Reading a Triton model repository (INF-5): what `moebius package verify` checks and what an
// import registers. The repository is given as its files (path, sha256, size) and a way to read
// them, so the same reader serves a folder on disk and an uploaded archive in the blob store.
//
// Checked: every path stays inside the repository; with our manifest (moebius-repository.json),
// every file it lists is there with its size and sha256, no other file is, and each version's
// files hash to its recorded content_sha256; every model folder has a config.pbtxt that parses
// (fields we do not read are noted, not refused), whose name is its folder's, whose platform or
// backend is one Moebius registers, with numbered version folders holding the model file under
// Triton's name; and the configuration agrees with the version's signature and model (an XGBoost
// model's own feature count). Ensembles must name models of the repository.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "registry/registry_types.h"
#include "triton/triton_config.h"

namespace moebius::triton {

struct RepositoryFile {
  std::string path;
  std::string sha256;
  int64_t size = 0;
};

// At most `max_bytes` of a file's bytes from its start.
using ReadRepositoryFile = std::function<Result<std::string>(const RepositoryFile&, int64_t max_bytes)>;

struct RepositoryVersion {
  std::string model;  // the folder's name
  int64_t version = 0;
  ModelConfig config;
  std::string format;      // xgboost | torchscript | onnx
  std::string model_path;  // the model file's path in the repository
  // The files as they are registered: with our manifest, the paths they had when registered; else
  // the version folder's files, the model file under the name the registry recognizes.
  std::vector<registry::ModelFile> files;
  Json signature;  // the manifest's, else the configuration's (SignatureOfConfig)
  Json record;     // the manifest's record of the version, null without a manifest
};

struct Repository {
  bool has_manifest = false;
  Json manifest;  // null without one
  std::vector<RepositoryVersion> versions;
  std::vector<ModelConfig> ensembles;
  std::vector<std::string> problems;  // each a reason the repository cannot be trusted or registered
  std::vector<std::string> notes;     // e.g. configuration fields Moebius does not read
};

// Errors only when a file cannot be read; what is wrong with the repository is in `problems`.
Result<Repository> ReadRepository(std::vector<RepositoryFile> files, const ReadRepositoryFile& read);

}  // namespace moebius::triton

// Value types of data management: datasets, rounds (차수), bundles (묶음, rounds made from other
// rounds) and versions (형상, immutable snapshots with a status).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moebius::data {

// Data status life cycle (seed 000 §3.2.2): raw → refined → labeled → split.
inline const std::vector<std::string>& Statuses() {
  static const std::vector<std::string> kStatuses = {"raw", "refined", "labeled", "split"};
  return kStatuses;
}

struct Dataset {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  std::string domain;  // vision, language, tabular, multimodal
  std::string description;
  bool sensitive = false;  // reads are audited
  std::vector<std::string> tags;
  int64_t created_at = 0;
  std::string created_by;
  // Table columns seen in its rounds (tabular datasets); filled by ListDatasets only.
  std::vector<std::string> columns;
  bool strict_ingest = false;  // refuse empty files and unknown sidecars instead of storing them
};

struct Round {
  int64_t id = 0;
  int64_t dataset_id = 0;
  int64_t number = 0;  // 1, 2, ... per dataset
  std::string kind;    // upload, bundle, dictionary
  std::string source;  // where it came from: file name, archive, SQL source, or the bundled rounds
  std::string note;
  std::string manifest_root;
  int64_t item_count = 0;
  int64_t total_bytes = 0;
  std::string sources_json = "[]";  // bundles: [{"round": n, "items": k}], with filter and sample spec
  int64_t created_at = 0;
  std::string created_by;
};

struct Version {
  int64_t id = 0;
  int64_t dataset_id = 0;
  int64_t number = 0;  // v1, v2, ... per dataset
  std::string status;  // raw, refined, labeled, split
  std::string manifest_root;            // set for a full manifest
  std::optional<int64_t> base_version;  // set (with delta_sha) for a delta
  std::string delta_sha;
  int64_t item_count = 0;
  int64_t total_bytes = 0;
  std::string message;
  std::string derived_json = "{}";  // {"rounds":[..], "from_version": n, "operation": ...}
  int64_t created_at = 0;
  std::string created_by;

  std::string Name() const { return "v" + std::to_string(number); }
};

}  // namespace moebius::data

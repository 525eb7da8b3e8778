// Datasets, rounds, bundles, versions and their lineage (DATA-1..6, DATA-9).
//
// A round (차수) is one ingest: it commits as a whole — its items are durable in the blob store
// and its manifest stored before the single transaction that makes the round visible — or
// leaves nothing behind. A bundle (묶음) is a round made of items chosen from other rounds. A
// version (형상) is an immutable snapshot with a status (raw → refined → labeled → split); it is
// stored as a full manifest or as a delta against its parent (see manifest.h).
//
// Thread-safety: thread-safe (state lives in the database and the blob store).
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "data/archive_ingest.h"
#include "data/data_types.h"
#include "data/dictionary.h"
#include "data/manifest.h"
#include "data/split.h"
#include "data/table/table_diff.h"
#include "store/blob/blob_store.h"
#include "store/meta/database.h"

namespace moebius::data {

struct BundleSpec {
  std::vector<int64_t> rounds;  // round numbers to draw from
  std::string path_prefix;      // keep items under this prefix (empty: all)
  std::string label;            // keep items whose meta label equals this (empty: all)
  std::optional<int64_t> sample_size;
  std::optional<double> sample_fraction;
  uint64_t seed = 0;
};

struct VersionSpec {
  std::string status = "raw";
  std::vector<int64_t> rounds;         // a raw version: the union of these rounds
  std::optional<int64_t> from_version; // otherwise derived from this version
  // labeled versions: path → label (from an imported CSV/JSONL), or labels taken from the first
  // path segment (folder-per-class)
  std::vector<std::pair<std::string, std::string>> labels;
  bool labels_from_folders = false;
  // labeled versions made by a labeling project: path → annotation object, stored as the item's
  // meta "annotations" (src/label/label_schema.h has the shapes)
  std::vector<std::pair<std::string, Json>> annotations;
  // split versions: how to assign items to train/val/test or folds (from_version required)
  std::optional<SplitSpec> split;
  // refined versions: the operations of refine.h, recorded with their report
  Json operations;  // null when none
  std::string message;
};

struct LineageNode {
  std::string kind;  // dataset, round, version
  int64_t id = 0;
  std::string label;
  Json detail;
};

struct LineageEdge {
  std::string from_kind;
  int64_t from_id;
  std::string to_kind;
  int64_t to_id;
  std::string relation;
};

struct DiffResult {
  ManifestDelta delta;
  std::vector<std::pair<std::string, std::string>> renamed;  // (old path, new path), same content
  std::vector<std::string> label_changes;                    // paths whose meta label changed
  // paths whose meta annotations changed, with the kinds of change (LBL-4): "class change",
  // "box change", "mask change" (polygons or masks), "span change", "answer change"
  std::vector<std::pair<std::string, std::vector<std::string>>> annotation_changes;
  std::vector<DictionaryDiff> dictionaries;                  // modified dictionary items, entry by entry
  // Modified table items (CSV, TSV, JSONL; the first kMaxTableDiffs, each of at most
  // kMaxTableDiffBytes on either side), row by row (table/table_diff.h).
  std::vector<TableDiff> tables;
  static constexpr size_t kMaxTableDiffs = 3;
  static constexpr size_t kMaxTableDiffBytes = 64 << 20;
};

class DataStore {
 public:
  // `pii_key` keys the HMAC of the pseudonymize operation; keep it secret and stable.
  DataStore(store::Database& db, store::BlobStore& blobs, const Clock& clock, std::string pii_key = "")
      : db_(db), blobs_(blobs), manifests_(blobs), clock_(clock), pii_key_(std::move(pii_key)) {}

  // --- datasets
  // `strict_ingest` refuses empty files and (vision) files that are neither images nor
  // JSON/TXT/XML/CSV sidecars; by default they are stored and the quality report lists the
  // suspicious ones.
  Result<Dataset> CreateDataset(int64_t project_id, const std::string& name, const std::string& domain,
                                const std::string& description, bool sensitive, const std::vector<std::string>& tags,
                                const std::string& user, bool strict_ingest = false);
  Result<Dataset> GetDataset(int64_t project_id, const std::string& name);
  // Datasets of the given projects whose name, tag or description contains `query` (all if empty).
  Result<std::vector<Dataset>> ListDatasets(const std::vector<int64_t>& project_ids, const std::string& query);

  // --- rounds
  // Ingests a staged upload into a new round. `format` and `display_name` as in IngestUpload.
  Result<Round> IngestRound(const Dataset& ds, const std::string& staged_file, const std::string& format,
                            const std::string& display_name, const std::string& note, const std::string& user);
  // Ingests one item the server produced (a SQL query's result) as a round of `kind`, with the
  // same content check as an upload; `detail` is recorded as the round's sources. All or nothing.
  Result<Round> IngestItemRound(const Dataset& ds, const std::string& item_path, std::string_view bytes, const std::string& kind,
                                const std::string& source, const Json& detail, const std::string& note, const std::string& user);
  Result<Round> CreateBundle(const Dataset& ds, const BundleSpec& spec, const std::string& note, const std::string& user);
  Result<std::vector<Round>> ListRounds(int64_t dataset_id);
  Result<Round> GetRound(int64_t dataset_id, int64_t number);
  Result<std::vector<ManifestEntry>> RoundItems(const Round& r);

  // --- versions
  Result<Version> CreateVersion(const Dataset& ds, const VersionSpec& spec, const std::string& user);
  Result<std::vector<Version>> ListVersions(int64_t dataset_id);
  Result<Version> GetVersion(int64_t dataset_id, int64_t number);
  Result<std::vector<ManifestEntry>> Materialize(const Version& v);
  Result<DiffResult> DiffVersions(const Version& a, const Version& b);
  // A new version whose content equals version `number`'s.
  Result<Version> Rollback(const Dataset& ds, int64_t number, const std::string& user);
  // Manifest bytes stored for this version alone (its delta, or its chunks if full).
  Result<int64_t> StoredManifestBytes(const Version& v);

  // --- saved schema (one per dataset) and fitted transforms (by content hash)
  Status SaveSchema(const Dataset& ds, const Json& schema, int64_t version, const std::string& item, const std::string& user);
  // nullopt when none was saved.
  Result<std::optional<Json>> GetSchema(const Dataset& ds);
  // Stores the spec JSON as a blob; re-saving the same spec is a no-op.
  Status SaveTransform(const Dataset& ds, const std::string& hash, const Json& spec, int64_t version, const std::string& item,
                       const std::string& user);
  Result<std::vector<Json>> ListTransforms(const Dataset& ds);
  Result<Json> GetTransform(const Dataset& ds, const std::string& hash);

  // --- lineage
  Status Lineage(const Dataset& ds, std::vector<LineageNode>* nodes, std::vector<LineageEdge>* edges);

  // --- integrity
  // Re-hashes every blob and reads every manifest and delta the database references; returns
  // one line per problem.
  Result<std::vector<std::string>> Fsck();

  store::BlobStore& blobs() { return blobs_; }

 private:
  Result<Version> StoreVersion(const Dataset& ds, std::vector<ManifestEntry> entries, const std::string& status,
                               std::optional<int64_t> parent, const Json& derived, const std::string& message,
                               const std::vector<std::pair<std::string, int64_t>>& lineage_parents, const std::string& user);
  struct IngestColumns {
    std::mutex mu;
    std::set<std::string> names;
  };
  ContentCheck CheckFor(const Dataset& ds, IngestColumns* columns) const;
  Result<Round> CommitRound(const Dataset& ds, Round r, const IngestColumns& columns);

  store::Database& db_;
  store::BlobStore& blobs_;
  ManifestStore manifests_;
  const Clock& clock_;
  const std::string pii_key_;
};

// "v3" or "3" → 3.
Result<int64_t> ParseVersionNumber(const std::string& text);

}  // namespace moebius::data

// Splits (FE-5): assign every item of a version to a split (train/val/test, or a fold) —
// random, stratified by label (balanced shares per class), k-fold (stratified when labeled),
// by group (all items of a group land together), or by time (oldest first). The same items,
// spec and seed always give the same assignment, recorded in each item's meta ("split", "fold").
// Tabular datasets split rows instead of files (table_split.h), with the same algorithm.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "data/manifest.h"

namespace moebius::data {

struct SplitSpec {
  std::string method = "random";  // random, stratified, kfold, group, time
  std::vector<std::pair<std::string, double>> ratios = {{"train", 0.8}, {"val", 0.1}, {"test", 0.1}};
  int folds = 5;                  // kfold
  uint64_t seed = 0;
  std::string group_by = "folder";  // group: "folder" (top folder) or a meta key
  std::string time_key;             // time: a meta key holding a sortable time; default: the path
  std::string label = "label";      // stratified, kfold: the meta key (or table column) of the class
  // What is assigned: "rows" of table items (table_split.h), "items" (files), or empty for the
  // dataset's default — rows in tabular datasets, items elsewhere.
  std::string unit;
};

struct SplitReport {
  std::map<std::string, int64_t> counts;                          // split → items
  std::map<std::string, std::map<std::string, int64_t>> classes;  // split → label → items
  Json ToJson() const;
};

// Validates the spec (ratios positive and summing to 1 within 1e-9, 2..20 folds, known method).
Status ValidateSplitSpec(const SplitSpec& spec);
Result<SplitSpec> SplitSpecFromJson(const Json& j);
Json SplitSpecToJson(const SplitSpec& spec);

// Returns the items with "split" (and for kfold "fold") set in their meta, and the report.
Result<std::pair<std::vector<ManifestEntry>, SplitReport>> ApplySplit(std::vector<ManifestEntry> items, const SplitSpec& spec);

}  // namespace moebius::data

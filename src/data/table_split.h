// Splits of tabular versions (FE-5): a table's rows, not its files, are what a model trains on,
// so a split version of a tabular dataset assigns every row of every table item with the same
// algorithm as item splits (split.h) and records the assignment in the rows themselves: the
// table is rewritten with a "split" column (and "fold" for k-fold), replacing any earlier ones.
// Row "meta" for the algorithm comes from columns: spec.label (stratified, k-fold), spec.group_by
// (group) and spec.time_key (time) name columns. Items that are not tables are split as items.
#pragma once

#include <utility>
#include <vector>

#include "base/status.h"
#include "data/manifest.h"
#include "data/split.h"
#include "store/blob/blob_store.h"

namespace moebius::data {

// Returns the rewritten items and the report, counting rows (and items that are not tables).
Result<std::pair<std::vector<ManifestEntry>, SplitReport>> SplitTableRows(std::vector<ManifestEntry> items, const SplitSpec& spec,
                                                                          store::BlobStore& blobs);

}  // namespace moebius::data

// Analysis of a version's items (DATA-8, FE-1, FE-2):
//  - tabular items: column statistics and correlations (table/column_stats.h), label balance,
//    feature importance against a label, schema inference and validation (table/schema.h);
//  - any dataset: item-level quality — empty and duplicate items, size outliers, texts that are
//    empty, badly encoded or of outlying length; for vision (and multimodal) datasets every image
//    is decoded (data/image/image.h): images that do not decode, outliers of pixel area or aspect
//    ratio, and a summary (formats, width and height min/median/max);
//  - fitted transforms (transform/) over a table item, stored by content hash.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "data/manifest.h"
#include "data/table/table.h"
#include "store/blob/blob_store.h"

namespace moebius::data {

// Reads a table item (CSV/TSV/JSONL) of a version. `path` empty: the first table item.
Result<std::pair<std::string, Table>> ReadTableItem(store::BlobStore& blobs, const std::vector<ManifestEntry>& items,
                                                     const std::string& path);

// Stats JSON (table/column_stats.h's ToJson) plus "importance": features ranked against `label`
// (mutual information for a categorical label, |Pearson| for a numeric one) when a label is given.
Result<Json> AnalyzeTable(const Table& table, const std::string& label, int bins);

// Item-level quality report for any domain: counts and up to 5 example paths per finding;
// "images" holds the image summary when the dataset has images.
Result<Json> ItemQuality(store::BlobStore& blobs, const std::vector<ManifestEntry>& items, const std::string& domain);

// Fits a transform config (transform/config.h JSON) on a table; returns the fitted spec's JSON
// and its content hash.
Result<std::pair<Json, std::string>> FitTransform(const Table& table, const Json& config);

}  // namespace moebius::data

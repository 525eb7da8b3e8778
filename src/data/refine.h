// Refinement (정제): recorded operations that turn a raw version into a refined one (DATA-6,
// GOV-5). Item operations work on any dataset; row operations read each CSV/TSV/JSONL item with
// the table reader, keep or rewrite rows, and store the rewritten file as a new item.
//
//   drop_duplicate_items                        items with identical content: the first path stays
//   normalize_text {lowercase, collapse_whitespace}   text items: NFC-free normalization — trims
//                                               lines, unifies line ends, optionally lowercases ASCII
//                                               and collapses runs of blanks
//   drop_duplicate_rows                         identical rows within a table item
//   drop_missing_rows {columns?}                rows with a missing value (in the given columns)
//   filter_outliers {column, method: iqr|zscore, k}   rows outside Q1-k·IQR..Q3+k·IQR, or |z| > k
//   filter_rows {expression}                    rows for which the expression holds, e.g.
//                                               "age >= 0 and age < 130" (criteria grammar over
//                                               numeric columns)
//   pseudonymize {columns}                      values replaced by "p_" + 16 hex of HMAC-SHA256
//                                               under the server's key: stable, not reversible
//                                               without the key
//   resize_images {mode, width, height, size, interpolation, quality, on_error}
//                                               image items (by extension: png jpg jpeg webp bmp
//                                               tif tiff gif): mode exact (width×height), fit
//                                               (inside, aspect kept; default), fill (cover, then
//                                               centre-crop), shorter_side (size); interpolation
//                                               area (default), linear, cubic, nearest; output in
//                                               the input's format (JPEG at quality, default 95)
//   convert_images {format, quality, color, on_error}
//                                               re-encode as png, jpeg, webp, bmp or tiff (quality
//                                               1..100, default 90; webp 101 = lossless), color
//                                               keep | gray | rgb; the path's extension follows
//                                               (cat/a.png → cat/a.jpg); two items that would get
//                                               one path are refused before any work
//
// Image operations keep each item's meta (labels) and add "width" and "height"; they report
// images_changed, images_unchanged, skipped_non_images, failed and failed_examples. An image
// that does not decode (or is over 100 MP, checked from its header before decoding) fails the
// operation with its path — kInvalidArgument, nothing stored — unless on_error is "skip" (the
// item stays as it was) or "drop" (it leaves the version). Same input, same output bytes.
// Every operation reports what it changed; the spec and the report are recorded on the version.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "data/manifest.h"
#include "store/blob/blob_store.h"

namespace moebius::data {

struct RefineResult {
  std::vector<ManifestEntry> items;
  Json report = Json::array();  // one object per operation
};

// Validates the operation list (known ops, argument types) before any work.
Status ValidateOperations(const Json& operations);

Result<RefineResult> Refine(const std::vector<ManifestEntry>& items, const Json& operations, store::BlobStore& blobs,
                            const std::string& pii_key);

}  // namespace moebius::data

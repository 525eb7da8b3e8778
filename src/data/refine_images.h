// The image operations of refine.h (resize_images, convert_images), kept apart from the row
// operations so that refine.cc stays about tables and text. Image work goes through
// data/image/image.h; no OpenCV header is seen here.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/json_reader.h"
#include "base/status.h"
#include "data/manifest.h"
#include "store/blob/blob_store.h"

namespace moebius::data {

bool IsImageOp(const std::string& op);

// Whether an item is treated as an image: by its extension (.png .jpg .jpeg .webp .bmp .tif
// .tiff .gif, any case).
bool IsImagePath(const std::string& path);

// Checks one image operation's arguments; messages name the operation's path ("operations[2]").
Status ValidateImageOp(const JsonReader& op);

// Runs fn(0) .. fn(n-1) on up to 4 threads (fewer on smaller machines); returns when all are
// done. fn must be safe to call concurrently. Image decoding dominates these operations.
void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

// Applies one (validated) image operation to `items` (sorted by path; still sorted after).
// Returns the operation's report fields. An image that fails to decode or resize fails the
// whole operation with its path in the message, unless the op says on_error "skip" (the item
// stays as it was) or "drop" (the item leaves the version); either way it is reported. New
// blobs go into one pack, committed only when the operation succeeds.
Result<Json> ApplyImageOp(std::vector<ManifestEntry>& items, const JsonReader& op, store::BlobStore& blobs);

}  // namespace moebius::data

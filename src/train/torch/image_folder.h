// ImageFolder: the labeled, split items of a checked-out vision version, ready to decode.
//
// With `<data>/.moebius/manifest.jsonl` (the archive's manifest sidecar, always present in a
// job's payload.data folder and written by `moebius data checkout --manifest`), each line's meta
// gives the label (meta[label_key]; a number or bool is taken as its JSON text) and the split
// (meta "split": train, val/valid/validation, test). Every item must have both, except items
// that are not images by extension (.png .jpg .jpeg .bmp .webp .tif .tiff), which are skipped.
//
// Without the sidecar, every image file under the folder must be at
// <train|val|valid|validation|test>/<label>/.../<file>: the split is the top folder, the label
// the next one. Anything else is kInvalidArgument, naming the path and saying how to fix it.
//
// Paths are relative to the folder, '/'-separated, in byte order. The files are not read here.
//
// Thread safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace moebius::train {

struct ImageItem {
  std::string path;   // relative to the folder
  std::string label;
};

struct ImageFolder {
  std::string source;  // "manifest" or "folders"
  std::vector<ImageItem> train, valid, test;

  static Result<ImageFolder> Load(const std::string& dir, const std::string& label_key);
};

// Whether the path's extension is an image format the trainer decodes.
bool IsImagePath(const std::string& path);

}  // namespace moebius::train

// Annotation formats (LBL-6): export (streamed, piece by piece) and import of COCO, Pascal VOC,
// YOLO, CoNLL-2003, SQuAD v2, Label Studio JSON, CSV and JSONL, on the annotation shapes of
// label_schema.h. What each format holds, and what it cannot (docs/design/label.md):
//   coco        object_detection, segmentation (polygons, uncompressed RLE masks); one JSON
//   voc         object_detection; a tar of Annotations/<path minus extension>.xml (corners as numbers)
//   yolo        object_detection (cx cy w h), segmentation (polygon vertices), normalized; a tar
//               of labels/<path minus extension>.txt and classes.txt (no objects: an empty file)
//   conll2003   ner; tokens split at white space, BIO tags (spans inside a token cannot be held)
//   squad2      qa; the QA item's context, question, answers and is_impossible
//   labelstudio image/text classification, object_detection, segmentation (polygons), ner
//   csv         image/text classification: path,label (labels joined by ';' when multi-label)
//   jsonl       every task type: {"path", "annotation"} per line, the native shape
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::label {

const std::vector<std::string>& FormatNames();
// kInvalidArgument when `format` cannot hold the schema's task type.
Status CheckFormat(const std::string& format, const Json& spec);

// What an export or import knows of one item.
struct FormatItem {
  std::string path;
  int64_t width = 0, height = 0;  // images
  std::string text;               // ner: the text; qa: the item's bytes (JSON or the context)
};

struct ExportItem {
  FormatItem item;
  Json annotation;
};

// A streamed export: Next() returns the next piece of the file, "" after the last one. Holds the
// items and their annotations (what the caller loaded), never the whole output.
class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual Result<std::string> Next() = 0;
  virtual std::string ContentType() const = 0;
  virtual std::string FileName() const = 0;
};

Result<std::unique_ptr<Exporter>> MakeExporter(const std::string& format, const Json& spec, std::vector<ExportItem> items);

// One parsed annotation of an import, for the item at `path`.
struct ImportedAnnotation {
  std::string path;
  Json annotation;
};

// Parses an import. `lookup` answers for an item path of the labeling project (nullopt: not an
// item); formats with normalized or token coordinates read the item's size or text from it.
// Malformed input is kInvalidArgument naming the item (or the line) — nothing is half-parsed.
using ItemLookup = std::function<Result<std::optional<FormatItem>>(const std::string& path)>;
// `paths` are the project's item paths (voc and yolo name items by path without extension).
Result<std::vector<ImportedAnnotation>> ParseImport(const std::string& format, const Json& spec, std::string_view bytes,
                                                    const std::vector<std::string>& paths, const ItemLookup& lookup);

// A minimal ustar archive: writer pieces and a reader of regular files (used by voc and yolo).
std::string TarHeader(const std::string& path, size_t size);
std::string TarPadding(size_t size);
std::string TarEnd();
Result<std::vector<std::pair<std::string, std::string>>> ReadTar(std::string_view bytes);

}  // namespace moebius::label

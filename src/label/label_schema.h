// Label schemas per task type (LBL-1 to LBL-3) and the checks of an annotation against its schema
// and its item (a box inside the image, a span inside the text, a known class).
//
// Annotation shapes, one per task type (coordinates in pixels of the stored image, offsets in
// Unicode code points of the item's text, end exclusive):
//   image_classification, text_classification   {"classes": ["cat"]}   (one unless multi_label)
//   object_detection   {"boxes": [{"class", "x", "y", "w", "h"}]}
//   segmentation       {"polygons": [{"class", "points": [[x, y], ...]}],
//                       "masks": [{"class", "rle": {"size": [h, w], "counts": [n0, n1, ...]}}]}
//                      (COCO's uncompressed RLE: runs alternating 0 and 1 in column-major order)
//   ner                {"spans": [{"class", "start", "end"}]}
//   qa                 {"answers": [{"start", "end"}], "impossible": false}
//   tabular_classification   {"rows": ["class" or null, ...]}   (one per data row of the table)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/json_reader.h"
#include "base/status.h"

namespace moebius::label {

const std::vector<std::string>& TaskTypes();

// The body of a schema: {"task_type", "classes": [{"name", "color": "#rrggbb", "hotkey": "1",
// "description"}], "multi_label": false, "allow_overlap": false}. Returns it normalized (defaults
// filled in); kInvalidArgument naming the field otherwise.
Result<Json> ParseSchemaSpec(const JsonReader& spec);

// What the checks know of the item an annotation belongs to; unknown parts are not checked.
struct ItemContext {
  std::optional<int> width, height;     // images
  std::optional<int64_t> text_length;   // ner and qa: code points of the text or QA context
  std::optional<int64_t> rows;          // tables: data rows
};

// Checks `annotation` (named "annotation" in messages: "field 'annotation.boxes[0].x' ...")
// against the schema's spec and the item. `complete` is a submission: a classification must then
// name a class, and a QA item must have an answer or be marked impossible.
Status ValidateAnnotation(const Json& spec, const Json& annotation, const ItemContext& item, bool complete);

// The classes an annotation uses, once each, in the order of their first use.
std::vector<std::string> ClassesOf(const Json& annotation);

// The count of code points of UTF-8 text (invalid bytes count one each).
int64_t CodePoints(std::string_view utf8);
// The substring of code points [start, end).
std::string CodePointSubstr(std::string_view utf8, int64_t start, int64_t end);

}  // namespace moebius::label

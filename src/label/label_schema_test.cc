// Schemas and the checks of annotations against their schema and item: unknown classes, boxes
// outside the image, spans past the text, overlapping spans, RLE sizes, single-label schemas.
#include "label/label_schema.h"

#include <gtest/gtest.h>

#include "testing/test_support.h"

namespace moebius::label {
namespace {

using ::moebius::testing::StatusIs;
using ::testing::HasSubstr;

Json Spec(const Json& body) {
  auto parsed = ParseSchemaSpec(JsonReader(body, "spec"));
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : Json();
}

TEST(Schema, ParsesAndRefuses) {
  Json s = Spec({{"task_type", "ner"}, {"classes", {{{"name", "PER"}, {"color", "#ff0000"}, {"hotkey", "1"}}}}});
  EXPECT_EQ(s["classes"][0]["hotkey"], "1");
  EXPECT_EQ(s["allow_overlap"], false);
  Json bad_type{{"task_type", "video"}, {"classes", {{{"name", "a"}}}}};
  EXPECT_THAT(ParseSchemaSpec(JsonReader(bad_type, "spec")).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("spec.task_type")));
  Json dup{{"task_type", "ner"}, {"classes", {{{"name", "a"}}, {{"name", "a"}}}}};
  EXPECT_THAT(ParseSchemaSpec(JsonReader(dup, "spec")).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("repeats")));
  Json hot{{"task_type", "ner"}, {"classes", {{{"name", "a"}, {"hotkey", "1"}}, {{"name", "b"}, {"hotkey", "1"}}}}};
  EXPECT_THAT(ParseSchemaSpec(JsonReader(hot, "spec")).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("hotkey")));
  Json color{{"task_type", "ner"}, {"classes", {{{"name", "a"}, {"color", "red"}}}}};
  EXPECT_THAT(ParseSchemaSpec(JsonReader(color, "spec")).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("#rrggbb")));
  Json none{{"task_type", "object_detection"}};
  EXPECT_THAT(ParseSchemaSpec(JsonReader(none, "spec")).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("at least one class")));
  EXPECT_TRUE(ParseSchemaSpec(JsonReader(Json{{"task_type", "qa"}}, "spec")).ok());
}

TEST(Annotation, BoxesInsideTheImage) {
  Json s = Spec({{"task_type", "object_detection"}, {"classes", {{{"name", "car"}}}}});
  ItemContext img;
  img.width = 100;
  img.height = 50;
  Json ok{{"boxes", {{{"class", "car"}, {"x", 10}, {"y", 10}, {"w", 90}, {"h", 40}}}}};
  EXPECT_TRUE(ValidateAnnotation(s, ok, img, true).ok());
  Json out{{"boxes", {{{"class", "car"}, {"x", 10}, {"y", 10}, {"w", 91}, {"h", 40}}}}};
  EXPECT_THAT(ValidateAnnotation(s, out, img, true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("annotation.boxes[0]")));
  Json unknown{{"boxes", {{{"class", "bus"}, {"x", 1}, {"y", 1}, {"w", 1}, {"h", 1}}}}};
  EXPECT_THAT(ValidateAnnotation(s, unknown, img, true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a class")));
  Json wrong_type{{"boxes", {{{"class", "car"}, {"x", "1"}, {"y", 1}, {"w", 1}, {"h", 1}}}}};
  EXPECT_THAT(ValidateAnnotation(s, wrong_type, img, true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("annotation.boxes[0].x")));
}

TEST(Annotation, SpansPolygonsMasksAnswersClasses) {
  Json ner = Spec({{"task_type", "ner"}, {"classes", {{{"name", "LOC"}}}}});
  ItemContext text;
  text.text_length = CodePoints("서울에 간다");  // 6 code points
  EXPECT_EQ(*text.text_length, 6);
  EXPECT_TRUE(ValidateAnnotation(ner, {{"spans", {{{"class", "LOC"}, {"start", 0}, {"end", 2}}}}}, text, true).ok());
  EXPECT_THAT(ValidateAnnotation(ner, {{"spans", {{{"class", "LOC"}, {"start", 4}, {"end", 7}}}}}, text, true),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("past the text")));
  EXPECT_THAT(ValidateAnnotation(ner, {{"spans", {{{"class", "LOC"}, {"start", 0}, {"end", 2}}, {{"class", "LOC"}, {"start", 1}, {"end", 3}}}}}, text, true),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("overlaps")));
  EXPECT_EQ(CodePointSubstr("서울에 간다", 0, 2), "서울");

  Json seg = Spec({{"task_type", "segmentation"}, {"classes", {{{"name", "road"}}}}});
  ItemContext img;
  img.width = 4;
  img.height = 2;
  EXPECT_TRUE(ValidateAnnotation(seg, {{"polygons", {{{"class", "road"}, {"points", {{0, 0}, {4, 0}, {4, 2}}}}}}}, img, true).ok());
  EXPECT_THAT(ValidateAnnotation(seg, {{"polygons", {{{"class", "road"}, {"points", {{0, 0}, {4, 0}}}}}}}, img, true),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("at least 3 points")));
  EXPECT_TRUE(ValidateAnnotation(seg, {{"masks", {{{"class", "road"}, {"rle", {{"size", {2, 4}}, {"counts", {3, 5}}}}}}}}, img, true).ok());
  EXPECT_THAT(ValidateAnnotation(seg, {{"masks", {{{"class", "road"}, {"rle", {{"size", {2, 4}}, {"counts", {3, 4}}}}}}}}, img, true),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("sum to")));

  Json qa = Spec({{"task_type", "qa"}});
  EXPECT_THAT(ValidateAnnotation(qa, Json::object(), text, true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("impossible")));
  EXPECT_TRUE(ValidateAnnotation(qa, Json::object(), text, false).ok());  // a draft
  EXPECT_TRUE(ValidateAnnotation(qa, {{"impossible", true}}, text, true).ok());

  Json cls = Spec({{"task_type", "image_classification"}, {"classes", {{{"name", "a"}}, {{"name", "b"}}}}});
  EXPECT_THAT(ValidateAnnotation(cls, {{"classes", {"a", "b"}}}, {}, true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("single-label")));
  EXPECT_THAT(ValidateAnnotation(cls, {{"classes", Json::array()}}, {}, true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("to submit")));
  EXPECT_THAT(ValidateAnnotation(cls, {{"boxes", Json::array()}}, {}, true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown field")));
}

}  // namespace
}  // namespace moebius::label

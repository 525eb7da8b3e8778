// Round trips through every format on annotations with Korean text and odd image sizes: what a
// format holds comes back equal (numbers to 1e-9 where a format stores them normalized), what it
// cannot hold is dropped as documented; malformed files are refused naming the item or line.
#include "label/formats.h"

#include <gtest/gtest.h>

#include <map>

#include "label/label_schema.h"
#include "testing/test_support.h"

namespace moebius::label {
namespace {

using ::moebius::testing::StatusIs;
using ::testing::HasSubstr;

std::string Drain(Exporter& e) {
  std::string all;
  for (;;) {
    auto piece = e.Next();
    EXPECT_TRUE(piece.ok());
    if (!piece.ok() || piece->empty()) return all;
    all += *piece;
  }
}

struct World {
  Json spec;
  std::map<std::string, FormatItem> items;
  std::vector<ExportItem> exported;

  std::vector<ImportedAnnotation> RoundTrip(const std::string& format) {
    auto e = MakeExporter(format, spec, exported);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    std::string bytes = Drain(**e);
    auto parsed = Import(format, bytes);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << bytes.substr(0, 2000);
    return parsed.ok() ? *parsed : std::vector<ImportedAnnotation>{};
  }
  Result<std::vector<ImportedAnnotation>> Import(const std::string& format, std::string_view bytes) {
    std::vector<std::string> paths;
    for (const auto& [p, it] : items) paths.push_back(p);
    return ParseImport(format, spec, bytes, paths, [this](const std::string& path) -> Result<std::optional<FormatItem>> {
      auto it = items.find(path);
      if (it == items.end()) return std::optional<FormatItem>();
      return std::optional<FormatItem>(it->second);
    });
  }
  void Add(const std::string& path, int64_t w, int64_t h, const std::string& text, const Json& annotation) {
    FormatItem it{path, w, h, text};
    items[path] = it;
    exported.push_back({it, annotation});
  }
};

void ExpectNear(const Json& a, const Json& b, const std::string& where) {
  if (a.is_number() && b.is_number()) {
    EXPECT_NEAR(a.get<double>(), b.get<double>(), 1e-9) << where;
  } else if (a.is_array() && b.is_array()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (size_t i = 0; i < a.size(); ++i) ExpectNear(a[i], b[i], where + "[" + std::to_string(i) + "]");
  } else if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      ASSERT_TRUE(b.contains(it.key())) << where << "." << it.key();
      ExpectNear(*it, b[it.key()], where + "." + it.key());
    }
  } else {
    EXPECT_EQ(a, b) << where;
  }
}

World Detection() {
  World w;
  w.spec = {{"task_type", "object_detection"}, {"classes", {{{"name", "자동차"}}, {{"name", "bus"}}}}};
  w.Add("imgs/a 1.png", 37, 23, "", {{"boxes", {{{"class", "자동차"}, {"x", 1.5}, {"y", 2}, {"w", 30.25}, {"h", 20}}, {{"class", "bus"}, {"x", 0}, {"y", 0}, {"w", 37}, {"h", 23}}}}});
  w.Add("b.jpg", 5, 91, "", {{"boxes", Json::array()}});  // no objects: YOLO writes an empty file
  return w;
}

TEST(Formats, DetectionRoundTrips) {
  for (const char* format : {"coco", "voc", "yolo", "labelstudio", "jsonl"}) {
    World w = Detection();
    auto back = w.RoundTrip(format);
    ASSERT_EQ(back.size(), 2u) << format;
    std::map<std::string, Json> by_path;
    for (auto& b : back) by_path[b.path] = b.annotation;
    for (const auto& e : w.exported) ExpectNear(e.annotation, by_path[e.item.path], std::string(format) + " " + e.item.path);
  }
}

TEST(Formats, SegmentationRoundTrips) {
  World w;
  w.spec = {{"task_type", "segmentation"}, {"classes", {{{"name", "road"}}}}};
  Json poly{{"class", "road"}, {"points", {{0.5, 0}, {12, 3.25}, {3, 7}}}};
  Json mask{{"class", "road"}, {"rle", {{"size", {3, 4}}, {"counts", {1, 3, 4, 4}}}}};
  w.Add("s.png", 13, 7, "", {{"polygons", {poly}}});
  w.Add("m.png", 4, 3, "", {{"polygons", Json::array()}, {"masks", {mask}}});
  for (const char* format : {"coco", "yolo", "labelstudio", "jsonl"}) {
    auto back = w.RoundTrip(format);
    std::map<std::string, Json> by_path;
    for (auto& b : back) by_path[b.path] = b.annotation;
    ExpectNear(w.exported[0].annotation, by_path["s.png"], format);
    if (std::string(format) == "coco" || std::string(format) == "jsonl") ExpectNear(Json{{"masks", {mask}}}, by_path["m.png"], format);
  }
}

TEST(Formats, TextRoundTrips) {
  World ner;
  ner.spec = {{"task_type", "ner"}, {"classes", {{{"name", "PER"}}, {{"name", "LOC"}}}}};
  std::string text = "김철수 는 서울 에서 일한다.\nKim works in New York .";
  int64_t ny = CodePoints(text.substr(0, text.find("New")));
  ner.Add("t/1.txt", 0, 0, text, {{"spans", {{{"class", "PER"}, {"start", 0}, {"end", 3}}, {{"class", "LOC"}, {"start", 6}, {"end", 8}},
                                              {{"class", "LOC"}, {"start", ny}, {"end", ny + 8}}}}});
  for (const char* format : {"conll2003", "labelstudio", "jsonl"}) {
    auto back = ner.RoundTrip(format);
    ASSERT_EQ(back.size(), 1u) << format;
    ExpectNear(ner.exported[0].annotation, back[0].annotation, format);
  }
  // A span inside a token ("서울" of "서울에서") is widened to the token by CoNLL.
  World inside = ner;
  std::string glued = "서울에서 일한다";
  inside.items.clear();
  inside.exported.clear();
  inside.Add("g.txt", 0, 0, glued, {{"spans", {{{"class", "LOC"}, {"start", 0}, {"end", 2}}}}});
  auto widened = inside.RoundTrip("conll2003");
  EXPECT_EQ(widened[0].annotation["spans"][0]["end"], 4);

  World qa;
  qa.spec = {{"task_type", "qa"}};
  qa.Add("q.json", 0, 0, R"({"context": "세종대왕은 한글을 만들었다.", "question": "누가?"})", {{"answers", {{{"start", 0}, {"end", 4}}}}, {"impossible", false}});
  qa.Add("r.json", 0, 0, R"({"context": "문맥", "question": "없음?"})", {{"answers", Json::array()}, {"impossible", true}});
  for (const char* format : {"squad2", "jsonl"}) {
    auto back = qa.RoundTrip(format);
    ASSERT_EQ(back.size(), 2u);
    std::map<std::string, Json> by_path;
    for (auto& b : back) by_path[b.path] = b.annotation;
    ExpectNear(qa.exported[0].annotation, by_path["q.json"], format);
    ExpectNear(qa.exported[1].annotation, by_path["r.json"], format);
  }

  World cls;
  cls.spec = {{"task_type", "text_classification"}, {"multi_label", true}, {"classes", {{{"name", "긍정"}}, {{"name", "a,b"}}}}};
  cls.Add("x, y.txt", 0, 0, "좋아요", {{"classes", {"긍정", "a,b"}}});
  for (const char* format : {"csv", "labelstudio", "jsonl"}) {
    auto back = cls.RoundTrip(format);
    ASSERT_EQ(back.size(), 1u) << format;
    EXPECT_EQ(back[0].path, "x, y.txt");
    EXPECT_EQ(back[0].annotation["classes"], cls.exported[0].annotation["classes"]) << format;
  }
}

TEST(Formats, MalformedImportsNameTheItem) {
  World w = Detection();
  EXPECT_THAT(w.Import("coco", "{not json").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not valid JSON")));
  std::string unknown = R"({"images":[{"id":1,"file_name":"b.jpg","width":5,"height":91}],"annotations":[{"image_id":1,"category_id":9,"bbox":[0,0,1,1]}],"categories":[{"id":9,"name":"tram"}]})";
  EXPECT_THAT(w.Import("coco", unknown).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("item 'b.jpg'")));
  std::string missing = R"({"images":[{"id":1,"file_name":"nope.jpg"}],"annotations":[],"categories":[]})";
  EXPECT_THAT(w.Import("coco", missing).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("'nope.jpg' is not an item")));
  EXPECT_THAT(w.Import("jsonl", "{\"path\": \"b.jpg\", \"annotation\": {}}\n{broken\n").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("line 2")));
  EXPECT_THAT(w.Import("conll2003", "x").status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("cannot hold")));
  World qa;
  qa.spec = {{"task_type", "qa"}};
  qa.Add("q.json", 0, 0, R"({"context": "abc"})", Json::object());
  std::string wrong = R"({"data":[{"paragraphs":[{"context":"abc","qas":[{"id":"q.json","question":"?","answers":[{"text":"bc","answer_start":0}]}]}]}]})";
  EXPECT_THAT(qa.Import("squad2", wrong).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("item 'q.json'")));
}

TEST(Tar, WritesWhatItReads) {
  std::string long_path = std::string(120, 'd') + "/f.txt";
  std::string tar = TarHeader("a.txt", 3) + "abc" + TarPadding(3) + TarHeader(long_path, 0) + TarEnd();
  auto files = ReadTar(tar);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].second, "abc");
  EXPECT_EQ((*files)[1].first, long_path);
  tar[10] ^= 1;
  EXPECT_FALSE(ReadTar(tar).ok());
}

}  // namespace
}  // namespace moebius::label

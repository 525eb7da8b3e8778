#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "base/json_reader.h"
#include "base/strings.h"
#include "label/formats.h"
#include "label/label_schema.h"

namespace moebius::label {
namespace {

using Out = std::vector<ImportedAnnotation>;

Status ItemError(const std::string& path, const std::string& what) { return InvalidArgument("item '" + path + "': " + what); }

Result<FormatItem> Need(const ItemLookup& lookup, const std::string& path) {
  ASSIGN_OR_RETURN(std::optional<FormatItem> it, lookup(path));
  if (!it) return InvalidArgument("item '" + path + "' is not an item of the labeling project");
  return *it;
}

Result<Json> ParseDocument(std::string_view bytes, const char* what) {
  JsonLimits limits;
  limits.max_array_items = 10'000'000;
  auto j = ParseJson(bytes, limits);
  if (!j.ok()) return InvalidArgument(std::string("the ") + what + " file is not valid JSON: " + j.status().message());
  return std::move(*j);
}

std::string WithoutExtension(const std::string& path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  return dot != std::string::npos && (slash == std::string::npos || dot > slash) ? path.substr(0, dot) : path;
}

Result<double> Number(const std::string& text, const std::string& where) {
  auto v = ParseDouble(Trim(text));
  if (!v || !std::isfinite(*v)) return InvalidArgument(where + ": '" + text.substr(0, 40) + "' is not a number");
  return *v;
}

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  for (const std::string& f : Split(line, ' '))
    if (!Trim(f).empty()) out.emplace_back(Trim(f));
  return out;
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  for (std::string line : Split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
  }
  return out;
}

Result<Out> Coco(const Json& spec, std::string_view bytes, const ItemLookup& lookup) {
  ASSIGN_OR_RETURN(Json doc, ParseDocument(bytes, "COCO"));
  JsonReader r(doc, "", "the COCO file");
  ASSIGN_OR_RETURN(JsonReader images, r.Array("images"));
  ASSIGN_OR_RETURN(JsonReader annotations, r.Array("annotations"));
  ASSIGN_OR_RETURN(JsonReader categories, r.Array("categories"));
  std::set<std::string> classes;
  for (const Json& c : spec.value("classes", Json::array())) classes.insert(c.value("name", ""));
  std::map<int64_t, std::string> category;
  for (size_t i = 0; i < categories.size(); ++i) {
    ASSIGN_OR_RETURN(int64_t id, categories[i].Req<int64_t>("id"));
    ASSIGN_OR_RETURN(std::string name, categories[i].Req<std::string>("name"));
    category[id] = name;
  }
  std::map<int64_t, size_t> image_index;
  Out out;
  for (size_t i = 0; i < images.size(); ++i) {
    ASSIGN_OR_RETURN(int64_t id, images[i].Req<int64_t>("id"));
    ASSIGN_OR_RETURN(std::string file, images[i].Req<std::string>("file_name"));
    RETURN_IF_ERROR(Need(lookup, file).status());
    image_index[id] = out.size();
    out.push_back({file, Json::object()});
  }
  for (size_t i = 0; i < annotations.size(); ++i) {
    JsonReader a = annotations[i];
    ASSIGN_OR_RETURN(int64_t image, a.Req<int64_t>("image_id"));
    ASSIGN_OR_RETURN(int64_t cat, a.Req<int64_t>("category_id"));
    auto im = image_index.find(image);
    if (im == image_index.end()) return a.Invalid("image_id", "names no image of the file");
    const std::string& path = out[im->second].path;
    auto c = category.find(cat);
    if (c == category.end()) return ItemError(path, "annotation " + std::to_string(i) + " has category_id " + std::to_string(cat) + ", which no category has");
    if (!classes.count(c->second)) return ItemError(path, "category '" + c->second + "' is not a class of the schema");
    Json& ann = out[im->second].annotation;
    ASSIGN_OR_RETURN(std::optional<JsonReader> seg, a.Find("segmentation"));
    bool polygon = seg && seg->json().is_array() && !seg->json().empty();
    bool rle = seg && seg->json().is_object();
    if (rle) {
      if (seg->json().contains("counts") && seg->json()["counts"].is_string())
        return ItemError(path, "compressed RLE masks (counts as a string) are not read; export them uncompressed");
      ann["masks"].push_back({{"class", c->second}, {"rle", seg->json()}});
    } else if (polygon && spec.value("task_type", "") == "segmentation") {
      for (size_t k = 0; k < seg->size(); ++k) {
        ASSIGN_OR_RETURN(std::vector<double> flat, (*seg)[k].Items<double>());
        if (flat.size() % 2) return ItemError(path, "a polygon of annotation " + std::to_string(i) + " has an odd number of coordinates");
        Json pts = Json::array();
        for (size_t m = 0; m + 1 < flat.size(); m += 2) pts.push_back({flat[m], flat[m + 1]});
        ann["polygons"].push_back({{"class", c->second}, {"points", pts}});
      }
    } else {
      ASSIGN_OR_RETURN(std::optional<std::vector<double>> listed, a.OptList<double>("bbox"));
      std::vector<double> bbox = listed.value_or(std::vector<double>{});
      if (bbox.size() != 4) return ItemError(path, "annotation " + std::to_string(i) + " needs bbox [x, y, w, h]");
      ann["boxes"].push_back({{"class", c->second}, {"x", bbox[0]}, {"y", bbox[1]}, {"w", bbox[2]}, {"h", bbox[3]}});
    }
  }
  for (ImportedAnnotation& o : out)
    if (o.annotation.empty()) o.annotation = spec.value("task_type", "") == "segmentation" ? Json{{"polygons", Json::array()}} : Json{{"boxes", Json::array()}};
  return out;
}

// The text between <tag> and </tag> after `from`; npos when absent.
std::string Tag(const std::string& xml, const std::string& tag, size_t from = 0, size_t* end = nullptr) {
  size_t a = xml.find("<" + tag + ">", from);
  if (a == std::string::npos) return "";
  a += tag.size() + 2;
  size_t b = xml.find("</" + tag + ">", a);
  if (b == std::string::npos) return "";
  if (end) *end = b + tag.size() + 3;
  std::string v = xml.substr(a, b - a);
  for (auto [from_s, to_s] : std::initializer_list<std::pair<const char*, const char*>>{{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}}) {
    for (size_t at = v.find(from_s); at != std::string::npos; at = v.find(from_s, at + 1)) v.replace(at, std::strlen(from_s), to_s);
  }
  return std::string(Trim(v));
}

Result<Out> Voc(std::string_view bytes, const std::vector<std::string>& paths, const ItemLookup& lookup) {
  ASSIGN_OR_RETURN(auto files, ReadTar(bytes));
  std::map<std::string, std::string> by_stem;
  for (const std::string& p : paths) by_stem[WithoutExtension(p)] = p;
  Out out;
  for (const auto& [name, xml] : files) {
    if (!EndsWith(ToLower(name), ".xml")) continue;
    std::string stem = WithoutExtension(name.rfind("Annotations/", 0) == 0 ? name.substr(12) : name);
    std::string path = Tag(xml, "filename");
    if (!by_stem.count(stem) && (path.empty() || !std::count(paths.begin(), paths.end(), path)))
      return InvalidArgument("'" + name + "' names no item of the labeling project");
    if (by_stem.count(stem)) path = by_stem[stem];
    RETURN_IF_ERROR(Need(lookup, path).status());
    Json boxes = Json::array();
    size_t at = 0, end = 0;
    for (std::string obj = Tag(xml, "object", at, &end); !obj.empty(); at = end, obj = Tag(xml, "object", at, &end)) {
      std::string cls = Tag(obj, "name");
      ASSIGN_OR_RETURN(double x0, Number(Tag(obj, "xmin"), "item '" + path + "' xmin"));
      ASSIGN_OR_RETURN(double y0, Number(Tag(obj, "ymin"), "item '" + path + "' ymin"));
      ASSIGN_OR_RETURN(double x1, Number(Tag(obj, "xmax"), "item '" + path + "' xmax"));
      ASSIGN_OR_RETURN(double y1, Number(Tag(obj, "ymax"), "item '" + path + "' ymax"));
      boxes.push_back({{"class", cls}, {"x", x0}, {"y", y0}, {"w", x1 - x0}, {"h", y1 - y0}});
    }
    out.push_back({path, Json{{"boxes", boxes}}});
  }
  return out;
}

Result<Out> Yolo(const Json& spec, std::string_view bytes, const std::vector<std::string>& paths, const ItemLookup& lookup) {
  ASSIGN_OR_RETURN(auto files, ReadTar(bytes));
  std::vector<std::string> names;
  for (const Json& c : spec.value("classes", Json::array())) names.push_back(c.value("name", ""));
  for (const auto& [name, body] : files)
    if (name == "classes.txt" || EndsWith(name, "/classes.txt")) {
      std::vector<std::string> listed;
      for (const std::string& l : Lines(body))
        if (!Trim(l).empty()) listed.emplace_back(Trim(l));
      for (const std::string& c : listed)
        if (std::find(names.begin(), names.end(), c) == names.end()) return InvalidArgument("classes.txt names '" + c + "', which is not a class of the schema");
      names = listed;
    }
  std::map<std::string, std::string> by_stem;
  for (const std::string& p : paths) by_stem[WithoutExtension(p)] = p;
  bool segmentation = spec.value("task_type", "") == "segmentation";
  Out out;
  for (const auto& [name, body] : files) {
    if (!EndsWith(name, ".txt") || name == "classes.txt" || EndsWith(name, "/classes.txt")) continue;
    std::string stem = WithoutExtension(name.rfind("labels/", 0) == 0 ? name.substr(7) : name);
    auto it = by_stem.find(stem);
    if (it == by_stem.end()) return InvalidArgument("'" + name + "' names no item of the labeling project");
    ASSIGN_OR_RETURN(FormatItem item, Need(lookup, it->second));
    double W = static_cast<double>(item.width), H = static_cast<double>(item.height);
    Json ann = segmentation ? Json{{"polygons", Json::array()}} : Json{{"boxes", Json::array()}};
    int line_no = 0;
    for (const std::string& line : Lines(body)) {
      ++line_no;
      std::vector<std::string> f = Fields(line);
      if (f.empty()) continue;
      std::string where = "item '" + it->second + "' line " + std::to_string(line_no);
      auto k = ParseInt64(f[0]);
      if (!k || *k < 0 || *k >= static_cast<int64_t>(names.size())) return InvalidArgument(where + ": class index '" + f[0] + "' is not a class");
      std::vector<double> v;
      for (size_t i = 1; i < f.size(); ++i) {
        ASSIGN_OR_RETURN(double x, Number(f[i], where));
        v.push_back(x);
      }
      if (!segmentation) {
        if (v.size() != 4) return InvalidArgument(where + ": a box is 'class cx cy w h'");
        ann["boxes"].push_back({{"class", names[*k]}, {"x", (v[0] - v[2] / 2) * W}, {"y", (v[1] - v[3] / 2) * H}, {"w", v[2] * W}, {"h", v[3] * H}});
      } else {
        if (v.size() < 6 || v.size() % 2) return InvalidArgument(where + ": a polygon is 'class x1 y1 x2 y2 x3 y3 ...'");
        Json pts = Json::array();
        for (size_t i = 0; i + 1 < v.size(); i += 2) pts.push_back({v[i] * W, v[i + 1] * H});
        ann["polygons"].push_back({{"class", names[*k]}, {"points", pts}});
      }
    }
    out.push_back({it->second, ann});
  }
  return out;
}

Result<Out> Conll(std::string_view bytes, const ItemLookup& lookup) {
  Out out;
  std::optional<FormatItem> item;
  size_t byte_at = 0;  // where the next token is looked for in the item's text
  Json spans = Json::array();
  auto code_points = [&](size_t byte) { return CodePoints(std::string_view(item->text).substr(0, byte)); };
  auto finish = [&]() {
    if (item) out.push_back({item->path, Json{{"spans", spans}}});
    spans = Json::array();
  };
  int line_no = 0;
  for (const std::string& line : Lines(bytes)) {
    ++line_no;
    std::vector<std::string> f = Fields(line);
    if (f.empty()) continue;
    if (f[0] == "-DOCSTART-") {
      finish();
      if (f.size() < 3) return InvalidArgument("line " + std::to_string(line_no) + ": -DOCSTART- needs the item path in its third column");
      auto path = UrlDecode(f[2], false);
      if (!path) return InvalidArgument("line " + std::to_string(line_no) + ": the item path is badly escaped");
      ASSIGN_OR_RETURN(FormatItem it, Need(lookup, *path));
      item = it;
      byte_at = 0;
      continue;
    }
    if (!item) return InvalidArgument("line " + std::to_string(line_no) + ": a token before any -DOCSTART- line naming its item");
    const std::string& token = f[0];
    const std::string& tag = f.back();
    size_t at = item->text.find(token, byte_at);
    if (at == std::string::npos) return ItemError(item->path, "line " + std::to_string(line_no) + ": token '" + token + "' is not in the text (in order)");
    byte_at = at + token.size();
    int64_t t0 = code_points(at), t1 = code_points(byte_at);
    if (tag == "O") continue;
    if (tag.size() < 3 || (tag[0] != 'B' && tag[0] != 'I') || tag[1] != '-') return ItemError(item->path, "line " + std::to_string(line_no) + ": tag '" + tag + "' is not O, B-X or I-X");
    std::string cls = tag.substr(2);
    if (tag[0] == 'I' && !spans.empty() && spans.back()["class"] == cls) spans.back()["end"] = t1;
    else spans.push_back({{"class", cls}, {"start", t0}, {"end", t1}});
  }
  finish();
  return out;
}

Result<Out> Squad(std::string_view bytes, const ItemLookup& lookup) {
  ASSIGN_OR_RETURN(Json doc, ParseDocument(bytes, "SQuAD"));
  JsonReader r(doc, "", "the SQuAD file");
  ASSIGN_OR_RETURN(JsonReader data, r.Array("data"));
  Out out;
  for (size_t d = 0; d < data.size(); ++d) {
    ASSIGN_OR_RETURN(JsonReader paragraphs, data[d].Array("paragraphs"));
    for (size_t p = 0; p < paragraphs.size(); ++p) {
      ASSIGN_OR_RETURN(std::string context, paragraphs[p].Req<std::string>("context"));
      ASSIGN_OR_RETURN(JsonReader qas, paragraphs[p].Array("qas"));
      for (size_t q = 0; q < qas.size(); ++q) {
        ASSIGN_OR_RETURN(std::string id, qas[q].Req<std::string>("id"));
        RETURN_IF_ERROR(Need(lookup, id).status());
        ASSIGN_OR_RETURN(bool impossible, qas[q].Get<bool>("is_impossible", false));
        ASSIGN_OR_RETURN(std::optional<JsonReader> answers, qas[q].OptArray("answers"));
        Json list = Json::array();
        for (size_t a = 0; answers && a < answers->size(); ++a) {
          ASSIGN_OR_RETURN(std::string text, (*answers)[a].Req<std::string>("text"));
          ASSIGN_OR_RETURN(int64_t start, (*answers)[a].Req<int64_t>("answer_start"));
          int64_t end = start + CodePoints(text);
          if (start < 0 || CodePointSubstr(context, start, end) != text)
            return ItemError(id, "answer '" + text + "' is not the context's text at answer_start " + std::to_string(start));
          list.push_back({{"start", start}, {"end", end}});
        }
        out.push_back({id, impossible ? Json{{"answers", Json::array()}, {"impossible", true}} : Json{{"answers", list}, {"impossible", false}}});
      }
    }
  }
  return out;
}

Result<Out> LabelStudio(const Json& spec, std::string_view bytes, const ItemLookup& lookup) {
  ASSIGN_OR_RETURN(Json doc, ParseDocument(bytes, "Label Studio"));
  JsonReader tasks(doc, "", "the Label Studio file");
  RETURN_IF_ERROR(tasks.ExpectArray());
  Out out;
  for (size_t t = 0; t < tasks.size(); ++t) {
    ASSIGN_OR_RETURN(JsonReader data, tasks[t].Object("data"));
    ASSIGN_OR_RETURN(std::optional<std::string> image, data.Opt<std::string>("image"));
    ASSIGN_OR_RETURN(std::optional<std::string> text, data.Opt<std::string>("text"));
    if (!image && !text) return data.Invalid("needs \"image\" or \"text\" naming the item");
    std::string path = image ? *image : *text;
    ASSIGN_OR_RETURN(FormatItem item, Need(lookup, path));
    ASSIGN_OR_RETURN(JsonReader annotations, tasks[t].Array("annotations"));
    // What an empty result means for the task type (an image without objects, a text without entities).
    static const std::map<std::string, const char*> kEmpty = {{"object_detection", "boxes"}, {"segmentation", "polygons"}, {"ner", "spans"},
                                                              {"image_classification", "classes"}, {"text_classification", "classes"}};
    Json ann = Json::object();
    if (auto e = kEmpty.find(spec.value("task_type", "")); e != kEmpty.end()) ann[e->second] = Json::array();
    for (size_t a = 0; a < annotations.size() && a < 1; ++a) {  // the first annotation of a task
      ASSIGN_OR_RETURN(JsonReader result, annotations[a].Array("result"));
      for (size_t k = 0; k < result.size(); ++k) {
        ASSIGN_OR_RETURN(std::string type, result[k].Req<std::string>("type"));
        ASSIGN_OR_RETURN(JsonReader v, result[k].Object("value"));
        double W = static_cast<double>(item.width), H = static_cast<double>(item.height);
        auto first = [&](const char* key) -> Result<std::string> {
          ASSIGN_OR_RETURN(JsonReader l, v.Array(key));
          ASSIGN_OR_RETURN(std::vector<std::string> names, l.Items<std::string>());
          if (names.size() != 1) return ItemError(path, std::string(key) + " must name one class");
          return names[0];
        };
        if (type == "rectanglelabels") {
          ASSIGN_OR_RETURN(std::string cls, first("rectanglelabels"));
          ASSIGN_OR_RETURN(double x, v.Req<double>("x"));
          ASSIGN_OR_RETURN(double y, v.Req<double>("y"));
          ASSIGN_OR_RETURN(double w, v.Req<double>("width"));
          ASSIGN_OR_RETURN(double h, v.Req<double>("height"));
          ann["boxes"].push_back({{"class", cls}, {"x", x * W / 100}, {"y", y * H / 100}, {"w", w * W / 100}, {"h", h * H / 100}});
        } else if (type == "polygonlabels") {
          ASSIGN_OR_RETURN(std::string cls, first("polygonlabels"));
          ASSIGN_OR_RETURN(JsonReader pts, v.Array("points"));
          Json points = Json::array();
          for (size_t m = 0; m < pts.size(); ++m) {
            ASSIGN_OR_RETURN(std::vector<double> xy, pts[m].Items<double>());
            if (xy.size() != 2) return pts[m].Invalid("must be [x, y]");
            points.push_back({xy[0] * W / 100, xy[1] * H / 100});
          }
          ann["polygons"].push_back({{"class", cls}, {"points", points}});
        } else if (type == "labels") {
          ASSIGN_OR_RETURN(std::string cls, first("labels"));
          ASSIGN_OR_RETURN(int64_t start, v.Req<int64_t>("start"));
          ASSIGN_OR_RETURN(int64_t end, v.Req<int64_t>("end"));
          ann["spans"].push_back({{"class", cls}, {"start", start}, {"end", end}});
        } else if (type == "choices") {
          ASSIGN_OR_RETURN(JsonReader l, v.Array("choices"));
          ASSIGN_OR_RETURN(std::vector<std::string> names, l.Items<std::string>());
          ann["classes"] = names;
        } else {
          return ItemError(path, "result type '" + type + "' is not read (rectanglelabels, polygonlabels, labels, choices are)");
        }
      }
    }
    out.push_back({path, ann});
  }
  return out;
}

Result<Out> Csv(std::string_view bytes, const ItemLookup& lookup) {
  Out out;
  // RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks.
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> rec;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (quoted) {
      if (c == '"' && i + 1 < bytes.size() && bytes[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rec.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
      rec.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(rec));
      rec.clear();
    } else {
      field += c;
    }
  }
  if (quoted) return InvalidArgument("the CSV file ends inside a quoted field");
  if (!field.empty() || !rec.empty()) rec.push_back(std::move(field)), records.push_back(std::move(rec));
  if (records.empty() || records[0].size() < 2 || records[0][0] != "path" || records[0][1] != "label")
    return InvalidArgument("the CSV file must start with the header 'path,label'");
  for (size_t i = 1; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.size() == 1 && r[0].empty()) continue;
    if (r.size() != 2) return InvalidArgument("CSV line " + std::to_string(i + 1) + " must have 2 fields (path,label)");
    RETURN_IF_ERROR(Need(lookup, r[0]).status());
    Json classes = Json::array();
    for (const std::string& c : Split(r[1], ';'))
      if (!c.empty()) classes.push_back(c);
    out.push_back({r[0], Json{{"classes", classes}}});
  }
  return out;
}

Result<Out> Jsonl(std::string_view bytes, const ItemLookup& lookup) {
  Out out;
  int line_no = 0;
  for (const std::string& line : Lines(bytes)) {
    ++line_no;
    if (Trim(line).empty()) continue;
    auto j = ParseJson(line);
    if (!j.ok()) return InvalidArgument("JSONL line " + std::to_string(line_no) + " is not valid JSON: " + j.status().message());
    JsonReader r(*j, "line " + std::to_string(line_no));
    ASSIGN_OR_RETURN(std::string path, r.Req<std::string>("path"));
    ASSIGN_OR_RETURN(Json annotation, r.Req<Json>("annotation"));
    RETURN_IF_ERROR(Need(lookup, path).status());
    out.push_back({path, annotation});
  }
  return out;
}

}  // namespace

Result<std::vector<ImportedAnnotation>> ParseImport(const std::string& format, const Json& spec, std::string_view bytes,
                                                    const std::vector<std::string>& paths, const ItemLookup& lookup) {
  RETURN_IF_ERROR(CheckFormat(format, spec));
  Result<Out> parsed = format == "coco"          ? Coco(spec, bytes, lookup)
                       : format == "voc"         ? Voc(bytes, paths, lookup)
                       : format == "yolo"        ? Yolo(spec, bytes, paths, lookup)
                       : format == "conll2003"   ? Conll(bytes, lookup)
                       : format == "squad2"      ? Squad(bytes, lookup)
                       : format == "labelstudio" ? LabelStudio(spec, bytes, lookup)
                       : format == "csv"         ? Csv(bytes, lookup)
                                                 : Jsonl(bytes, lookup);
  ASSIGN_OR_RETURN(Out out, std::move(parsed));
  std::set<std::string> seen;
  for (const ImportedAnnotation& a : out)
    if (!seen.insert(a.path).second) return InvalidArgument("item '" + a.path + "' appears twice in the file");
  if (out.empty()) return InvalidArgument("the file holds no annotation of an item");
  return out;
}

}  // namespace moebius::label

#include "label/label_schema.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace moebius::label {
namespace {

bool IsClassification(const std::string& t) {
  return t == "image_classification" || t == "text_classification";
}

bool IsHexColor(const std::string& c) {
  if (c.size() != 7 || c[0] != '#') return false;
  return std::all_of(c.begin() + 1, c.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); });
}

// The class of member `key` of `r`, which must be one of the schema's.
Result<std::string> ClassOf(const JsonReader& r, const std::set<std::string>& classes) {
  ASSIGN_OR_RETURN(std::string c, r.Req<std::string>("class"));
  if (!classes.count(c)) return r.Invalid("class", "is '" + c + "', which is not a class of the schema");
  return c;
}

Status CheckPoint(const JsonReader& r, double x, double y, const ItemContext& item) {
  if (!std::isfinite(x) || !std::isfinite(y)) return r.Invalid("must be finite numbers");
  if (x < 0 || y < 0) return r.Invalid("is outside the image (negative coordinates)");
  if (item.width && x > *item.width + 1e-6) return r.Invalid("is outside the image (x beyond its width " + std::to_string(*item.width) + ")");
  if (item.height && y > *item.height + 1e-6) return r.Invalid("is outside the image (y beyond its height " + std::to_string(*item.height) + ")");
  return Status::Ok();
}

Status CheckBoxes(const JsonReader& a, const std::set<std::string>& classes, const ItemContext& item) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> boxes, a.OptArray("boxes"));
  if (!boxes) return Status::Ok();
  for (size_t i = 0; i < boxes->size(); ++i) {
    JsonReader b = (*boxes)[i];
    RETURN_IF_ERROR(b.OnlyKeys({"class", "x", "y", "w", "h", "score"}));
    RETURN_IF_ERROR(ClassOf(b, classes).status());
    ASSIGN_OR_RETURN(double x, b.Req<double>("x"));
    ASSIGN_OR_RETURN(double y, b.Req<double>("y"));
    ASSIGN_OR_RETURN(double w, b.Req<double>("w"));
    ASSIGN_OR_RETURN(double h, b.Req<double>("h"));
    if (!(w > 0) || !(h > 0)) return b.Invalid("must have a positive width and height");
    RETURN_IF_ERROR(CheckPoint(b, x, y, item));
    RETURN_IF_ERROR(CheckPoint(b, x + w, y + h, item));
  }
  return Status::Ok();
}

Status CheckSegments(const JsonReader& a, const std::set<std::string>& classes, const ItemContext& item) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> polygons, a.OptArray("polygons"));
  for (size_t i = 0; polygons && i < polygons->size(); ++i) {
    JsonReader p = (*polygons)[i];
    RETURN_IF_ERROR(p.OnlyKeys({"class", "points", "score"}));
    RETURN_IF_ERROR(ClassOf(p, classes).status());
    ASSIGN_OR_RETURN(JsonReader points, p.Array("points"));
    if (points.size() < 3) return points.Invalid("must have at least 3 points");
    if (points.size() > 100000) return points.Invalid("has more than 100000 points");
    for (size_t k = 0; k < points.size(); ++k) {
      ASSIGN_OR_RETURN(std::vector<double> xy, points[k].Items<double>());
      if (xy.size() != 2) return points[k].Invalid("must be [x, y]");
      RETURN_IF_ERROR(CheckPoint(points[k], xy[0], xy[1], item));
    }
  }
  ASSIGN_OR_RETURN(std::optional<JsonReader> masks, a.OptArray("masks"));
  for (size_t i = 0; masks && i < masks->size(); ++i) {
    JsonReader m = (*masks)[i];
    RETURN_IF_ERROR(m.OnlyKeys({"class", "rle", "score"}));
    RETURN_IF_ERROR(ClassOf(m, classes).status());
    ASSIGN_OR_RETURN(JsonReader rle, m.Object("rle"));
    ASSIGN_OR_RETURN(JsonReader size_r, rle.Array("size"));
    ASSIGN_OR_RETURN(std::vector<int64_t> size, size_r.Items<int64_t>());
    if (size.size() != 2 || size[0] <= 0 || size[1] <= 0) return size_r.Invalid("must be [height, width], both positive");
    if ((item.height && size[0] != *item.height) || (item.width && size[1] != *item.width))
      return size_r.Invalid("does not match the image's size " + std::to_string(item.height.value_or(0)) + "x" + std::to_string(item.width.value_or(0)));
    ASSIGN_OR_RETURN(JsonReader counts_r, rle.Array("counts"));
    ASSIGN_OR_RETURN(std::vector<int64_t> counts, counts_r.Items<int64_t>());
    int64_t total = 0;
    for (int64_t c : counts) {
      if (c < 0) return counts_r.Invalid("must hold no negative run");
      total += c;
    }
    if (total != size[0] * size[1]) return counts_r.Invalid("must sum to height x width (" + std::to_string(size[0] * size[1]) + "), got " + std::to_string(total));
  }
  return Status::Ok();
}

Status CheckSpans(const JsonReader& a, const std::set<std::string>& classes, const ItemContext& item, bool allow_overlap) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> spans, a.OptArray("spans"));
  if (!spans) return Status::Ok();
  std::vector<std::pair<int64_t, int64_t>> seen;
  for (size_t i = 0; i < spans->size(); ++i) {
    JsonReader s = (*spans)[i];
    RETURN_IF_ERROR(s.OnlyKeys({"class", "start", "end", "text", "score"}));
    RETURN_IF_ERROR(ClassOf(s, classes).status());
    ASSIGN_OR_RETURN(int64_t start, s.Req<int64_t>("start"));
    ASSIGN_OR_RETURN(int64_t end, s.Req<int64_t>("end"));
    if (start < 0 || end <= start) return s.Invalid("must have 0 <= start < end");
    if (item.text_length && end > *item.text_length)
      return s.Invalid("ends at " + std::to_string(end) + ", past the text's " + std::to_string(*item.text_length) + " characters");
    if (!allow_overlap)
      for (const auto& [a0, a1] : seen)
        if (start < a1 && a0 < end) return s.Invalid("overlaps another span, and the schema does not allow overlapping spans");
    seen.push_back({start, end});
  }
  return Status::Ok();
}

Status CheckAnswers(const JsonReader& a, const ItemContext& item, bool complete) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> answers, a.OptArray("answers"));
  ASSIGN_OR_RETURN(bool impossible, a.Get<bool>("impossible", false));
  size_t n = answers ? answers->size() : 0;
  for (size_t i = 0; i < n; ++i) {
    JsonReader s = (*answers)[i];
    RETURN_IF_ERROR(s.OnlyKeys({"start", "end", "text", "score"}));
    ASSIGN_OR_RETURN(int64_t start, s.Req<int64_t>("start"));
    ASSIGN_OR_RETURN(int64_t end, s.Req<int64_t>("end"));
    if (start < 0 || end <= start) return s.Invalid("must have 0 <= start < end");
    if (item.text_length && end > *item.text_length)
      return s.Invalid("ends at " + std::to_string(end) + ", past the context's " + std::to_string(*item.text_length) + " characters");
  }
  if (impossible && n > 0) return a.Invalid("answers", "must be empty when the question is marked impossible");
  if (complete && !impossible && n == 0) return a.Invalid("needs an answer, or \"impossible\": true");
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& TaskTypes() {
  static const std::vector<std::string> kTypes = {"image_classification", "object_detection", "segmentation", "text_classification",
                                                  "ner", "qa", "tabular_classification"};
  return kTypes;
}

Result<Json> ParseSchemaSpec(const JsonReader& spec) {
  RETURN_IF_ERROR(spec.OnlyKeys({"task_type", "classes", "multi_label", "allow_overlap"}));
  ASSIGN_OR_RETURN(std::string type, spec.Req<std::string>("task_type"));
  if (std::find(TaskTypes().begin(), TaskTypes().end(), type) == TaskTypes().end())
    return spec.Invalid("task_type", "is '" + type + "', not one of image_classification, object_detection, segmentation, "
                                     "text_classification, ner, qa, tabular_classification");
  Json out{{"task_type", type}, {"classes", Json::array()}};
  ASSIGN_OR_RETURN(bool multi, spec.Get<bool>("multi_label", false));
  ASSIGN_OR_RETURN(bool overlap, spec.Get<bool>("allow_overlap", false));
  if (multi && !IsClassification(type)) return spec.Invalid("multi_label", "applies to image_classification and text_classification only");
  if (overlap && type != "ner") return spec.Invalid("allow_overlap", "applies to ner only");
  out["multi_label"] = multi;
  out["allow_overlap"] = overlap;
  ASSIGN_OR_RETURN(std::optional<JsonReader> classes, spec.OptArray("classes"));
  size_t n = classes ? classes->size() : 0;
  if (n == 0 && type != "qa") return spec.Invalid("classes", "must name at least one class");
  if (n > 1000) return spec.Invalid("classes", "must have at most 1000 classes");
  std::set<std::string> names, hotkeys;
  for (size_t i = 0; i < n; ++i) {
    JsonReader c = (*classes)[i];
    RETURN_IF_ERROR(c.OnlyKeys({"name", "color", "hotkey", "description"}));
    ASSIGN_OR_RETURN(std::string name, c.Req<std::string>("name"));
    if (name.empty() || name.size() > 100) return c.Invalid("name", "must be 1 to 100 bytes");
    if (!names.insert(name).second) return c.Invalid("name", "repeats the class '" + name + "'");
    ASSIGN_OR_RETURN(std::string color, c.Get<std::string>("color", ""));
    if (!color.empty() && !IsHexColor(color)) return c.Invalid("color", "must be #rrggbb");
    ASSIGN_OR_RETURN(std::string hotkey, c.Get<std::string>("hotkey", ""));
    if (hotkey.size() > 1 || (hotkey.size() == 1 && !std::isalnum(static_cast<unsigned char>(hotkey[0]))))
      return c.Invalid("hotkey", "must be one letter or digit");
    if (!hotkey.empty() && !hotkeys.insert(hotkey).second) return c.Invalid("hotkey", "is already the hotkey of another class");
    ASSIGN_OR_RETURN(std::string description, c.Get<std::string>("description", ""));
    if (description.size() > 2000) return c.Invalid("description", "must be at most 2000 bytes");
    out["classes"].push_back({{"name", name}, {"color", color}, {"hotkey", hotkey}, {"description", description}});
  }
  return out;
}

Status ValidateAnnotation(const Json& spec, const Json& annotation, const ItemContext& item, bool complete) {
  JsonReader a(annotation, "annotation");
  RETURN_IF_ERROR(a.ExpectObject());
  std::string type = spec.value("task_type", "");
  std::set<std::string> classes;
  for (const Json& c : spec.value("classes", Json::array())) classes.insert(c.value("name", ""));
  if (IsClassification(type)) {
    RETURN_IF_ERROR(a.OnlyKeys({"classes"}));
    ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> listed, a.OptList<std::string>("classes"));
    std::vector<std::string> cs = listed.value_or(std::vector<std::string>{});
    for (size_t i = 0; i < cs.size(); ++i)
      if (!classes.count(cs[i])) return a.Invalid("classes", "names '" + cs[i] + "', which is not a class of the schema");
    if (std::set<std::string>(cs.begin(), cs.end()).size() != cs.size()) return a.Invalid("classes", "repeats a class");
    if (cs.size() > 1 && !spec.value("multi_label", false)) return a.Invalid("classes", "must hold one class (the schema is single-label)");
    if (complete && cs.empty()) return a.Invalid("classes", "must hold a class to submit");
    return Status::Ok();
  }
  if (type == "object_detection") {
    RETURN_IF_ERROR(a.OnlyKeys({"boxes"}));
    return CheckBoxes(a, classes, item);
  }
  if (type == "segmentation") {
    RETURN_IF_ERROR(a.OnlyKeys({"polygons", "masks"}));
    return CheckSegments(a, classes, item);
  }
  if (type == "ner") {
    RETURN_IF_ERROR(a.OnlyKeys({"spans"}));
    return CheckSpans(a, classes, item, spec.value("allow_overlap", false));
  }
  if (type == "qa") {
    RETURN_IF_ERROR(a.OnlyKeys({"answers", "impossible"}));
    return CheckAnswers(a, item, complete);
  }
  if (type == "tabular_classification") {
    RETURN_IF_ERROR(a.OnlyKeys({"rows"}));
    ASSIGN_OR_RETURN(std::optional<JsonReader> rows, a.OptArray("rows"));
    size_t n = rows ? rows->size() : 0;
    if (item.rows && static_cast<int64_t>(n) > *item.rows)
      return a.Invalid("rows", "has " + std::to_string(n) + " entries, the table " + std::to_string(*item.rows) + " data rows");
    bool any = false;
    for (size_t i = 0; i < n; ++i) {
      if ((*rows)[i].json().is_null()) continue;
      ASSIGN_OR_RETURN(std::string c, (*rows)[i].As<std::string>());
      if (!classes.count(c)) return (*rows)[i].Invalid("is '" + c + "', which is not a class of the schema");
      any = true;
    }
    if (complete && !any) return a.Invalid("rows", "must classify at least one row to submit");
    return Status::Ok();
  }
  return InvalidArgument("the schema's task_type '" + type + "' is unknown");
}

std::vector<std::string> ClassesOf(const Json& annotation) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const Json& c) {
    if (c.is_string() && seen.insert(c.get<std::string>()).second) out.push_back(c.get<std::string>());
  };
  if (!annotation.is_object()) return out;
  for (const char* key : {"boxes", "polygons", "masks", "spans"})
    if (annotation.contains(key) && annotation[key].is_array())
      for (const Json& o : annotation[key])
        if (o.is_object() && o.contains("class")) add(o["class"]);
  for (const char* key : {"classes", "rows"})
    if (annotation.contains(key) && annotation[key].is_array())
      for (const Json& c : annotation[key]) add(c);
  return out;
}

int64_t CodePoints(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string CodePointSubstr(std::string_view s, int64_t start, int64_t end) {
  size_t begin_byte = s.size(), end_byte = s.size();
  int64_t cp = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    ++cp;
    if (cp == start) begin_byte = i;
    if (cp == end) {
      end_byte = i;
      break;
    }
  }
  if (begin_byte >= end_byte) return "";
  return std::string(s.substr(begin_byte, end_byte - begin_byte));
}

}  // namespace moebius::label

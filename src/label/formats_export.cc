#include <charconv>
#include <map>

#include "base/strings.h"
#include "label/formats.h"
#include "label/label_schema.h"

namespace moebius::label {
namespace {

constexpr size_t kPieceBytes = 1 << 20;

// Shortest text that reads back as the same double.
void AppendNum(std::string& out, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}
std::string Num(double v) {
  std::string s;
  AppendNum(s, v);
  return s;
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string WithoutExtension(const std::string& path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  return dot != std::string::npos && (slash == std::string::npos || dot > slash) ? path.substr(0, dot) : path;
}

// Sections of pieces: a header, then for each section its elements, then a footer; Next() hands
// out about kPieceBytes at a time.
class SectionExporter : public Exporter {
 public:
  struct Section {
    size_t count;
    std::function<void(size_t, std::string&)> append;  // appends element i
    std::string after;                                 // appended once the section is done
  };
  SectionExporter(std::string content_type, std::string file_name, std::string header, std::vector<Section> sections)
      : content_type_(std::move(content_type)), file_name_(std::move(file_name)), pending_(std::move(header)), sections_(std::move(sections)) {}

  Result<std::string> Next() override {
    while (pending_.size() < kPieceBytes && section_ < sections_.size()) {
      Section& s = sections_[section_];
      if (index_ < s.count) {
        s.append(index_++, pending_);
      } else {
        pending_ += s.after;
        ++section_;
        index_ = 0;
      }
    }
    std::string out;
    out.swap(pending_);
    return out;
  }
  std::string ContentType() const override { return content_type_; }
  std::string FileName() const override { return file_name_; }

 private:
  std::string content_type_, file_name_, pending_;
  std::vector<Section> sections_;
  size_t section_ = 0, index_ = 0;
};

struct Shared {
  Json spec;
  std::vector<ExportItem> items;
  std::map<std::string, int> class_id;  // 1-based, schema order
  std::vector<std::string> class_names;
};

std::shared_ptr<Shared> MakeShared(const Json& spec, std::vector<ExportItem> items) {
  auto s = std::make_shared<Shared>();
  s->spec = spec;
  s->items = std::move(items);
  for (const Json& c : spec.value("classes", Json::array())) {
    s->class_names.push_back(c.value("name", ""));
    s->class_id[s->class_names.back()] = static_cast<int>(s->class_names.size());
  }
  return s;
}

const Json& Arr(const Json& a, const char* key) {
  static const Json kEmpty = Json::array();
  auto it = a.find(key);
  return it != a.end() && it->is_array() ? *it : kEmpty;
}

std::unique_ptr<Exporter> Coco(std::shared_ptr<Shared> s) {
  // Annotation ids run over the items in order; each item's first id is known ahead.
  auto first_id = std::make_shared<std::vector<int64_t>>();
  int64_t next = 1;
  for (const ExportItem& e : s->items) {
    first_id->push_back(next);
    next += static_cast<int64_t>(Arr(e.annotation, "boxes").size() + Arr(e.annotation, "polygons").size() + Arr(e.annotation, "masks").size());
  }
  std::string categories = "],\"categories\":[";
  for (size_t i = 0; i < s->class_names.size(); ++i)
    categories += (i ? "," : "") + Json{{"id", i + 1}, {"name", s->class_names[i]}, {"supercategory", ""}}.dump();
  categories += "]}\n";
  std::vector<SectionExporter::Section> sections;
  sections.push_back({s->items.size(),
                      [s](size_t i, std::string& out) {
                        const FormatItem& it = s->items[i].item;
                        if (i) out += ',';
                        out += "{\"id\":" + std::to_string(i + 1) + ",\"file_name\":" + Json(it.path).dump() + ",\"width\":" + std::to_string(it.width) +
                               ",\"height\":" + std::to_string(it.height) + "}";
                      },
                      "],\"annotations\":["});
  sections.push_back({s->items.size(),
                      [s, first_id](size_t i, std::string& out) {
                        int64_t id = (*first_id)[i];
                        const Json& a = s->items[i].annotation;
                        auto head = [&](const Json& o) {
                          if (id > 1) out += ',';
                          out += "{\"id\":";
                          out += std::to_string(id++);
                          out += ",\"image_id\":";
                          out += std::to_string(i + 1);
                          out += ",\"category_id\":";
                          out += std::to_string(s->class_id[o.value("class", "")]);
                        };
                        for (const Json& b : Arr(a, "boxes")) {
                          head(b);
                          double w = b.value("w", 0.0), h = b.value("h", 0.0);
                          out += ",\"bbox\":[";
                          AppendNum(out, b.value("x", 0.0));
                          out += ',';
                          AppendNum(out, b.value("y", 0.0));
                          out += ',';
                          AppendNum(out, w);
                          out += ',';
                          AppendNum(out, h);
                          out += "],\"area\":";
                          AppendNum(out, w * h);
                          out += ",\"iscrowd\":0,\"segmentation\":[]}";
                        }
                        for (const Json& p : Arr(a, "polygons")) {
                          head(p);
                          double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300, area = 0;
                          const Json& pts = Arr(p, "points");
                          std::string flat;
                          for (size_t k = 0; k < pts.size(); ++k) {
                            double x = pts[k][0].get<double>(), y = pts[k][1].get<double>();
                            const Json& q = pts[(k + 1) % pts.size()];
                            area += x * q[1].get<double>() - q[0].get<double>() * y;
                            x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
                            if (k) flat += ',';
                            AppendNum(flat, x);
                            flat += ',';
                            AppendNum(flat, y);
                          }
                          out += ",\"bbox\":[" + Num(x0) + "," + Num(y0) + "," + Num(x1 - x0) + "," + Num(y1 - y0) + "],\"area\":" + Num(std::abs(area) / 2) +
                                 ",\"iscrowd\":0,\"segmentation\":[[" + flat + "]]}";
                        }
                        for (const Json& m : Arr(a, "masks")) {
                          head(m);
                          const Json& rle = m.value("rle", Json::object());
                          int64_t h = rle["size"][0].get<int64_t>();
                          int64_t at = 0, ones = 0, x0 = INT64_MAX, y0 = INT64_MAX, x1 = -1, y1 = -1;
                          const Json& counts = Arr(rle, "counts");
                          for (size_t k = 0; k < counts.size(); ++k) {
                            int64_t n = counts[k].get<int64_t>();
                            if (k % 2 == 1 && n > 0) {
                              ones += n;
                              x0 = std::min(x0, at / h), x1 = std::max(x1, (at + n - 1) / h);
                              y0 = std::min(y0, n >= h ? 0 : at % h);
                              y1 = std::max(y1, n >= h ? h - 1 : (at + n - 1) % h);
                            }
                            at += n;
                          }
                          if (x1 < 0) x0 = y0 = 0, x1 = y1 = -1;
                          out += ",\"bbox\":[" + std::to_string(x0) + "," + std::to_string(y0) + "," + std::to_string(x1 - x0 + 1) + "," +
                                 std::to_string(y1 - y0 + 1) + "],\"area\":" + std::to_string(ones) + ",\"iscrowd\":1,\"segmentation\":" + rle.dump() + "}";
                        }
                      },
                      categories});
  return std::make_unique<SectionExporter>("application/json", "coco.json",
                                           "{\"info\":{\"description\":\"Moebius labeling export\",\"version\":\"1.0\"},\"licenses\":[],\"images\":[",
                                           std::move(sections));
}

std::string TarFile(const std::string& path, const std::string& body) { return TarHeader(path, body.size()) + body + TarPadding(body.size()); }

std::unique_ptr<Exporter> Voc(std::shared_ptr<Shared> s) {
  std::vector<SectionExporter::Section> sections;
  sections.push_back({s->items.size(),
                      [s](size_t i, std::string& out) {
                        const ExportItem& e = s->items[i];
                        std::string x = "<annotation>\n  <folder></folder>\n  <filename>" + XmlEscape(e.item.path) + "</filename>\n  <size><width>" +
                                        std::to_string(e.item.width) + "</width><height>" + std::to_string(e.item.height) +
                                        "</height><depth>3</depth></size>\n  <segmented>0</segmented>\n";
                        for (const Json& b : Arr(e.annotation, "boxes")) {
                          double bx = b.value("x", 0.0), by = b.value("y", 0.0);
                          x += "  <object><name>" + XmlEscape(b.value("class", "")) +
                               "</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult><bndbox><xmin>" + Num(bx) + "</xmin><ymin>" +
                               Num(by) + "</ymin><xmax>" + Num(bx + b.value("w", 0.0)) + "</xmax><ymax>" + Num(by + b.value("h", 0.0)) +
                               "</ymax></bndbox></object>\n";
                        }
                        x += "</annotation>\n";
                        out += TarFile("Annotations/" + WithoutExtension(e.item.path) + ".xml", x);
                      },
                      TarEnd()});
  return std::make_unique<SectionExporter>("application/x-tar", "voc.tar", "", std::move(sections));
}

std::unique_ptr<Exporter> Yolo(std::shared_ptr<Shared> s) {
  std::string classes;
  for (const std::string& c : s->class_names) classes += c + "\n";
  std::vector<SectionExporter::Section> sections;
  sections.push_back({s->items.size(),
                      [s](size_t i, std::string& out) {
                        const ExportItem& e = s->items[i];
                        double W = static_cast<double>(e.item.width), H = static_cast<double>(e.item.height);
                        std::string body;
                        for (const Json& b : Arr(e.annotation, "boxes")) {
                          double w = b.value("w", 0.0), h = b.value("h", 0.0);
                          body += std::to_string(s->class_id[b.value("class", "")] - 1) + " " + Num((b.value("x", 0.0) + w / 2) / W) + " " +
                                  Num((b.value("y", 0.0) + h / 2) / H) + " " + Num(w / W) + " " + Num(h / H) + "\n";
                        }
                        for (const Json& p : Arr(e.annotation, "polygons")) {
                          body += std::to_string(s->class_id[p.value("class", "")] - 1);
                          for (const Json& pt : Arr(p, "points")) body += " " + Num(pt[0].get<double>() / W) + " " + Num(pt[1].get<double>() / H);
                          body += "\n";
                        }
                        out += TarFile("labels/" + WithoutExtension(e.item.path) + ".txt", body);
                      },
                      TarEnd()});
  return std::make_unique<SectionExporter>("application/x-tar", "yolo.tar", TarFile("classes.txt", classes), std::move(sections));
}

// Tokens of a line: [start, end) byte offsets of runs without white space.
std::vector<std::pair<size_t, size_t>> Tokens(const std::string& text) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t i = 0;
  auto space = [&](size_t k) { return text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r'; };
  while (i < text.size()) {
    while (i < text.size() && space(i)) ++i;
    size_t start = i;
    while (i < text.size() && !space(i)) ++i;
    if (i > start) out.push_back({start, i});
  }
  return out;
}

std::unique_ptr<Exporter> Conll(std::shared_ptr<Shared> s) {
  std::vector<SectionExporter::Section> sections;
  sections.push_back({s->items.size(),
                      [s](size_t i, std::string& out) {
                        const ExportItem& e = s->items[i];
                        out += "-DOCSTART- -X- " + UrlEncode(e.item.path) + " O\n\n";
                        const std::string& text = e.item.text;
                        // Code-point offset of each byte.
                        std::vector<int64_t> cp(text.size() + 1, 0);
                        int64_t n = 0;
                        for (size_t b = 0; b < text.size(); ++b) {
                          cp[b] = n;
                          if ((static_cast<unsigned char>(text[b]) & 0xC0) != 0x80) cp[b] = n++;
                        }
                        cp[text.size()] = n;
                        const Json& spans = Arr(e.annotation, "spans");
                        int64_t open = -1;  // index of the span the previous token was in
                        bool line_has_tokens = false;
                        size_t prev_end = 0;
                        for (const auto& [b0, b1] : Tokens(text)) {
                          if (line_has_tokens && text.find('\n', prev_end) < b0) {
                            out += "\n";  // a line break ends the sentence
                            open = -1;
                          }
                          int64_t t0 = cp[b0], t1 = cp[b1];
                          std::string tag = "O";
                          for (size_t k = 0; k < spans.size(); ++k) {
                            int64_t s0 = spans[k].value("start", int64_t{0}), s1 = spans[k].value("end", int64_t{0});
                            if (t0 < s1 && s0 < t1) {
                              tag = (open == static_cast<int64_t>(k) ? "I-" : "B-") + spans[k].value("class", "");
                              open = static_cast<int64_t>(k);
                              break;
                            }
                          }
                          if (tag == "O") open = -1;
                          out += text.substr(b0, b1 - b0) + " -X- -X- " + tag + "\n";
                          line_has_tokens = true;
                          prev_end = b1;
                        }
                        out += "\n";
                      },
                      ""});
  return std::make_unique<SectionExporter>("text/plain; charset=utf-8", "conll2003.txt", "", std::move(sections));
}

std::unique_ptr<Exporter> Squad(std::shared_ptr<Shared> s) {
  std::vector<SectionExporter::Section> sections;
  sections.push_back({s->items.size(),
                      [s](size_t i, std::string& out) {
                        const ExportItem& e = s->items[i];
                        std::string context = e.item.text, question;
                        Json j = Json::parse(e.item.text, nullptr, false);
                        if (j.is_object() && j.contains("context") && j["context"].is_string()) {
                          context = j["context"].get<std::string>();
                          if (j.contains("question") && j["question"].is_string()) question = j["question"].get<std::string>();
                        }
                        Json answers = Json::array();
                        for (const Json& a : Arr(e.annotation, "answers")) {
                          int64_t start = a.value("start", int64_t{0}), end = a.value("end", int64_t{0});
                          answers.push_back({{"text", CodePointSubstr(context, start, end)}, {"answer_start", start}});
                        }
                        Json qa{{"id", e.item.path}, {"question", question}, {"answers", answers}, {"is_impossible", e.annotation.value("impossible", false)}};
                        if (i) out += ',';
                        out += Json{{"title", e.item.path}, {"paragraphs", {{{"context", context}, {"qas", {qa}}}}}}.dump();
                      },
                      "]}\n"});
  return std::make_unique<SectionExporter>("application/json", "squad2.json", "{\"version\":\"v2.0\",\"data\":[", std::move(sections));
}

std::unique_ptr<Exporter> LabelStudio(std::shared_ptr<Shared> s) {
  std::string type = s->spec.value("task_type", "");
  bool image = type == "image_classification" || type == "object_detection" || type == "segmentation";
  std::vector<SectionExporter::Section> sections;
  sections.push_back({s->items.size(),
                      [s, image](size_t i, std::string& out) {
                        const ExportItem& e = s->items[i];
                        double W = static_cast<double>(e.item.width), H = static_cast<double>(e.item.height);
                        Json result = Json::array();
                        const char* to = image ? "image" : "text";
                        auto base = [&](const char* t) {
                          Json r{{"type", t}, {"from_name", "label"}, {"to_name", to}};
                          if (image) r["original_width"] = e.item.width, r["original_height"] = e.item.height;
                          return r;
                        };
                        for (const Json& b : Arr(e.annotation, "boxes")) {
                          Json r = base("rectanglelabels");
                          r["value"] = {{"x", 100 * b.value("x", 0.0) / W}, {"y", 100 * b.value("y", 0.0) / H}, {"width", 100 * b.value("w", 0.0) / W},
                                        {"height", 100 * b.value("h", 0.0) / H}, {"rotation", 0}, {"rectanglelabels", {b.value("class", "")}}};
                          result.push_back(std::move(r));
                        }
                        for (const Json& p : Arr(e.annotation, "polygons")) {
                          Json pts = Json::array();
                          for (const Json& pt : Arr(p, "points")) pts.push_back({100 * pt[0].get<double>() / W, 100 * pt[1].get<double>() / H});
                          Json r = base("polygonlabels");
                          r["value"] = {{"points", pts}, {"polygonlabels", {p.value("class", "")}}};
                          result.push_back(std::move(r));
                        }
                        for (const Json& sp : Arr(e.annotation, "spans")) {
                          Json r = base("labels");
                          int64_t start = sp.value("start", int64_t{0}), end = sp.value("end", int64_t{0});
                          r["value"] = {{"start", start}, {"end", end}, {"text", CodePointSubstr(e.item.text, start, end)}, {"labels", {sp.value("class", "")}}};
                          result.push_back(std::move(r));
                        }
                        if (e.annotation.contains("classes")) {
                          Json r = base("choices");
                          r["value"] = {{"choices", e.annotation["classes"]}};
                          result.push_back(std::move(r));
                        }
                        if (i) out += ',';
                        out += Json{{"id", i + 1}, {"data", {{to, e.item.path}}}, {"annotations", {{{"id", i + 1}, {"result", result}}}}}.dump();
                      },
                      "]\n"});
  return std::make_unique<SectionExporter>("application/json", "labelstudio.json", "[", std::move(sections));
}

std::unique_ptr<Exporter> Csv(std::shared_ptr<Shared> s) {
  std::vector<SectionExporter::Section> sections;
  sections.push_back({s->items.size(),
                      [s](size_t i, std::string& out) {
                        const ExportItem& e = s->items[i];
                        std::string labels;
                        for (const Json& c : Arr(e.annotation, "classes")) labels += (labels.empty() ? "" : ";") + c.get<std::string>();
                        out += CsvField(e.item.path) + "," + CsvField(labels) + "\n";
                      },
                      ""});
  return std::make_unique<SectionExporter>("text/csv; charset=utf-8", "labels.csv", "path,label\n", std::move(sections));
}

std::unique_ptr<Exporter> Jsonl(std::shared_ptr<Shared> s) {
  std::vector<SectionExporter::Section> sections;
  sections.push_back({s->items.size(),
                      [s](size_t i, std::string& out) { out += Json{{"path", s->items[i].item.path}, {"annotation", s->items[i].annotation}}.dump() + "\n"; },
                      ""});
  return std::make_unique<SectionExporter>("application/x-ndjson", "annotations.jsonl", "", std::move(sections));
}

}  // namespace

const std::vector<std::string>& FormatNames() {
  static const std::vector<std::string> kNames = {"coco", "voc", "yolo", "conll2003", "squad2", "labelstudio", "csv", "jsonl"};
  return kNames;
}

Status CheckFormat(const std::string& format, const Json& spec) {
  std::string t = spec.value("task_type", "");
  static const std::map<std::string, std::vector<std::string>> kHolds = {
      {"coco", {"object_detection", "segmentation"}},
      {"voc", {"object_detection"}},
      {"yolo", {"object_detection", "segmentation"}},
      {"conll2003", {"ner"}},
      {"squad2", {"qa"}},
      {"labelstudio", {"image_classification", "text_classification", "object_detection", "segmentation", "ner"}},
      {"csv", {"image_classification", "text_classification"}},
      {"jsonl", {"image_classification", "object_detection", "segmentation", "text_classification", "ner", "qa", "tabular_classification"}}};
  auto it = kHolds.find(format);
  if (it == kHolds.end()) return InvalidArgument("format '" + format + "' is not one of coco, voc, yolo, conll2003, squad2, labelstudio, csv, jsonl");
  if (std::find(it->second.begin(), it->second.end(), t) == it->second.end())
    return InvalidArgument("format '" + format + "' cannot hold " + t + " annotations");
  return Status::Ok();
}

Result<std::unique_ptr<Exporter>> MakeExporter(const std::string& format, const Json& spec, std::vector<ExportItem> items) {
  RETURN_IF_ERROR(CheckFormat(format, spec));
  auto s = MakeShared(spec, std::move(items));
  if (format == "coco") return Coco(s);
  if (format == "voc") return Voc(s);
  if (format == "yolo") return Yolo(s);
  if (format == "conll2003") return Conll(s);
  if (format == "squad2") return Squad(s);
  if (format == "labelstudio") return LabelStudio(s);
  if (format == "csv") return Csv(s);
  return Jsonl(s);
}

}  // namespace moebius::label

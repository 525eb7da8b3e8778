#include "data/analysis.h"

#include <set>

#include <algorithm>
#include <cmath>
#include <map>

#include "base/strings.h"
#include "data/dictionary.h"
#include "data/image/image.h"
#include "data/refine_images.h"
#include "data/table/column_stats.h"
#include "data/table/table_reader.h"
#include "transform/fit.h"
#include "transform/selection.h"
#include "transform/transformer.h"

namespace moebius::data {
namespace {

constexpr size_t kExamples = 5;

transform::Table ToTransformTable(const Table& t, const std::string& skip) {
  transform::Table out;
  for (const auto& c : t.columns()) {
    if (c.name == skip) continue;
    Status st = c.type == ColumnType::kString ? out.AddString(c.name, c.strings) : out.AddNumeric(c.name, c.numbers);
    (void)st;  // names are unique and lengths equal: they come from one Table
  }
  return out;
}

struct Finding {
  int64_t count = 0;
  std::vector<std::string> examples;
  void Add(const std::string& path) {
    ++count;
    if (examples.size() < kExamples) examples.push_back(path);
  }
};

// What decoding said about one image item.
struct ImageCheck {
  Status status;
  image::ImageInfo info;  // header dimensions even when the decode failed, if the header reads
};

// Probes every image (a full decode) on a few threads: decoding dominates the quality report of
// an image dataset. Holds one image per thread in memory.
Result<std::vector<ImageCheck>> CheckImages(store::BlobStore& blobs, const std::vector<const ManifestEntry*>& images) {
  std::vector<ImageCheck> out(images.size());
  std::vector<Status> read_errors(images.size());
  ParallelFor(images.size(), [&](size_t i) {
    auto bytes = blobs.Get(images[i]->sha256);
    if (!bytes.ok()) {
      read_errors[i] = bytes.status();
      return;
    }
    auto probe = image::Probe(*bytes);
    if (probe.ok()) {
      out[i].info = *probe;
    } else if (probe.status().code() == StatusCode::kUnavailable) {
      read_errors[i] = probe.status();  // no image module: the server, not the image, is at fault
    } else {
      out[i].status = probe.status();
      if (auto header = image::ReadHeader(*bytes); header.ok()) out[i].info = *header;
    }
  });
  for (const Status& st : read_errors) RETURN_IF_ERROR(st);
  return out;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Image findings and summary: undecodable images (with the decoder's reason), and images whose
// pixel area lies beyond 3 IQR of the others' or whose aspect ratio is an outlier (log aspect
// beyond 3 IQR and more than 2× off the median, so that a uniform dataset's small variations are
// not flagged). Outliers need at least 8 measured images.
Json ImageReport(const std::vector<const ManifestEntry*>& images, const std::vector<ImageCheck>& checks, Finding& undecodable,
                 Finding& outliers, Json& details) {
  std::map<std::string, int64_t> formats;
  std::vector<double> widths, heights, areas, aspects;
  std::vector<size_t> measured;
  int64_t decoded = 0, unsupported = 0;
  for (size_t i = 0; i < images.size(); ++i) {
    const ImageCheck& c = checks[i];
    if (!c.info.format.empty()) ++formats[c.info.format];
    if (c.status.ok()) {
      ++decoded;
    } else if (c.status.code() == StatusCode::kFailedPrecondition) {
      ++unsupported;  // e.g. GIF: readable header, no decoder in this build
    } else {
      undecodable.Add(images[i]->path);
      if (details.size() < kExamples) details.push_back({{"path", images[i]->path}, {"error", c.status.message()}});
    }
    if (c.info.width > 0) {
      measured.push_back(i);
      widths.push_back(c.info.width);
      heights.push_back(c.info.height);
      areas.push_back(static_cast<double>(c.info.width) * c.info.height);
      aspects.push_back(std::log(static_cast<double>(c.info.width) / c.info.height));
    }
  }
  if (measured.size() >= 8) {
    auto bounds = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      double q1 = v[(v.size() - 1) / 4], q3 = v[3 * (v.size() - 1) / 4];
      return std::make_pair(q1 - 3 * (q3 - q1), q3 + 3 * (q3 - q1));
    };
    auto [alo, ahi] = bounds(areas);
    auto [rlo, rhi] = bounds(aspects);
    double rmed = Median(aspects);
    for (size_t k = 0; k < measured.size(); ++k) {
      bool area_out = areas[k] < alo || areas[k] > ahi;
      bool aspect_out = (aspects[k] < rlo || aspects[k] > rhi) && std::abs(aspects[k] - rmed) > std::log(2.0);
      if (area_out || aspect_out)
        outliers.Add(images[measured[k]]->path + " (" + std::to_string(static_cast<int>(widths[k])) + "x" +
                     std::to_string(static_cast<int>(heights[k])) + ")");
    }
  }
  auto range = [](const std::vector<double>& v) -> Json {
    if (v.empty()) return nullptr;
    auto i = [](double x) { return static_cast<int64_t>(x); };  // pixel counts: whole numbers
    return {{"min", i(*std::min_element(v.begin(), v.end()))}, {"median", i(Median(v))}, {"max", i(*std::max_element(v.begin(), v.end()))}};
  };
  return Json{{"count", images.size()}, {"decoded", decoded}, {"undecodable", undecodable.count}, {"unsupported", unsupported},
              {"formats", formats}, {"width", range(widths)}, {"height", range(heights)}};
}

}  // namespace

Result<std::pair<std::string, Table>> ReadTableItem(store::BlobStore& blobs, const std::vector<ManifestEntry>& items,
                                                     const std::string& path) {
  for (const auto& e : items) {
    auto format = FormatFromPath(e.path);
    if (!format || (!path.empty() && e.path != path) || (path.empty() && IsDictionaryPath(e.path))) continue;
    ASSIGN_OR_RETURN(std::string bytes, blobs.Get(e.sha256));
    ASSIGN_OR_RETURN(Table t, ReadTableFromBuffer(bytes, ReadOptions{*format, e.path, {}}));
    return std::make_pair(e.path, std::move(t));
  }
  return path.empty() ? NotFound("the version has no table item (CSV, TSV or JSONL)") : NotFound("no table item '" + path + "' in the version");
}

namespace {

// Why a feature should not be ranked as important (issue 17, item 9), or "" when none:
//  - "identifier": every value present and distinct (string or int columns of 20+ rows) — it
//    names rows, it does not describe them, and any model can memorize it;
//  - "leakage": the feature alone predicts the label almost perfectly (99% of rows by its
//    majority label per value, or per one of 20 equal-frequency bins of a number, where the
//    label's majority class is under 95%; |Pearson r| >= 0.99 for a numeric label) — it most
//    likely carries the label itself (a refund issued because the customer left).
std::string SuspectFeature(const Column& c, const Column& label) {
  const size_t n = c.size();
  if (n < 20 || label.size() != n) return "";
  if (c.type == ColumnType::kString || c.type == ColumnType::kInt) {
    std::set<std::string> seen;
    bool unique = true;
    for (size_t r = 0; r < n && unique; ++r) {
      auto t = c.Text(r);
      unique = t && seen.insert(*t).second;
    }
    if (unique) return "identifier";
  }
  const bool categorical = label.type == ColumnType::kString || label.type == ColumnType::kBool;
  if (!categorical) {
    if (!IsNumeric(c.type)) return "";
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, m = 0;
    for (size_t r = 0; r < n; ++r) {
      double x = c.numbers[r], y = label.numbers[r];
      if (std::isnan(x) || std::isnan(y)) continue;
      sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, ++m;
    }
    if (m < 20) return "";
    double cov = sxy / m - sx / m * sy / m, vx = sxx / m - sx / m * sx / m, vy = syy / m - sy / m * sy / m;
    return vx > 0 && vy > 0 && std::fabs(cov / std::sqrt(vx * vy)) >= 0.99 ? "leakage" : "";
  }
  // Groups of the feature: its values, or 20 equal-frequency bins of a number.
  std::vector<std::string> group(n);
  if (IsNumeric(c.type) && c.type != ColumnType::kBool) {
    std::vector<double> v;
    for (double x : c.numbers)
      if (!std::isnan(x)) v.push_back(x);
    if (v.size() < 20) return "";
    std::sort(v.begin(), v.end());
    std::vector<double> cuts;
    for (int b = 1; b < 20; ++b) cuts.push_back(v[v.size() * b / 20]);
    for (size_t r = 0; r < n; ++r)
      group[r] = std::isnan(c.numbers[r]) ? "\x1e" : std::to_string(std::upper_bound(cuts.begin(), cuts.end(), c.numbers[r]) - cuts.begin());
  } else {
    for (size_t r = 0; r < n; ++r) group[r] = c.Text(r).value_or("\x1e");
  }
  std::map<std::string, std::map<std::string, size_t>> counts;
  std::map<std::string, size_t> classes;
  size_t rows = 0;
  for (size_t r = 0; r < n; ++r) {
    auto y = label.Text(r);
    if (!y) continue;
    ++counts[group[r]][*y];
    ++classes[*y];
    ++rows;
  }
  if (rows < 20 || classes.size() < 2) return "";
  size_t majority = 0, right = 0;
  for (const auto& [k, v] : classes) majority = std::max(majority, v);
  for (const auto& [g, by] : counts) {
    size_t best = 0;
    for (const auto& [k, v] : by) best = std::max(best, v);
    right += best;
  }
  const double base = static_cast<double>(majority) / static_cast<double>(rows);
  const double alone = static_cast<double>(right) / static_cast<double>(rows);
  // A feature with about as many groups as rows predicts "perfectly" by memorizing: not leakage.
  return base < 0.95 && alone >= 0.99 && counts.size() * 2 < rows ? "leakage" : "";
}

}  // namespace

Result<Json> AnalyzeTable(const Table& table, const std::string& label, int bins) {
  StatsOptions options;
  options.histogram_bins = bins;
  options.label = label;
  options.threads = 2;
  ASSIGN_OR_RETURN(TableStats stats, ComputeStats(table, options));
  Json out = ToJson(stats);
  if (label.empty()) return out;
  const Column* lc = table.Find(label);
  if (!lc) return InvalidArgument("no label column '" + label + "'");
  // Features: numeric columns as they are (missing → mean), text columns as vocabulary ids.
  Json config{{"columns", Json::array()}};
  for (const auto& c : table.columns()) {
    if (c.name == label) continue;
    if (c.type == ColumnType::kString)
      config["columns"].push_back({{"column", c.name}, {"steps", {{{"kind", "vocabulary"}, {"top_k", 1000}}}}});
    else
      config["columns"].push_back({{"column", c.name}, {"steps", {{{"kind", "impute"}, {"strategy", "mean"}}}}});
  }
  if (config["columns"].empty()) return out;
  ASSIGN_OR_RETURN(auto cfg, transform::TransformConfig::FromJson(config));
  transform::Table tt = ToTransformTable(table, label);
  ASSIGN_OR_RETURN(auto spec, transform::Fit(cfg, tt));
  ASSIGN_OR_RETURN(auto tf, transform::Transformer::Create(spec));
  ASSIGN_OR_RETURN(auto matrix, tf.ApplyTable(tt));
  std::vector<double> y(table.num_rows());
  transform::ImportanceOptions io;
  if (lc->type == ColumnType::kString) {
    io.label = transform::LabelKind::kCategorical;
    std::map<std::string, double> ids;
    for (size_t r = 0; r < y.size(); ++r) {
      if (!lc->strings[r]) {
        y[r] = std::nan("");
        continue;
      }
      auto [it, fresh] = ids.emplace(*lc->strings[r], static_cast<double>(ids.size()));
      y[r] = it->second;
    }
  } else {
    io.label = lc->type == ColumnType::kBool ? transform::LabelKind::kCategorical : transform::LabelKind::kNumeric;
    y = lc->numbers;
  }
  ASSIGN_OR_RETURN(auto ranked, transform::RankFeatures(matrix, y, io));
  // Identifiers and likely leakage are listed after the ranked features, with why, instead of
  // at the top of the ranking.
  Json importance = Json::array(), suspects = Json::array();
  for (const auto& f : ranked) {
    Json j{{"feature", f.feature}, {"score", std::isfinite(f.score) ? Json(f.score) : Json(nullptr)},
           {"method", transform::ImportanceMethodName(f.method)}};
    // A text column's feature is its vocabulary ids, named <column>_index.
    const Column* fc = table.Find(f.feature);
    if (!fc && f.feature.size() > 6 && f.feature.compare(f.feature.size() - 6, 6, "_index") == 0)
      fc = table.Find(f.feature.substr(0, f.feature.size() - 6));
    std::string why = fc ? SuspectFeature(*fc, *lc) : "";
    if (why.empty()) {
      importance.push_back(std::move(j));
    } else {
      j["flag"] = why;
      suspects.push_back(std::move(j));
    }
  }
  for (auto& j : suspects) importance.push_back(std::move(j));
  out["importance"] = importance;
  return out;
}

Result<Json> ItemQuality(store::BlobStore& blobs, const std::vector<ManifestEntry>& items, const std::string& domain) {
  Finding empty, duplicate, size_outlier, bad_text, empty_text, long_text, short_text, unknown_image, image_outlier;
  std::vector<const ManifestEntry*> images;
  std::map<std::string, std::string> first_of;
  std::vector<double> sizes;
  for (const auto& e : items) sizes.push_back(static_cast<double>(e.size));
  std::vector<double> sorted = sizes;
  std::sort(sorted.begin(), sorted.end());
  auto q = [&](double p) { return sorted.empty() ? 0.0 : sorted[static_cast<size_t>(p * static_cast<double>(sorted.size() - 1))]; };
  double q1 = q(0.25), q3 = q(0.75), lo = q1 - 3 * (q3 - q1), hi = q3 + 3 * (q3 - q1);
  std::vector<std::pair<std::string, double>> text_lengths;
  for (const auto& e : items) {
    bool expected_empty = (domain == "vision" || domain == "multimodal") && !IsImagePath(e.path);  // YOLO's empty label files
    if (e.size == 0 && !expected_empty) empty.Add(e.path);
    auto [it, fresh] = first_of.emplace(e.sha256, e.path);
    if (!fresh) duplicate.Add(e.path + " = " + it->second);
    if (sorted.size() >= 8 && (static_cast<double>(e.size) < lo || static_cast<double>(e.size) > hi)) size_outlier.Add(e.path);
    std::string lower = ToLower(e.path);
    bool texty = EndsWith(lower, ".txt") || EndsWith(lower, ".md") || domain == "language";
    if (texty && !FormatFromPath(e.path)) {
      ASSIGN_OR_RETURN(std::string bytes, blobs.Get(e.sha256));
      if (!IsValidUtf8(bytes)) bad_text.Add(e.path);
      else if (Trim(bytes).empty()) empty_text.Add(e.path);
      else text_lengths.push_back({e.path, static_cast<double>(bytes.size())});
    }
    if ((domain == "vision" || domain == "multimodal") && IsImagePath(e.path)) images.push_back(&e);
  }
  Json image_summary, image_details = Json::array();
  if (!images.empty()) {
    ASSIGN_OR_RETURN(auto checks, CheckImages(blobs, images));
    image_summary = ImageReport(images, checks, unknown_image, image_outlier, image_details);
  }
  if (text_lengths.size() >= 8) {
    std::vector<double> l;
    for (const auto& [p, n] : text_lengths) l.push_back(n);
    std::sort(l.begin(), l.end());
    double t1 = l[l.size() / 4], t3 = l[3 * l.size() / 4];
    for (const auto& [p, n] : text_lengths) {
      if (n > t3 + 3 * (t3 - t1)) long_text.Add(p);
      if (n < t1 - 3 * (t3 - t1)) short_text.Add(p);
    }
  }
  Json findings = Json::array();
  auto add = [&](const char* kind, const Finding& f, const char* what) {
    if (f.count) findings.push_back({{"kind", kind}, {"count", f.count}, {"examples", f.examples}, {"message", what}});
  };
  add("empty_items", empty, "items with no bytes");
  add("duplicate_items", duplicate, "items whose content equals an earlier item's");
  add("size_outliers", size_outlier, "items far outside the usual size (beyond 3 IQR)");
  add("bad_encoding", bad_text, "texts that are not valid UTF-8");
  add("empty_texts", empty_text, "texts with only whitespace");
  add("long_texts", long_text, "texts of outlying length (long)");
  add("short_texts", short_text, "texts of outlying length (short)");
  add("undecodable_images", unknown_image, "images that do not decode (not an image, corrupt or truncated)");
  if (unknown_image.count) findings.back()["details"] = image_details;
  add("image_size_outliers", image_outlier, "images whose pixel area (beyond 3 IQR) or aspect ratio is far from the others'");
  Json out{{"items", items.size()}, {"findings", findings}, {"ok", findings.empty()}};
  if (!image_summary.is_null()) out["images"] = image_summary;
  return out;
}

Result<std::pair<Json, std::string>> FitTransform(const Table& table, const Json& config) {
  ASSIGN_OR_RETURN(auto cfg, transform::TransformConfig::FromJson(config));
  ASSIGN_OR_RETURN(auto spec, transform::Fit(cfg, ToTransformTable(table, "")));
  return std::make_pair(spec.ToJson(), spec.Hash());
}

}  // namespace moebius::data

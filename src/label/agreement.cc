#include "label/agreement.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace moebius::label {
namespace {

Json OptNumber(const std::optional<double>& v) { return v && std::isfinite(*v) ? Json(*v) : Json(nullptr); }

// Row intervals [x0, x1) of the pixel columns whose centres lie inside the polygon, per row.
std::map<int64_t, std::vector<std::pair<int64_t, int64_t>>> Rasterize(const Polygon& p) {
  std::map<int64_t, std::vector<std::pair<int64_t, int64_t>>> rows;
  if (p.points.size() < 3) return rows;
  double ymin = p.points[0].second, ymax = ymin;
  for (const auto& [x, y] : p.points) ymin = std::min(ymin, y), ymax = std::max(ymax, y);
  std::vector<double> xs;
  for (int64_t row = static_cast<int64_t>(std::floor(ymin)); row <= static_cast<int64_t>(std::ceil(ymax)); ++row) {
    double cy = row + 0.5;
    xs.clear();
    for (size_t i = 0, j = p.points.size() - 1; i < p.points.size(); j = i++) {
      auto [x0, y0] = p.points[j];
      auto [x1, y1] = p.points[i];
      if ((y0 <= cy) != (y1 <= cy)) xs.push_back(x0 + (cy - y0) * (x1 - x0) / (y1 - y0));
    }
    std::sort(xs.begin(), xs.end());
    for (size_t k = 0; k + 1 < xs.size(); k += 2) {
      // Columns c with xs[k] <= c + 0.5 < xs[k+1].
      int64_t c0 = static_cast<int64_t>(std::ceil(xs[k] - 0.5));
      int64_t c1 = static_cast<int64_t>(std::ceil(xs[k + 1] - 0.5));
      if (c1 > c0) rows[row].push_back({c0, c1});
    }
  }
  return rows;
}

int64_t IntervalsArea(const std::vector<std::pair<int64_t, int64_t>>& v) {
  int64_t n = 0;
  for (const auto& [a, b] : v) n += b - a;
  return n;
}

int64_t IntervalsOverlap(const std::vector<std::pair<int64_t, int64_t>>& a, const std::vector<std::pair<int64_t, int64_t>>& b) {
  int64_t n = 0;
  for (const auto& [a0, a1] : a)
    for (const auto& [b0, b1] : b) n += std::max<int64_t>(0, std::min(a1, b1) - std::max(a0, b0));
  return n;
}

// The 1-runs of an RLE as [start, end) offsets.
std::vector<std::pair<int64_t, int64_t>> OnesOf(const RleMask& m) {
  std::vector<std::pair<int64_t, int64_t>> out;
  int64_t at = 0;
  for (size_t i = 0; i < m.counts.size(); ++i) {
    if (i % 2 == 1 && m.counts[i] > 0) out.push_back({at, at + m.counts[i]});
    at += m.counts[i];
  }
  return out;
}

std::vector<std::string> Tokens(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(NormalizeAnswer(s));
  std::string t;
  while (in >> t) out.push_back(t);
  return out;
}

std::vector<Box> BoxesOf(const Json& a) {
  std::vector<Box> out;
  for (const Json& b : a.value("boxes", Json::array()))
    out.push_back({b.value("class", ""), b.value("x", 0.0), b.value("y", 0.0), b.value("w", 0.0), b.value("h", 0.0)});
  return out;
}

std::vector<Polygon> PolygonsOf(const Json& a) {
  std::vector<Polygon> out;
  for (const Json& p : a.value("polygons", Json::array())) {
    Polygon poly{p.value("class", ""), {}};
    for (const Json& pt : p.value("points", Json::array()))
      if (pt.is_array() && pt.size() == 2) poly.points.push_back({pt[0].get<double>(), pt[1].get<double>()});
    out.push_back(std::move(poly));
  }
  return out;
}

std::vector<RleMask> MasksOf(const Json& a) {
  std::vector<RleMask> out;
  for (const Json& m : a.value("masks", Json::array())) {
    const Json& rle = m.value("rle", Json::object());
    RleMask r{m.value("class", ""), 0, 0, {}};
    if (rle.contains("size") && rle["size"].size() == 2) r.height = rle["size"][0].get<int64_t>(), r.width = rle["size"][1].get<int64_t>();
    for (const Json& c : rle.value("counts", Json::array())) r.counts.push_back(c.get<int64_t>());
    out.push_back(std::move(r));
  }
  return out;
}

struct Span {
  std::string cls;
  int64_t start, end;
  bool operator<(const Span& o) const { return std::tie(cls, start, end) < std::tie(o.cls, o.start, o.end); }
};

std::vector<Span> SpansOf(const Json& a) {
  std::vector<Span> out;
  for (const Json& s : a.value("spans", Json::array())) out.push_back({s.value("class", ""), s.value("start", int64_t{0}), s.value("end", int64_t{0})});
  std::sort(out.begin(), out.end());
  return out;
}

std::string AnswerOf(const Json& a) {
  if (a.value("impossible", false)) return "";
  const Json& answers = a.value("answers", Json::array());
  if (answers.empty()) return "";
  return answers[0].value("text", "");
}

// Object-matching counts of two annotations, in total and per class.
void MatchObjects(const std::string& type, const Json& a, const Json& b, double threshold, MatchCounts* total,
                  std::map<std::string, MatchCounts>* per_class) {
  auto count = [&](const auto& xs, const auto& ys, auto&& iou) {
    std::set<std::string> classes;
    for (const auto& x : xs) classes.insert(x.cls);
    for (const auto& y : ys) classes.insert(y.cls);
    for (const std::string& c : classes) {
      std::vector<size_t> ia, ib;
      for (size_t i = 0; i < xs.size(); ++i)
        if (xs[i].cls == c) ia.push_back(i);
      for (size_t j = 0; j < ys.size(); ++j)
        if (ys[j].cls == c) ib.push_back(j);
      MatchCounts m = GreedyMatch(ia.size(), ib.size(), threshold, [&](size_t i, size_t j) { return iou(xs[ia[i]], ys[ib[j]]); });
      total->Add(m);
      (*per_class)[c].Add(m);
    }
  };
  if (type == "object_detection") {
    count(BoxesOf(a), BoxesOf(b), BoxIoU);
  } else if (type == "segmentation") {
    count(PolygonsOf(a), PolygonsOf(b), PolygonIoU);
    count(MasksOf(a), MasksOf(b), MaskIoU);
  } else {  // ner: exact spans
    std::vector<Span> sa = SpansOf(a), sb = SpansOf(b);
    std::map<std::string, MatchCounts> local;
    for (const Span& s : sa) ++local[s.cls].a;
    for (const Span& s : sb) ++local[s.cls].b;
    std::vector<Span> common;
    std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(common));
    for (const Span& s : common) ++local[s.cls].matched;
    for (const auto& [c, m] : local) {
      total->Add(m);
      (*per_class)[c].Add(m);
    }
  }
}

std::string Summary(const std::string& type, const Json& a) {
  if (type == "object_detection") return std::to_string(a.value("boxes", Json::array()).size()) + " boxes";
  if (type == "segmentation")
    return std::to_string(a.value("polygons", Json::array()).size()) + " polygons, " + std::to_string(a.value("masks", Json::array()).size()) + " masks";
  if (type == "ner") return std::to_string(a.value("spans", Json::array()).size()) + " spans";
  if (type == "qa") return a.value("impossible", false) ? "(impossible)" : AnswerOf(a);
  return "";
}

Json ClassificationReport(const Json& spec, const std::vector<std::string>& labelers, const std::map<int64_t, std::vector<const Annotated*>>& by_item,
                          const std::map<std::string, size_t>& labeler_index, const AgreementOptions& opt) {
  std::string type = spec.value("task_type", "");
  bool multi = spec.value("multi_label", false);
  std::vector<std::string> classes;
  for (const Json& c : spec.value("classes", Json::array())) classes.push_back(c.value("name", ""));
  std::map<std::string, int> class_index;
  for (size_t i = 0; i < classes.size(); ++i) class_index[classes[i]] = static_cast<int>(i);
  std::vector<std::string> categories = multi ? std::vector<std::string>{"absent", "present"} : classes;
  size_t K = categories.size();
  // A unit: an item (single label), an item's class (multi-label) or an item's row (tables).
  struct Unit {
    int64_t item;
    std::string path;
    std::string sub;  // class (multi-label) or row
    std::string cls;  // multi-label: the class this unit is about
    std::vector<std::pair<size_t, int>> ratings;  // (labeler, category)
  };
  std::vector<Unit> units;
  for (const auto& [item, anns] : by_item) {
    if (anns.size() < 2) continue;
    if (type == "tabular_classification") {
      std::map<size_t, Unit> rows;
      for (const Annotated* a : anns) {
        const Json& r = a->annotation.value("rows", Json::array());
        for (size_t i = 0; i < r.size(); ++i) {
          if (!r[i].is_string() || !class_index.count(r[i].get<std::string>())) continue;
          Unit& u = rows[i];
          u.item = item, u.path = a->path, u.sub = "row " + std::to_string(i);
          u.ratings.push_back({labeler_index.at(a->labeler), class_index[r[i].get<std::string>()]});
        }
      }
      for (auto& [i, u] : rows) units.push_back(std::move(u));
    } else if (multi) {
      for (const std::string& c : classes) {
        Unit u{item, anns[0]->path, c, c, {}};
        for (const Annotated* a : anns) {
          const Json& cs = a->annotation.value("classes", Json::array());
          bool present = std::find(cs.begin(), cs.end(), Json(c)) != cs.end();
          u.ratings.push_back({labeler_index.at(a->labeler), present ? 1 : 0});
        }
        units.push_back(std::move(u));
      }
    } else {
      Unit u{item, anns[0]->path, "", "", {}};
      for (const Annotated* a : anns) {
        const Json& cs = a->annotation.value("classes", Json::array());
        if (cs.size() == 1 && cs[0].is_string() && class_index.count(cs[0].get<std::string>()))
          u.ratings.push_back({labeler_index.at(a->labeler), class_index[cs[0].get<std::string>()]});
      }
      units.push_back(std::move(u));
    }
  }
  std::vector<std::vector<int64_t>> counts;
  size_t L = labelers.size();
  std::vector<std::vector<std::pair<std::vector<int>, std::vector<int>>>> pair_ratings(L, std::vector<std::pair<std::vector<int>, std::vector<int>>>(L));
  Json disagreements = Json::array();
  int64_t disagreement_count = 0, compared = 0;
  std::set<int64_t> items_compared;
  for (const Unit& u : units) {
    if (u.ratings.size() < 2) continue;
    ++compared;
    items_compared.insert(u.item);
    std::vector<int64_t> row(K, 0);
    for (const auto& [l, c] : u.ratings) ++row[c];
    counts.push_back(std::move(row));
    for (size_t i = 0; i < u.ratings.size(); ++i)
      for (size_t j = i + 1; j < u.ratings.size(); ++j) {
        auto [li, ci] = u.ratings[i];
        auto [lj, cj] = u.ratings[j];
        if (li > lj) std::swap(li, lj), std::swap(ci, cj);
        pair_ratings[li][lj].first.push_back(ci);
        pair_ratings[li][lj].second.push_back(cj);
      }
    bool all_same = std::all_of(u.ratings.begin(), u.ratings.end(), [&](const auto& r) { return r.second == u.ratings[0].second; });
    if (!all_same) {
      ++disagreement_count;
      if (disagreements.size() < opt.max_disagreements) {
        Json labels = Json::object();
        for (const auto& [l, c] : u.ratings) labels[labelers[l]] = categories[c];
        Json d{{"item_id", u.item}, {"path", u.path}, {"labels", labels}};
        if (!u.sub.empty()) d["unit"] = u.sub;
        disagreements.push_back(std::move(d));
      }
    }
  }
  // Pairs and labelers.
  Json pairs = Json::array();
  std::vector<std::vector<double>> kappas_of(L);
  std::vector<int64_t> agree_of(L, 0), n_of(L, 0);
  int64_t agree_total = 0, pair_total = 0;
  for (size_t i = 0; i < L; ++i)
    for (size_t j = i + 1; j < L; ++j) {
      const auto& [a, b] = pair_ratings[i][j];
      if (a.empty()) continue;
      int64_t agree = 0;
      for (size_t k = 0; k < a.size(); ++k) agree += a[k] == b[k];
      std::optional<double> kappa = CohenKappa(a, b);
      if (kappa) kappas_of[i].push_back(*kappa), kappas_of[j].push_back(*kappa);
      agree_of[i] += agree, agree_of[j] += agree;
      n_of[i] += a.size(), n_of[j] += a.size();
      agree_total += agree, pair_total += a.size();
      pairs.push_back({{"a", labelers[i]}, {"b", labelers[j]}, {"units", a.size()}, {"cohen_kappa", OptNumber(kappa)},
                       {"accuracy", static_cast<double>(agree) / static_cast<double>(a.size())}});
    }
  Json per_labeler = Json::array();
  for (size_t i = 0; i < L; ++i) {
    if (n_of[i] == 0) continue;
    std::optional<double> mean;
    if (!kappas_of[i].empty()) {
      double s = 0;
      for (double k : kappas_of[i]) s += k;
      mean = s / kappas_of[i].size();
    }
    per_labeler.push_back({{"labeler", labelers[i]}, {"units", n_of[i]}, {"mean_cohen_kappa", OptNumber(mean)},
                           {"accuracy", static_cast<double>(agree_of[i]) / static_cast<double>(n_of[i])}});
  }
  // Per class: one-vs-rest (single label, rows), or the class's own units (multi-label).
  Json per_class = Json::array();
  for (size_t c = 0; c < classes.size(); ++c) {
    std::vector<std::vector<int64_t>> binary;
    int64_t uses = 0;
    if (multi) {
      size_t k = 0;
      for (const Unit& u : units) {
        if (u.ratings.size() < 2) continue;
        if (u.cls == classes[c]) binary.push_back(counts[k]), uses += counts[k][1];
        ++k;
      }
    } else {
      for (const auto& row : counts) {
        int64_t n = 0;
        for (int64_t x : row) n += x;
        binary.push_back({n - row[c], row[c]});
        uses += row[c];
      }
    }
    per_class.push_back({{"class", classes[c]}, {"ratings", uses}, {"fleiss_kappa", OptNumber(FleissKappa(binary))}});
  }
  double mean_kappa = 0;
  int64_t nk = 0;
  for (const Json& p : pairs)
    if (p["cohen_kappa"].is_number()) mean_kappa += p["cohen_kappa"].get<double>(), ++nk;
  Json overall{{"units", compared},
               {"fleiss_kappa", OptNumber(FleissKappa(counts))},
               {"krippendorff_alpha", OptNumber(KrippendorffAlphaNominal(counts))},
               {"mean_cohen_kappa", nk ? Json(mean_kappa / nk) : Json(nullptr)},
               {"accuracy", pair_total ? Json(static_cast<double>(agree_total) / pair_total) : Json(nullptr)}};
  Json hlp = pair_total ? Json{{"metric", "accuracy"}, {"value", static_cast<double>(agree_total) / pair_total}} : Json(nullptr);
  return Json{{"items_compared", items_compared.size()}, {"overall", overall}, {"pairs", pairs}, {"per_labeler", per_labeler},
              {"per_class", per_class}, {"disagreements", disagreements}, {"disagreement_count", disagreement_count}, {"hlp", hlp}};
}

Json MatchReport(const std::string& type, const std::vector<std::string>& labelers, const std::map<int64_t, std::vector<const Annotated*>>& by_item,
                 const std::map<std::string, size_t>& labeler_index, const AgreementOptions& opt) {
  size_t L = labelers.size();
  bool qa = type == "qa";
  struct Acc {
    MatchCounts m;
    double em = 0, f1 = 0;
    int64_t n = 0;
  };
  std::vector<std::vector<Acc>> pair(L, std::vector<Acc>(L));
  std::vector<Acc> per_labeler(L);
  Acc total;
  std::map<std::string, MatchCounts> per_class;
  Json disagreements = Json::array();
  int64_t disagreement_count = 0, items_compared = 0;
  for (const auto& [item, anns] : by_item) {
    if (anns.size() < 2) continue;
    ++items_compared;
    Acc item_acc;
    for (size_t i = 0; i < anns.size(); ++i)
      for (size_t j = i + 1; j < anns.size(); ++j) {
        size_t li = labeler_index.at(anns[i]->labeler), lj = labeler_index.at(anns[j]->labeler);
        if (li > lj) std::swap(li, lj);
        Acc x;
        if (qa) {
          std::string a = AnswerOf(anns[i]->annotation), b = AnswerOf(anns[j]->annotation);
          x.em = AnswerExactMatch(a, b);
          x.f1 = AnswerTokenF1(a, b);
          x.n = 1;
        } else {
          MatchObjects(type, anns[i]->annotation, anns[j]->annotation, opt.iou_threshold, &x.m, &per_class);
          x.n = 1;
        }
        for (Acc* acc : {&pair[li][lj], &per_labeler[li], &per_labeler[lj], &total, &item_acc}) {
          acc->m.Add(x.m);
          acc->em += x.em, acc->f1 += x.f1, acc->n += x.n;
        }
      }
    bool disagree = qa ? item_acc.em < item_acc.n : item_acc.m.matched * 2 < item_acc.m.a + item_acc.m.b;
    if (disagree) {
      ++disagreement_count;
      if (disagreements.size() < opt.max_disagreements) {
        Json labels = Json::object();
        for (const Annotated* a : anns) labels[a->labeler] = Summary(type, a->annotation);
        Json d{{"item_id", item}, {"path", anns[0]->path}, {"labels", labels}};
        d[qa ? "token_f1" : "f1"] = qa ? item_acc.f1 / item_acc.n : item_acc.m.F1();
        disagreements.push_back(std::move(d));
      }
    }
  }
  auto metrics = [&](const Acc& a) {
    Json j{{"comparisons", a.n}};
    if (qa) {
      j["exact_match"] = a.n ? Json(a.em / a.n) : Json(nullptr);
      j["token_f1"] = a.n ? Json(a.f1 / a.n) : Json(nullptr);
    } else {
      j["f1"] = a.n ? Json(a.m.F1()) : Json(nullptr);
      j["matched"] = a.m.matched;
      j["objects"] = a.m.a + a.m.b;
    }
    return j;
  };
  Json pairs = Json::array();
  for (size_t i = 0; i < L; ++i)
    for (size_t j = i + 1; j < L; ++j)
      if (pair[i][j].n) {
        Json p = metrics(pair[i][j]);
        p["a"] = labelers[i], p["b"] = labelers[j];
        pairs.push_back(std::move(p));
      }
  Json labeler_rows = Json::array();
  for (size_t i = 0; i < L; ++i)
    if (per_labeler[i].n) {
      Json l = metrics(per_labeler[i]);
      l["labeler"] = labelers[i];
      labeler_rows.push_back(std::move(l));
    }
  Json class_rows = Json::array();
  for (const auto& [c, m] : per_class) class_rows.push_back({{"class", c}, {"f1", m.F1()}, {"matched", m.matched}, {"objects", m.a + m.b}});
  Json hlp = nullptr;
  if (total.n) {
    if (qa) hlp = Json{{"metric", "token_f1"}, {"value", total.f1 / total.n}, {"exact_match", total.em / total.n}};
    else hlp = Json{{"metric", type == "ner" ? "span_f1" : "f1"}, {"value", total.m.F1()}};
  }
  Json overall = metrics(total);
  return Json{{"items_compared", items_compared}, {"overall", overall}, {"pairs", pairs}, {"per_labeler", labeler_rows},
              {"per_class", class_rows}, {"disagreements", disagreements}, {"disagreement_count", disagreement_count}, {"hlp", hlp}};
}

}  // namespace

std::optional<double> CohenKappa(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.size() != b.size() || a.empty()) return std::nullopt;
  int k = 0;
  for (size_t i = 0; i < a.size(); ++i) k = std::max({k, a[i] + 1, b[i] + 1});
  std::vector<double> ra(k, 0), rb(k, 0);
  double agree = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ++ra[a[i]], ++rb[b[i]];
    agree += a[i] == b[i];
  }
  double n = static_cast<double>(a.size());
  double po = agree / n, pe = 0;
  for (int c = 0; c < k; ++c) pe += (ra[c] / n) * (rb[c] / n);
  if (pe >= 1.0) return std::nullopt;
  return (po - pe) / (1.0 - pe);
}

std::optional<double> FleissKappa(const std::vector<std::vector<int64_t>>& counts) {
  if (counts.empty()) return std::nullopt;
  size_t K = counts[0].size();
  std::vector<double> totals(K, 0);
  double sum_p = 0, sum_n = 0;
  int64_t units = 0;
  for (const auto& row : counts) {
    double n = 0, sq = 0;
    for (size_t c = 0; c < K; ++c) n += row[c], sq += static_cast<double>(row[c]) * row[c];
    if (n < 2) continue;
    for (size_t c = 0; c < K; ++c) totals[c] += row[c];
    sum_p += (sq - n) / (n * (n - 1));
    sum_n += n;
    ++units;
  }
  if (units == 0) return std::nullopt;
  double p_bar = sum_p / units, pe = 0;
  for (double t : totals) pe += (t / sum_n) * (t / sum_n);
  if (pe >= 1.0) return std::nullopt;
  return (p_bar - pe) / (1.0 - pe);
}

std::optional<double> KrippendorffAlphaNominal(const std::vector<std::vector<int64_t>>& counts) {
  if (counts.empty()) return std::nullopt;
  size_t K = counts[0].size();
  std::vector<double> n_c(K, 0);
  double diagonal = 0;  // sum over c of o_cc
  for (const auto& row : counts) {
    double m = 0;
    for (int64_t x : row) m += x;
    if (m < 2) continue;
    for (size_t c = 0; c < K; ++c) {
      n_c[c] += row[c];
      diagonal += static_cast<double>(row[c]) * (row[c] - 1) / (m - 1);
    }
  }
  double n = 0, sq = 0;
  for (double x : n_c) n += x, sq += x * x;
  if (n < 2 || n * n - sq <= 0) return std::nullopt;
  double observed = n - diagonal;  // sum of o_ck over c != k
  double expected = (n * n - sq) / (n - 1);
  return 1.0 - observed / expected;
}

double BoxIoU(const Box& a, const Box& b) {
  double ix = std::max(0.0, std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x));
  double iy = std::max(0.0, std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y));
  double inter = ix * iy, uni = a.w * a.h + b.w * b.h - inter;
  return uni > 0 ? inter / uni : 0.0;
}

double PolygonIoU(const Polygon& a, const Polygon& b) {
  auto ra = Rasterize(a), rb = Rasterize(b);
  int64_t area_a = 0, area_b = 0, inter = 0;
  for (const auto& [row, v] : ra) {
    area_a += IntervalsArea(v);
    auto it = rb.find(row);
    if (it != rb.end()) inter += IntervalsOverlap(v, it->second);
  }
  for (const auto& [row, v] : rb) area_b += IntervalsArea(v);
  int64_t uni = area_a + area_b - inter;
  return uni > 0 ? static_cast<double>(inter) / uni : 0.0;
}

double MaskIoU(const RleMask& a, const RleMask& b) {
  if (a.height != b.height || a.width != b.width) return 0.0;
  auto oa = OnesOf(a), ob = OnesOf(b);
  int64_t area_a = IntervalsArea(oa), area_b = IntervalsArea(ob), inter = 0;
  size_t i = 0, j = 0;
  while (i < oa.size() && j < ob.size()) {
    inter += std::max<int64_t>(0, std::min(oa[i].second, ob[j].second) - std::max(oa[i].first, ob[j].first));
    if (oa[i].second < ob[j].second) ++i;
    else ++j;
  }
  int64_t uni = area_a + area_b - inter;
  return uni > 0 ? static_cast<double>(inter) / uni : 0.0;
}

MatchCounts GreedyMatch(size_t na, size_t nb, double threshold, const std::function<double(size_t, size_t)>& iou) {
  MatchCounts out;
  out.a = static_cast<int64_t>(na);
  out.b = static_cast<int64_t>(nb);
  std::vector<std::tuple<double, size_t, size_t>> candidates;
  for (size_t i = 0; i < na; ++i)
    for (size_t j = 0; j < nb; ++j) {
      double v = iou(i, j);
      if (v >= threshold) candidates.push_back({-v, i, j});
    }
  std::sort(candidates.begin(), candidates.end());
  std::vector<bool> used_a(na), used_b(nb);
  for (const auto& [v, i, j] : candidates)
    if (!used_a[i] && !used_b[j]) {
      used_a[i] = used_b[j] = true;
      ++out.matched;
    }
  return out;
}

std::string NormalizeAnswer(const std::string& s) {
  std::string lowered;
  for (unsigned char c : s) {
    if (c < 0x80 && std::ispunct(c)) continue;
    lowered.push_back(c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c));
  }
  std::istringstream in(lowered);
  std::string word, out;
  while (in >> word) {
    if (word == "a" || word == "an" || word == "the") continue;
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

double AnswerExactMatch(const std::string& a, const std::string& b) { return NormalizeAnswer(a) == NormalizeAnswer(b) ? 1.0 : 0.0; }

double AnswerTokenF1(const std::string& a, const std::string& b) {
  std::vector<std::string> ta = Tokens(a), tb = Tokens(b);
  if (ta.empty() || tb.empty()) return ta.empty() && tb.empty() ? 1.0 : 0.0;
  std::map<std::string, int64_t> ca;
  for (const auto& t : ta) ++ca[t];
  int64_t common = 0;
  for (const auto& t : tb)
    if (ca[t] > 0) --ca[t], ++common;
  if (common == 0) return 0.0;
  double p = static_cast<double>(common) / tb.size(), r = static_cast<double>(common) / ta.size();
  return 2 * p * r / (p + r);
}

Json AgreementReport(const Json& spec, const std::vector<Annotated>& annotations, const AgreementOptions& options) {
  std::string type = spec.value("task_type", "");
  std::set<std::string> names;
  for (const Annotated& a : annotations) names.insert(a.labeler);
  std::vector<std::string> labelers(names.begin(), names.end());
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < labelers.size(); ++i) index[labelers[i]] = i;
  std::map<int64_t, std::vector<const Annotated*>> by_item;
  for (const Annotated& a : annotations) by_item[a.item_id].push_back(&a);
  bool classes = type == "image_classification" || type == "text_classification" || type == "tabular_classification";
  Json out = classes ? ClassificationReport(spec, labelers, by_item, index, options) : MatchReport(type, labelers, by_item, index, options);
  out["task_type"] = type;
  out["labelers"] = labelers;
  out["annotations"] = annotations.size();
  if (type == "object_detection" || type == "segmentation") out["iou_threshold"] = options.iou_threshold;
  return out;
}

}  // namespace moebius::label

#include "hpo/study_plots.h"

#include <algorithm>
#include <cmath>

#include "hpo/study_spec.h"
#include "tuning/importance.h"

namespace moebius::hpo {
namespace {

constexpr int kGrid = 24;

// A parameter value as a plot coordinate: numbers as they are, choices as their index.
Json Coord(const tuning::ParamSpec& p, const Json& params) {
  if (!params.contains(p.name)) return nullptr;
  const Json& v = params[p.name];
  if (p.kind != tuning::ParamKind::kCategorical) return v.is_number() ? v : Json(nullptr);
  for (size_t i = 0; i < p.choices.size(); ++i)
    if (p.choices[i] == v) return static_cast<int64_t>(i);
  return nullptr;
}

double Axis(const tuning::ParamSpec& p, double v) { return p.log && p.kind != tuning::ParamKind::kCategorical ? std::log(v) : v; }
double Unaxis(const tuning::ParamSpec& p, double v) { return p.log && p.kind != tuning::ParamKind::kCategorical ? std::exp(v) : v; }

// The contour's cells along one parameter, in its own units: one per choice (its index) for a
// categorical, kGrid evenly spaced on the axis for a float, and whole numbers for an int — every
// one when the range has at most kGrid, else kGrid spaced ones rounded — so no axis reads 9.65.
std::vector<double> GridOf(const tuning::ParamSpec& p) {
  std::vector<double> g;
  if (p.kind == tuning::ParamKind::kCategorical) {
    for (size_t i = 0; i < std::max<size_t>(p.choices.size(), 2); ++i) g.push_back(static_cast<double>(i));
    return g;
  }
  if (p.kind == tuning::ParamKind::kInt && p.high - p.low + 1 <= kGrid) {
    for (double v = std::ceil(p.low); v <= p.high; v += 1) g.push_back(v);
    if (g.size() >= 2) return g;
    g.clear();
  }
  const double l = Axis(p, p.low), h = Axis(p, p.high);
  for (int i = 0; i < kGrid; ++i) {
    double v = Unaxis(p, l + (h - l) * i / (kGrid - 1));
    if (p.kind == tuning::ParamKind::kInt) v = std::round(v);
    if (g.empty() || v != g.back()) g.push_back(v);
  }
  return g;
}

}  // namespace

Result<Json> StudyPlots(const StudyRecord& study, const std::vector<TrialRecord>& trials, const std::string& x, const std::string& y) {
  ASSIGN_OR_RETURN(tuning::SearchSpace space, SpaceOf(study.spec));
  const bool maximize = DirectionOf(study.spec) == tuning::Direction::kMaximize;
  const std::string metric = study.spec["objective"]["metric"].get<std::string>();
  Json out = Json::object();
  out["params"] = space.ToJson()["params"];
  out["metric"] = metric;
  out["goal"] = maximize ? "maximize" : "minimize";

  std::vector<const TrialRecord*> complete;
  for (const auto& t : trials)
    if (t.state == "complete" && t.value) complete.push_back(&t);

  Json history = Json::array();
  std::optional<double> best;
  for (const TrialRecord* t : complete) {
    if (!best || (maximize ? *t->value > *best : *t->value < *best)) best = *t->value;
    history.push_back({{"number", t->number}, {"value", *t->value}, {"best", *best}});
  }
  out["history"] = history;

  // Importance over the complete trials.
  std::vector<tuning::Trial> tt;
  for (const TrialRecord* t : complete) {
    auto p = space.FromExternal(t->params);
    if (!p.ok()) continue;
    tuning::Trial tr;
    tr.number = t->number;
    tr.state = tuning::TrialState::kComplete;
    tr.params = *p;
    tr.values = {*t->value};
    tt.push_back(std::move(tr));
  }
  std::vector<std::string> ranked;
  auto imp = tuning::ParamImportance(space, tt, {.n_trees = 32, .max_depth = 6, .seed = 0});
  if (imp.ok()) {
    Json list = Json::array();
    for (const auto& [name, v] : *imp) {
      list.push_back({{"name", name}, {"importance", v}});
      ranked.push_back(name);
    }
    out["importance"] = list;
  } else {
    out["importance"] = nullptr;
    out["importance_error"] = imp.status().message();
  }

  Json dims = Json::array();
  for (const auto& p : space.params()) dims.push_back(p.name);
  dims.push_back(metric);
  Json rows = Json::array();
  Json slice = Json::object();
  for (const auto& p : space.params()) slice[p.name] = Json::array();
  for (const TrialRecord* t : complete) {
    Json values = Json::array();
    for (const auto& p : space.params()) {
      Json c = Coord(p, t->params);
      values.push_back(c);
      if (!c.is_null()) slice[p.name].push_back({{"number", t->number}, {"x", t->params[p.name]}, {"value", *t->value}});
    }
    values.push_back(*t->value);
    rows.push_back({{"number", t->number}, {"values", values}});
  }
  out["parallel"] = {{"dimensions", dims}, {"rows", rows}};
  out["slice"] = slice;

  // Contour for (x, y).
  std::string cx = x, cy = y;
  if (!cx.empty() && !space.Find(cx)) return InvalidArgument("x: the space has no parameter '" + cx + "'");
  if (!cy.empty() && !space.Find(cy)) return InvalidArgument("y: the space has no parameter '" + cy + "'");
  if (!cx.empty() && cx == cy) return InvalidArgument("x and y must be two different parameters");
  std::vector<std::string> order = ranked;
  for (const auto& p : space.params())
    if (std::find(order.begin(), order.end(), p.name) == order.end()) order.push_back(p.name);
  for (const auto& n : order) {
    if (cx.empty() && n != cy) cx = n;
    else if (cy.empty() && n != cx) cy = n;
  }
  if (cx.empty() || cy.empty()) {
    out["contour"] = nullptr;
    return out;
  }
  const tuning::ParamSpec& px = space.param(*space.Find(cx));
  const tuning::ParamSpec& py = space.param(*space.Find(cy));
  auto lo = [&](const tuning::ParamSpec& p) { return p.kind == tuning::ParamKind::kCategorical ? 0.0 : Axis(p, p.low); };
  auto hi = [&](const tuning::ParamSpec& p) {
    return p.kind == tuning::ParamKind::kCategorical ? static_cast<double>(p.choices.size() - 1) : Axis(p, p.high);
  };
  struct Pt {
    double u, v, z;
  };
  std::vector<Pt> pts;
  Json points = Json::array();
  for (const TrialRecord* t : complete) {
    Json a = Coord(px, t->params), b = Coord(py, t->params);
    if (a.is_null() || b.is_null()) continue;
    double u = Axis(px, a.get<double>()), v = Axis(py, b.get<double>());
    pts.push_back({u, v, *t->value});
    points.push_back({{"number", t->number}, {"x", a}, {"y", b}, {"value", *t->value}});
  }
  Json xg = Json::array(), yg = Json::array(), z = Json::array();
  double xl = lo(px), xh = hi(px), yl = lo(py), yh = hi(py);
  double xs = xh > xl ? xh - xl : 1, ys = yh > yl ? yh - yl : 1;
  const std::vector<double> gx = GridOf(px), gy = GridOf(py);
  for (double v : gx) xg.push_back(px.kind == tuning::ParamKind::kInt ? Json(static_cast<int64_t>(v)) : Json(v));
  for (double v : gy) yg.push_back(py.kind == tuning::ParamKind::kInt ? Json(static_cast<int64_t>(v)) : Json(v));
  // Inverse-distance weighting (power 2) of the trials' values on the grid, in axis units
  // scaled to [0, 1]: a picture of where the good region is, not a fitted model.
  for (size_t j = 0; j < gy.size() && !pts.empty(); ++j) {
    Json row = Json::array();
    double v = Axis(py, gy[j]);
    for (size_t i = 0; i < gx.size(); ++i) {
      double u = Axis(px, gx[i]);
      double wsum = 0, zsum = 0;
      bool exact = false;
      for (const Pt& p : pts) {
        double d2 = std::pow((p.u - u) / xs, 2) + std::pow((p.v - v) / ys, 2);
        if (d2 < 1e-18) {
          zsum = p.z;
          wsum = 1;
          exact = true;
          break;
        }
        wsum += 1 / d2;
        zsum += p.z / d2;
      }
      row.push_back(exact ? zsum : zsum / wsum);
    }
    z.push_back(row);
  }
  out["contour"] = {{"x", cx}, {"y", cy}, {"x_log", px.log}, {"y_log", py.log}, {"x_grid", xg}, {"y_grid", yg}, {"z", z}, {"points", points}};
  return out;
}

}  // namespace moebius::hpo

#include "report/report_blocks.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

#include "report/report_model.h"

namespace moebius::report {
namespace {

struct Builder {
  std::string lang;
  std::vector<Block> out;

  const char* T(const char* key) const { return ReportText(lang, key); }
  void Heading(const char* key) { out.push_back({.kind = Block::kHeading, .text = T(key), .style = key}); }
  void Sub(std::string text) { out.push_back({.kind = Block::kSubheading, .text = std::move(text)}); }
  void Para(std::string text, std::string style = "") { out.push_back({.kind = Block::kPara, .text = std::move(text), .style = std::move(style)}); }
  void Table(std::vector<std::string> head, std::vector<std::vector<std::string>> rows, std::string title = "") {
    Block b{.kind = Block::kTable, .text = std::move(title)};
    b.head = std::move(head);
    b.rows = std::move(rows);
    out.push_back(std::move(b));
  }
  void Curve(std::string title, std::string x, std::string y, const Json& xs, const Json& ys, bool diagonal) {
    Block b{.kind = Block::kCurve, .text = std::move(title)};
    b.x_label = std::move(x);
    b.y_label = std::move(y);
    b.diagonal = diagonal;
    for (size_t i = 0; i < xs.size() && i < ys.size(); ++i)
      if (xs[i].is_number() && ys[i].is_number()) b.points.push_back({xs[i].get<double>(), ys[i].get<double>()});
    if (b.points.size() > 2000) {  // keep files small: every k-th point plus the last
      std::vector<std::pair<double, double>> thin;
      size_t k = b.points.size() / 1000 + 1;
      for (size_t i = 0; i < b.points.size(); i += k) thin.push_back(b.points[i]);
      thin.push_back(b.points.back());
      b.points = std::move(thin);
    }
    out.push_back(std::move(b));
  }
};

std::string Str(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "—";
  if (v.is_number()) return FormatValue(v);
  return v.dump();
}

std::string LabelName(const Json& labels, const Json& id) {
  if (id.is_number_integer() && labels.is_array()) {
    auto i = id.get<int64_t>();
    if (i >= 0 && static_cast<size_t>(i) < labels.size()) return Str(labels[i]);
  }
  return Str(id);
}

void Evaluation(Builder& b, const Json& ev) {
  b.Para(std::string(b.T("rows")) + ": " + Str(ev.value("n", Json(nullptr))) + " · " + Str(ev.value("problem", Json(""))) +
         (ev.contains("name") ? " · " + Str(ev["name"]) : ""));
  std::vector<std::vector<std::string>> rows;
  if (ev.contains("metrics") && ev["metrics"].is_object())
    for (auto it = ev["metrics"].begin(); it != ev["metrics"].end(); ++it) rows.push_back({it.key(), FormatValue(*it)});
  b.Table({b.T("key"), b.T("value")}, rows);
  const Json labels = ev.value("labels", Json::array());
  if (ev.contains("report") && ev["report"].contains("per_class")) {
    std::vector<std::vector<std::string>> pc;
    for (const Json& c : ev["report"]["per_class"])
      pc.push_back({LabelName(labels, c.value("label", Json(nullptr))), FormatValue(c.value("precision", Json(nullptr))),
                    FormatValue(c.value("recall", Json(nullptr))), FormatValue(c.value("f1", Json(nullptr))), Str(c.value("support", Json(nullptr)))});
    b.Table({b.T("class"), b.T("precision"), b.T("recall"), b.T("f1"), b.T("support")}, pc, b.T("per_class"));
  }
  if (ev.contains("confusion") && ev["confusion"].contains("matrix")) {
    Block h{.kind = Block::kHeatmap, .text = b.T("confusion")};
    for (const Json& id : ev["confusion"].value("labels", Json::array())) h.labels.push_back(LabelName(labels, id));
    for (const Json& row : ev["confusion"]["matrix"]) {
      std::vector<double> r;
      for (const Json& v : row) r.push_back(v.is_number() ? v.get<double>() : 0);
      h.matrix.push_back(r);
    }
    b.out.push_back(std::move(h));
  }
  if (ev.contains("roc")) b.Curve(b.T("roc"), "FPR", "TPR", ev["roc"].value("fpr", Json::array()), ev["roc"].value("tpr", Json::array()), true);
  if (ev.contains("pr")) b.Curve(b.T("pr"), "Recall", "Precision", ev["pr"].value("recall", Json::array()), ev["pr"].value("precision", Json::array()), false);
  if (ev.contains("calibration"))
    b.Curve(b.T("calibration"), "Predicted", "Observed", ev["calibration"].value("prob_pred", Json::array()),
            ev["calibration"].value("prob_true", Json::array()), true);
  if (ev.contains("residuals")) {
    const Json& r = ev["residuals"];
    std::vector<std::vector<std::string>> rr;
    for (const char* k : {"mean", "std", "mean_abs", "min", "max"}) rr.push_back({k, FormatValue(r.value(k, Json(nullptr)))});
    if (r.contains("percentiles"))
      for (auto it = r["percentiles"].begin(); it != r["percentiles"].end(); ++it) rr.push_back({it.key(), FormatValue(*it)});
    b.Table({b.T("key"), b.T("value")}, rr, b.T("residuals"));
    if (r.contains("histogram")) {
      Block bars{.kind = Block::kBars, .text = std::string(b.T("residuals")) + " — histogram"};
      const Json& edges = r["histogram"]["edges"];
      const Json& counts = r["histogram"]["counts"];
      for (size_t i = 0; i < counts.size() && i + 1 < edges.size(); ++i)
        bars.bars.push_back({FormatValue(edges[i]) + " … " + FormatValue(edges[i + 1]), counts[i].get<double>()});
      b.out.push_back(std::move(bars));
    }
  }
}

void Slices(Builder& b, const Json& ev) {
  if (ev.is_null() || !ev.contains("slices") || ev["slices"].empty()) {
    b.Para(b.T("no_slices"), "muted");
    return;
  }
  for (const Json& s : ev["slices"]) {
    std::vector<std::vector<std::string>> rows;
    for (const Json& r : s["slices"])
      rows.push_back({Str(r["key"]), Str(r["rows"]), FormatValue(r["share"]), FormatValue(r["metric"]), FormatValue(r["baseline"]),
                      FormatValue(r["gap"]), FormatValue(r["priority"])});
    b.Table({b.T("slice"), b.T("rows"), b.T("share"), Str(s["metric"]), b.T("baseline"), b.T("gap"), b.T("priority")}, rows,
            Str(s.value("by", Json(""))) + " · " + Str(s["metric"]) + " = " + FormatValue(s["overall"]));
  }
}

void Baselines(Builder& b, const Json& model) {
  const Json& bl = model["baselines"];
  const Json& ev = model["evaluation"];
  std::vector<std::string> head = {b.T("key"), b.T("this_model"), b.T("simple_model"), b.T("previous_model"), b.T("human_level")};
  std::vector<std::vector<std::string>> rows;
  if (ev.is_object() && ev.contains("metrics")) {
    for (auto it = ev["metrics"].begin(); it != ev["metrics"].end(); ++it) {
      auto pick = [&](const Json& j) -> std::string {
        if (!j.is_object() || !j.contains("metrics") || !j["metrics"].contains(it.key())) return "—";
        return FormatValue(j["metrics"][it.key()]);
      };
      rows.push_back({it.key(), FormatValue(*it), pick(bl["simple"]), pick(bl["previous"]), pick(bl["human"])});
    }
  }
  b.Table(head, rows);
  if (bl["simple"].is_object())
    b.Para(std::string(b.T("simple_model")) + ": " + Str(bl["simple"].value("model", Json(""))) + " → " + Str(bl["simple"].value("prediction", Json(""))), "muted");
  if (bl["previous"].is_object())
    b.Para(std::string(b.T("previous_model")) + ": " + Str(bl["previous"].value("run_name", Json(""))) + " (" + Str(bl["previous"].value("run_id", Json(""))) + ")", "muted");
  else
    b.Para(std::string(b.T("previous_model")) + ": " + b.T("no_previous"), "muted");
  b.Para(std::string(b.T("human_level")) + ": " + Str(bl["human_note"]), "muted");
}

}  // namespace

std::string FormatValue(const Json& v) {
  if (v.is_null()) return "—";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (!v.is_number()) return Str(v);
  double x = v.get<double>();
  if (!std::isfinite(x)) return "—";
  char buf[40];
  if (x != 0 && (std::fabs(x) >= 1e7 || std::fabs(x) < 1e-4)) std::snprintf(buf, sizeof buf, "%.4g", x);
  else std::snprintf(buf, sizeof buf, "%.4f", x);
  std::string s = buf;
  if (s.find('.') != std::string::npos && s.find('e') == std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string FormatTime(const Json& ms) {
  if (!ms.is_number()) return "—";
  std::time_t t = static_cast<std::time_t>(ms.get<int64_t>() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::vector<Block> EvaluationBlocks(const std::string& lang, const Json& evaluation) {
  Builder b{lang, {}};
  Evaluation(b, evaluation);
  return std::move(b.out);
}

std::vector<Block> SliceBlocks(const std::string& lang, const Json& evaluation) {
  Builder b{lang, {}};
  Slices(b, evaluation);
  return std::move(b.out);
}

std::vector<Block> ReportBlocks(const Json& m) {
  Builder b{m.value("lang", std::string("ko")), {}};
  const Json& run = m["run"];
  const Json& task = m["task"];
  b.Heading("overview");
  std::string project = Str(m["project"].value("display_name", Json(""))).empty() || Str(m["project"].value("display_name", Json(""))) == "—"
                            ? Str(m["project"].value("name", Json("")))
                            : Str(m["project"]["display_name"]) + " (" + Str(m["project"].value("name", Json(""))) + ")";
  b.Table({b.T("key"), b.T("value")},
          {{b.T("project"), project},
           {b.T("task"), task.is_object() ? Str(task["name"]) : "—"},
           {b.T("experiment"), Str(m["experiment"])},
           {b.T("run"), Str(run["name"]) + " (" + Str(run["id"]) + ")"},
           {b.T("status"), Str(run["status"])},
           {b.T("user"), Str(run["user"])},
           {b.T("started"), FormatTime(run["start"])},
           {b.T("ended"), FormatTime(run["end"])},
           {b.T("generated"), FormatTime(m["generated_at"])}});

  b.Heading("goal");
  std::string goal = Str(m["project"].value("description", Json("")));
  if (task.is_object() && !Str(task.value("description", Json(""))).empty()) goal += (goal.empty() ? "" : " — ") + Str(task["description"]);
  if (!goal.empty()) b.Para(std::string(b.T("business_goal")) + ": " + goal);
  if (!task.is_object()) {
    b.Para(b.T("no_task"), "muted");
  } else {
    std::string metrics;
    for (const Json& x : task.value("metrics", Json::array())) metrics += (metrics.empty() ? "" : ", ") + Str(x);
    b.Table({b.T("key"), b.T("value")},
            {{b.T("domain"), Str(task.value("domain", Json("")))},
             {b.T("problem_type"), Str(task.value("problem_type", Json("")))},
             {b.T("primary_metric"), Str(task.value("primary_metric", Json("")))},
             {b.T("task_metrics"), metrics},
             {b.T("criteria"), Str(task.value("acceptance_criteria", Json("")))}});
    const Json& c = m["criteria"];
    if (!c.is_object()) {
      b.Para(b.T("no_criteria"), "muted");
    } else {
      bool passed = c.value("passed", false);
      b.Para(std::string(b.T("criteria_result")) + ": " + (passed ? b.T("passed") : b.T("failed")), passed ? "pass" : "fail");
      std::vector<std::vector<std::string>> rows;
      for (const Json& cl : c.value("clauses", Json::array()))
        rows.push_back({Str(cl["text"]), cl.contains("actual") && !cl["actual"].is_null() ? FormatValue(cl["actual"]) : b.T("missing"),
                        cl.value("passed", false) ? b.T("passed") : b.T("failed")});
      b.Table({b.T("clause"), b.T("actual"), b.T("criteria_result")}, rows);
    }
  }

  b.Heading("data");
  if (m["data"].empty()) b.Para(b.T("no_data"), "muted");
  else {
    std::vector<std::vector<std::string>> rows;
    for (const Json& d : m["data"]) rows.push_back({Str(d["kind"]), Str(d["ref"]), d["detail"].is_object() ? d["detail"].dump() : Str(d["detail"])});
    b.Table({b.T("kind"), b.T("ref"), b.T("value")}, rows);
  }
  b.Heading("code");
  auto kv = [&](const Json& list, const char* empty) {
    if (list.empty()) return b.Para(b.T(empty), "muted");
    std::vector<std::vector<std::string>> rows;
    for (const Json& x : list) rows.push_back({Str(x["key"]), x["value"].is_string() ? x["value"].get<std::string>() : FormatValue(x["value"])});
    b.Table({b.T("key"), b.T("value")}, rows);
  };
  kv(m["code"], "no_code");
  b.Heading("params");
  kv(m["params"], "no_params");
  b.Heading("metrics");
  kv(m["metrics"], "no_metrics");
  b.Heading("evaluation");
  if (m["evaluation"].is_object()) Evaluation(b, m["evaluation"]);
  else b.Para(b.T("no_evaluation"), "muted");
  b.Heading("slices");
  Slices(b, m["evaluation"]);
  b.Heading("baselines");
  Baselines(b, m);
  if (!m["explanations"].empty()) {
    b.Heading("explanations");
    for (const Json& list : m["explanations"]) {
      Block bars{.kind = Block::kBars, .text = Str(list["title"])};
      for (const Json& it : list["items"]) bars.bars.push_back({Str(it["name"]), it["value"].get<double>()});
      b.out.push_back(std::move(bars));
    }
  }
  b.Heading("confirmation");
  if (m["confirmation"].empty()) b.Para(b.T("not_confirmed"), "muted");
  else {
    std::vector<std::vector<std::string>> rows;
    for (const Json& p : m["confirmation"])
      rows.push_back({Str(p["id"]), Str(p.value("task", Json(""))), Str(p.value("created_by", Json(""))), FormatTime(p.value("created_at", Json(nullptr)))});
    b.Para(b.T("confirmed"), "pass");
    b.Table({b.T("package"), b.T("task"), b.T("by"), b.T("at")}, rows);
  }
  return b.out;
}

}  // namespace moebius::report

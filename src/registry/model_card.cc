#include "registry/model_card.h"

#include <map>

#include "report/report_blocks.h"

namespace moebius::registry {
namespace {

using report::Block;

const char* T(const std::string& lang, const std::string& key) {
  static const std::map<std::string, std::pair<const char*, const char*>> kText = {
      {"title", {"Model card", "모델 카드"}},
      {"details", {"1. Model details", "1. 모델 정보"}},
      {"intended_use", {"2. Intended use", "2. 사용 목적"}},
      {"factors", {"3. Factors", "3. 고려 요인"}},
      {"metrics", {"4. Metrics", "4. 평가 지표"}},
      {"evaluation_data", {"5. Evaluation data", "5. 평가 데이터"}},
      {"training_data", {"6. Training data", "6. 학습 데이터"}},
      {"quantitative_analyses", {"7. Quantitative analyses", "7. 정량 분석"}},
      {"ethical_considerations", {"8. Ethical considerations", "8. 윤리적 고려사항"}},
      {"caveats_recommendations", {"9. Caveats and recommendations", "9. 주의사항과 권고"}},
      {"not_written", {"Not written yet: edit this section on the version's card.", "아직 작성되지 않았습니다: 버전의 모델 카드에서 작성하세요."}},
      {"field", {"Field", "항목"}},
      {"value", {"Value", "값"}},
      {"model", {"Registered model", "등록 모델"}},
      {"version", {"Version", "버전"}},
      {"project", {"Project", "프로젝트"}},
      {"format", {"Format", "형식"}},
      {"stage", {"Stage", "단계"}},
      {"source", {"Source", "출처"}},
      {"content", {"Content sha256", "내용 해시 (sha256)"}},
      {"created", {"Registered by / at", "등록자 / 일시"}},
      {"run", {"Run", "실행"}},
      {"experiment", {"Experiment", "실험"}},
      {"environment", {"Environment", "환경"}},
      {"code", {"Code", "코드"}},
      {"task", {"Task", "태스크"}},
      {"criteria", {"Acceptance criteria", "사용자승인기준"}},
      {"criteria_result", {"Check result", "판정 결과"}},
      {"passed", {"passed", "충족"}},
      {"failed", {"not met", "미충족"}},
      {"inputs", {"Inputs", "입력"}},
      {"outputs", {"Outputs", "출력"}},
      {"name", {"Name", "이름"}},
      {"datatype", {"Datatype", "자료형"}},
      {"shape", {"Shape", "형태"}},
      {"run_metrics", {"Metrics the run logged", "실행이 기록한 지표"}},
      {"no_metrics", {"The run logged no metrics.", "실행이 기록한 지표가 없습니다."}},
      {"no_run", {"This version has no run in its lineage.", "이 버전의 계보에 실행이 없습니다."}},
      {"kind", {"Kind", "종류"}},
      {"ref", {"Reference", "참조"}},
      {"no_data", {"No data versions were recorded for the run.", "실행에 기록된 데이터 버전이 없습니다."}},
      {"evaluations", {"Stored evaluations", "저장된 평가"}},
      {"no_evaluation", {"The run has no stored evaluation.", "실행에 저장된 평가가 없습니다."}},
      {"slice_features", {"Slices evaluated", "평가된 슬라이스"}},
      {"no_slices", {"No slices were evaluated; name the groups the model must serve equally.",
                     "평가된 슬라이스가 없습니다. 모델이 고르게 동작해야 하는 집단을 적어 주세요."}},
      {"rows", {"rows", "행"}},
      {"imported", {"Imported from", "가져온 곳"}},
  };
  auto it = kText.find(key);
  if (it == kText.end()) return "";
  return lang == "ko" ? it->second.second : it->second.first;
}

std::string Text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "—";
  if (v.is_number()) return report::FormatValue(v);
  return v.dump();
}

Json BlockJson(const Block& b) {
  static const char* kKinds[] = {"heading", "subheading", "para", "table", "curve", "heatmap", "bars"};
  Json j{{"kind", kKinds[b.kind]}, {"text", b.text}};
  if (!b.style.empty()) j["style"] = b.style;
  if (b.kind == Block::kTable) {
    j["head"] = b.head;
    j["rows"] = b.rows;
  } else if (b.kind == Block::kCurve) {
    Json pts = Json::array();
    for (const auto& [x, y] : b.points) pts.push_back({x, y});
    j["points"] = pts;
    j["x_label"] = b.x_label;
    j["y_label"] = b.y_label;
    j["diagonal"] = b.diagonal;
  } else if (b.kind == Block::kHeatmap) {
    j["labels"] = b.labels;
    j["matrix"] = b.matrix;
  } else if (b.kind == Block::kBars) {
    Json bars = Json::array();
    for (const auto& [label, v] : b.bars) bars.push_back({label, v});
    j["bars"] = bars;
  }
  return j;
}

Block BlockFromJson(const Json& j) {
  static const std::map<std::string, Block::Kind> kKinds = {{"heading", Block::kHeading}, {"subheading", Block::kSubheading},
                                                            {"para", Block::kPara},       {"table", Block::kTable},
                                                            {"curve", Block::kCurve},     {"heatmap", Block::kHeatmap},
                                                            {"bars", Block::kBars}};
  Block b;
  auto it = kKinds.find(j.value("kind", "para"));
  b.kind = it == kKinds.end() ? Block::kPara : it->second;
  b.text = j.value("text", "");
  b.style = j.value("style", "");
  if (j.contains("head")) b.head = j["head"].get<std::vector<std::string>>();
  if (j.contains("rows")) b.rows = j["rows"].get<std::vector<std::vector<std::string>>>();
  if (j.contains("points"))
    for (const Json& p : j["points"]) b.points.push_back({p[0].get<double>(), p[1].get<double>()});
  b.x_label = j.value("x_label", "");
  b.y_label = j.value("y_label", "");
  b.diagonal = j.value("diagonal", false);
  if (j.contains("labels")) b.labels = j["labels"].get<std::vector<std::string>>();
  if (j.contains("matrix")) b.matrix = j["matrix"].get<std::vector<std::vector<double>>>();
  if (j.contains("bars"))
    for (const Json& p : j["bars"]) b.bars.push_back({p[0].get<std::string>(), p[1].get<double>()});
  return b;
}

Block Make(Block::Kind kind, std::string text, std::string style = "") {
  Block b;
  b.kind = kind;
  b.text = std::move(text);
  b.style = std::move(style);
  return b;
}

Block Table(std::vector<std::string> head, std::vector<std::vector<std::string>> rows, std::string title = "") {
  Block b = Make(Block::kTable, std::move(title));
  b.head = std::move(head);
  b.rows = std::move(rows);
  return b;
}

Block Para(std::string text, std::string style = "") { return Make(Block::kPara, std::move(text), std::move(style)); }

std::vector<Block> Details(const CardInputs& in, const std::string& lang) {
  const ModelVersion& v = in.version;
  const Json& l = v.lineage;
  std::vector<std::vector<std::string>> rows = {
      {T(lang, "model"), v.model_name},
      {T(lang, "version"), std::to_string(v.version)},
      {T(lang, "project"), in.project},
      {T(lang, "format"), v.format + " (" + v.flavor + ")"},
      {T(lang, "stage"), StageName(v.stage)},
      {T(lang, "source"), v.source},
      {T(lang, "content"), v.content_sha256},
      {T(lang, "created"), v.created_by + " · " + report::FormatTime(Json(v.created_at))},
  };
  if (l.contains("run") && l["run"].is_object()) rows.push_back({T(lang, "run"), Text(l["run"].value("name", Json(""))) + " (" + Text(l["run"].value("id", Json(""))) + ")"});
  if (l.contains("experiment") && l["experiment"].is_object()) rows.push_back({T(lang, "experiment"), Text(l["experiment"].value("name", Json("")))});
  if (l.contains("environment") && !l["environment"].is_null()) rows.push_back({T(lang, "environment"), Text(l["environment"])});
  for (const Json& c : l.value("code", Json::array())) rows.push_back({T(lang, "code"), Text(c.value("key", Json(""))) + " = " + Text(c.value("value", Json("")))});
  if (l.contains("imported") && l["imported"].is_object())
    rows.push_back({T(lang, "imported"), Text(l["imported"].value("registered_model", Json(""))) + " v" +
                                             Text(l["imported"].value("registered_version", Json(""))) + " · " +
                                             Text(l["imported"].value("exported_by", Json("")))});
  std::vector<Block> out = {Table({T(lang, "field"), T(lang, "value")}, rows)};
  for (const char* side : {"inputs", "outputs"}) {
    std::vector<std::vector<std::string>> ts;
    for (const Json& t : v.signature.value(side, Json::array()))
      ts.push_back({Text(t.value("name", Json(""))), Text(t.value("datatype", Json(""))), t.value("shape", Json::array()).dump()});
    if (!ts.empty()) out.push_back(Table({T(lang, "name"), T(lang, "datatype"), T(lang, "shape")}, ts, T(lang, side)));
  }
  return out;
}

std::vector<Block> IntendedUse(const CardInputs& in, const std::string& lang) {
  const Json pkg = in.version.lineage.value("package", Json(nullptr));
  if (!pkg.is_object()) return {};
  return {Table({T(lang, "field"), T(lang, "value")}, {{T(lang, "task"), Text(pkg.value("task", Json("")))}})};
}

std::vector<Block> Metrics(const CardInputs& in, const std::string& lang) {
  std::vector<Block> out;
  const Json pkg = in.version.lineage.value("package", Json(nullptr));
  if (pkg.is_object()) {
    const Json result = pkg.value("criteria_result", Json::object());
    bool passed = result.value("passed", false);
    out.push_back(Para(std::string(T(lang, "criteria")) + ": " + Text(pkg.value("criteria", Json(""))) + " — " + T(lang, "criteria_result") + ": " +
                           (passed ? T(lang, "passed") : T(lang, "failed")),
                       passed ? "pass" : "fail"));
    std::vector<std::vector<std::string>> clauses;
    for (const Json& c : result.value("clauses", Json::array()))
      clauses.push_back({Text(c.value("text", Json(""))), Text(c.value("actual", Json(nullptr))), c.value("passed", false) ? T(lang, "passed") : T(lang, "failed")});
    if (!clauses.empty()) out.push_back(Table({T(lang, "criteria"), T(lang, "value"), T(lang, "criteria_result")}, clauses));
  }
  const Json metrics = in.version.lineage.value("metrics", Json::object());
  if (!metrics.is_object() || metrics.empty()) {
    out.push_back(Para(T(lang, "no_metrics"), "muted"));
    return out;
  }
  std::vector<std::vector<std::string>> rows;
  for (auto it = metrics.begin(); it != metrics.end(); ++it) rows.push_back({it.key(), report::FormatValue(*it)});
  out.push_back(Table({T(lang, "name"), T(lang, "value")}, rows, T(lang, "run_metrics")));
  return out;
}

std::vector<Block> EvaluationData(const CardInputs& in, const std::string& lang) {
  if (in.evaluations.empty()) return {Para(T(lang, "no_evaluation"), "muted")};
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, ev] : in.evaluations) rows.push_back({name, Text(ev.value("problem", Json(""))), Text(ev.value("n", Json(nullptr)))});
  return {Table({T(lang, "name"), T(lang, "kind"), T(lang, "rows")}, rows, T(lang, "evaluations"))};
}

std::vector<Block> TrainingData(const CardInputs& in, const std::string& lang) {
  const Json data = in.version.lineage.value("data_versions", Json::array());
  if (!data.is_array() || data.empty()) return {Para(T(lang, "no_data"), "muted")};
  std::vector<std::vector<std::string>> rows;
  for (const Json& d : data) rows.push_back({Text(d.value("kind", Json(""))), Text(d.value("ref", Json(""))), Text(d.value("detail", Json("")))});
  return {Table({T(lang, "kind"), T(lang, "ref"), T(lang, "value")}, rows)};
}

std::vector<Block> Factors(const CardInputs& in, const std::string& lang) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, ev] : in.evaluations)
    for (const Json& s : ev.value("slices", Json::array()))
      rows.push_back({name, Text(s.value("by", Json(""))), Text(s.value("metric", Json(""))), std::to_string(s.value("slices", Json::array()).size())});
  if (rows.empty()) return {Para(T(lang, "no_slices"), "muted")};
  return {Table({T(lang, "evaluations"), T(lang, "name"), T(lang, "criteria"), T(lang, "rows")}, rows, T(lang, "slice_features"))};
}

std::vector<Block> Quantitative(const CardInputs& in, const std::string& lang) {
  if (in.evaluations.empty()) return {Para(T(lang, "no_evaluation"), "muted")};
  std::vector<Block> out;
  for (const auto& [name, ev] : in.evaluations) {
    out.push_back(Make(Block::kSubheading, name));
    for (auto& b : report::EvaluationBlocks(lang, ev)) out.push_back(std::move(b));
    for (auto& b : report::SliceBlocks(lang, ev)) out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

const std::vector<std::string>& CardSectionKeys() {
  static const std::vector<std::string> kKeys = {"details",       "intended_use",          "factors",
                                                 "metrics",       "evaluation_data",       "training_data",
                                                 "quantitative_analyses", "ethical_considerations", "caveats_recommendations"};
  return kKeys;
}

Json BuildModelCard(const CardInputs& in) {
  const std::string lang = in.lang == "ko" ? "ko" : "en";
  std::map<std::string, const CardSection*> written;
  for (const auto& s : in.written) written[s.key] = &s;
  Json sections = Json::array();
  for (const std::string& key : CardSectionKeys()) {
    std::vector<Block> blocks;
    if (key == "details") blocks = Details(in, lang);
    else if (key == "intended_use") blocks = IntendedUse(in, lang);
    else if (key == "factors") blocks = Factors(in, lang);
    else if (key == "metrics") blocks = Metrics(in, lang);
    else if (key == "evaluation_data") blocks = EvaluationData(in, lang);
    else if (key == "training_data") blocks = TrainingData(in, lang);
    else if (key == "quantitative_analyses") blocks = Quantitative(in, lang);
    Json bj = Json::array();
    for (const auto& b : blocks) bj.push_back(BlockJson(b));
    Json s{{"key", key}, {"title", T(lang, key)}, {"blocks", bj}, {"text", ""}, {"updated_by", ""}, {"updated_at", 0}};
    if (auto it = written.find(key); it != written.end()) {
      s["text"] = it->second->text;
      s["updated_by"] = it->second->updated_by;
      s["updated_at"] = it->second->updated_at;
    }
    sections.push_back(std::move(s));
  }
  return Json{{"model", in.version.model_name}, {"version", in.version.version}, {"lang", lang},        {"title", T(lang, "title")},
              {"project", in.project},         {"generated_at", in.generated_at}, {"sections", sections}};
}

std::vector<Block> ModelCardBlocks(const Json& card) {
  std::string lang = card.value("lang", "en");
  std::vector<Block> out;
  for (const Json& s : card.value("sections", Json::array())) {
    out.push_back(Make(Block::kHeading, s.value("title", ""), s.value("key", "")));
    std::string text = s.value("text", "");
    out.push_back(text.empty() ? Para(T(lang, "not_written"), "muted") : Para(text, "text"));
    for (const Json& b : s.value("blocks", Json::array())) out.push_back(BlockFromJson(b));
  }
  return out;
}

}  // namespace moebius::registry

#include "label/human_level.h"

#include <map>

#include "label/agreement.h"

namespace moebius::label {

Result<std::optional<Json>> HumanLevel(LabelStore& store, int64_t project_id, const std::string& dataset, int64_t version) {
  ASSIGN_OR_RETURN(std::vector<LabelProject> projects, store.ListProjects(project_id));
  const LabelProject* chosen = nullptr;
  for (const LabelProject& p : projects)
    if (p.dataset == dataset && p.state == "finished" && p.result_version <= version && (!chosen || p.result_version > chosen->result_version))
      chosen = &p;
  if (!chosen) return std::optional<Json>();
  ASSIGN_OR_RETURN(LabelSchema schema, store.GetSchemaById(chosen->schema_id));
  ASSIGN_OR_RETURN(std::vector<LabelItem> items, store.Items(chosen->id));
  std::map<int64_t, std::string> path_of;
  for (const LabelItem& it : items) path_of[it.id] = it.path;
  std::vector<Annotated> annotated;
  for (const char* state : {"submitted", "accepted"}) {
    ASSIGN_OR_RETURN(std::vector<Assignment> as, store.Assignments(chosen->id, InState(state)));
    for (Assignment& a : as) annotated.push_back({a.item_id, path_of[a.item_id], a.labeler, std::move(a.annotation)});
  }
  Json report = AgreementReport(schema.spec, annotated);
  const Json& hlp = report["hlp"];
  if (!hlp.is_object()) return std::optional<Json>();
  Json metrics = Json::object();
  std::string metric = hlp["metric"].get<std::string>();
  if (metric == "token_f1") {
    metrics["f1"] = hlp["value"];
    metrics["exact_match"] = hlp["exact_match"];
  } else {
    metrics[metric == "span_f1" ? "f1" : metric] = hlp["value"];
  }
  return std::optional<Json>(Json{{"metrics", metrics},
                                  {"labeling_project", chosen->name},
                                  {"labeled_version", "v" + std::to_string(chosen->result_version)},
                                  {"items_compared", report["items_compared"]},
                                  {"labelers", report["labelers"]}});
}

}  // namespace moebius::label

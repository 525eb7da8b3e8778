#include "api/label_views.h"

namespace moebius::api {

Json LabelSchemaJson(const label::LabelSchema& s) {
  return Json{{"id", s.id}, {"name", s.name}, {"version", s.version}, {"task_type", s.task_type}, {"spec", s.spec},
              {"created_by", s.created_by}, {"created_at", s.created_at}};
}

Json LabelProjectJson(const label::LabelProject& p) {
  return Json{{"id", p.id},
              {"name", p.name},
              {"description", p.description},
              {"dataset", p.dataset},
              {"data_version", "v" + std::to_string(p.data_version)},
              {"overlap", p.overlap},
              {"batch_size", p.batch_size},
              {"state", p.state},
              {"result_version", p.result_version ? Json("v" + std::to_string(p.result_version)) : Json(nullptr)},
              {"item_count", p.item_count},
              {"created_by", p.created_by},
              {"created_at", p.created_at},
              {"finished_at", p.finished_at ? Json(p.finished_at) : Json(nullptr)}};
}

Json LabelItemJson(const label::LabelItem& i) {
  return Json{{"id", i.id}, {"path", i.path}, {"sha256", i.sha256}, {"size", i.size}, {"batch", i.batch}};
}

Json AssignmentJson(const label::Assignment& a, bool with_annotation) {
  Json j{{"id", a.id},           {"item_id", a.item_id},   {"labeler", a.labeler},       {"state", a.state},
         {"comment", a.comment}, {"reviewer", a.reviewer}, {"revision", a.revision},     {"created_at", a.created_at},
         {"updated_at", a.updated_at}};
  if (with_annotation) j["annotation"] = a.annotation;
  return j;
}

Json LabelEventJson(const label::LabelEvent& e) {
  return Json{{"id", e.id},           {"item_id", e.item_id}, {"assignment_id", e.assignment_id}, {"actor", e.actor},
              {"action", e.action},   {"annotation", e.annotation}, {"comment", e.comment}, {"at", e.at}};
}

}  // namespace moebius::api

// Value types of labeling (LBL-1 to LBL-5): schemas, labeling projects over a data version, their
// items, the assignments of items to labelers with their annotation, and every change as an event.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.h"

namespace moebius::label {

// A schema (label classes and the kind of annotation) of a project; saving a schema under a name
// that exists makes its next version, so a labeling project keeps the version it was made with.
struct LabelSchema {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  int64_t version = 0;
  std::string task_type;  // one of TaskTypes() (label_schema.h)
  Json spec;              // {"task_type", "classes": [...], "multi_label", "allow_overlap"}
  std::string created_by;
  int64_t created_at = 0;
};

// A labeling project: the items of one dataset version, cut into batches, to be labeled under one
// schema version by `overlap` labelers per item. Finishing it makes a labeled dataset version.
struct LabelProject {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  std::string description;
  int64_t dataset_id = 0;
  std::string dataset;
  int64_t data_version = 0;  // the version labeled
  int64_t schema_id = 0;
  int64_t overlap = 1;       // labelers per item that round-robin assigns
  int64_t batch_size = 100;
  std::string state;         // open, finished
  int64_t result_version = 0;  // the labeled dataset version made by finishing; 0 while open
  int64_t item_count = 0;
  std::string created_by;
  int64_t created_at = 0;
  int64_t finished_at = 0;
};

struct LabelItem {
  int64_t id = 0;
  int64_t label_project_id = 0;
  std::string path;
  std::string sha256;
  int64_t size = 0;
  int64_t batch = 1;  // 1, 2, ... in path order
  int64_t width = 0, height = 0;  // images: recorded the first time the item's header is read
};

// Assignment states: todo → in_progress (saved) → submitted → accepted, or rejected (with the
// reviewer's comment) → in_progress → submitted again.
inline const std::vector<std::string>& AssignmentStates() {
  static const std::vector<std::string> kStates = {"todo", "in_progress", "submitted", "accepted", "rejected"};
  return kStates;
}

// One item given to one labeler, with that labeler's current annotation.
struct Assignment {
  int64_t id = 0;
  int64_t label_project_id = 0;
  int64_t item_id = 0;
  std::string labeler;
  std::string state = "todo";
  Json annotation = Json::object();
  std::string comment;   // the reviewer's, when rejected or accepted with a note
  std::string reviewer;
  int64_t revision = 0;  // number of annotation changes
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Every change of an assignment, kept for ever (LBL-4): who, when, what, and the annotation after.
struct LabelEvent {
  int64_t id = 0;
  int64_t label_project_id = 0;
  int64_t item_id = 0;
  int64_t assignment_id = 0;
  std::string actor;
  std::string action;  // assign, save, submit, accept, reject, import
  Json annotation;     // the annotation after the change (null for assign, accept, reject)
  std::string comment;
  int64_t at = 0;
};

}  // namespace moebius::label

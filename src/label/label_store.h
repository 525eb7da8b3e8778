// The labeling tables (migrations 1300-1399): schemas by version, labeling projects, their items,
// assignments with the current annotation, and the append-only history of every change.
//
// Thread-safety: thread-safe (state lives in the database).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "label/label_types.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::label {

std::vector<store::Migration> LabelMigrations();

struct AssignmentFilter {
  std::optional<std::string> labeler;
  std::optional<std::string> state;
  std::optional<int64_t> item_id;
  std::optional<int64_t> batch;
};

inline AssignmentFilter InState(std::string state) {
  AssignmentFilter f;
  f.state = std::move(state);
  return f;
}

// Counts of a project's assignments by labeler and state.
struct StateCount {
  std::string labeler;
  std::string state;
  int64_t count = 0;
};

class LabelStore {
 public:
  LabelStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // --- schemas: saving a name that exists adds its next version
  Result<LabelSchema> SaveSchema(int64_t project_id, const std::string& name, const Json& spec, const std::string& user);
  // The latest version when `version` is empty.
  Result<LabelSchema> GetSchema(int64_t project_id, const std::string& name, std::optional<int64_t> version = std::nullopt);
  Result<LabelSchema> GetSchemaById(int64_t id);
  // Every version of every schema of the project, by name then version.
  Result<std::vector<LabelSchema>> ListSchemas(int64_t project_id);

  // --- labeling projects and their items (made together, in one transaction)
  Result<LabelProject> CreateProject(LabelProject p, const std::vector<LabelItem>& items);
  Result<LabelProject> GetProject(int64_t project_id, const std::string& name);
  Result<std::vector<LabelProject>> ListProjects(int64_t project_id);
  Status MarkFinished(int64_t label_project_id, int64_t result_version);

  Result<std::vector<LabelItem>> Items(int64_t label_project_id, std::optional<int64_t> batch = std::nullopt);
  Result<LabelItem> GetItem(int64_t label_project_id, int64_t item_id);
  Result<std::optional<LabelItem>> FindItem(int64_t label_project_id, const std::string& path);

  Status SetItemSize(int64_t item_id, int64_t width, int64_t height);

  // --- assignments
  // Adds (item, labeler) pairs as "todo", each with an "assign" event by `actor`; pairs that
  // exist are skipped. Returns how many were added.
  Result<int64_t> AddAssignments(int64_t label_project_id, const std::vector<std::pair<int64_t, std::string>>& pairs, const std::string& actor);
  Result<std::vector<Assignment>> Assignments(int64_t label_project_id, const AssignmentFilter& filter = {});
  Result<Assignment> GetAssignment(int64_t label_project_id, int64_t id);
  // Writes `a` (state, annotation, comment, reviewer) if its stored revision is still
  // `expected_revision` (kConflict, 409, otherwise: someone changed it meanwhile), with `event`.
  // The revision goes up by one when the annotation changed.
  Result<Assignment> UpdateAssignment(Assignment a, int64_t expected_revision, LabelEvent event);
  // Imported annotations (all or none, in one transaction): each becomes `labeler`'s submitted
  // annotation of its item (made if missing), with an "import" event by `actor` noting `note`.
  // An item whose annotation by `labeler` is already submitted or accepted is kFailedPrecondition.
  Result<int64_t> ImportAnnotations(int64_t label_project_id, const std::vector<std::pair<int64_t, Json>>& annotations,
                                    const std::string& labeler, const std::string& actor, const std::string& note);
  Result<std::vector<StateCount>> CountStates(int64_t label_project_id);

  // --- history, oldest first
  Result<std::vector<LabelEvent>> Events(int64_t label_project_id, std::optional<int64_t> item_id = std::nullopt);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace moebius::label

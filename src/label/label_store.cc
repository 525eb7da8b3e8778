#include "label/label_store.h"

namespace moebius::label {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

constexpr char kSchemaColumns[] = "id, project_id, name, version, task_type, spec, created_by, created_at";
constexpr char kProjectColumns[] =
    "id, project_id, name, description, dataset_id, dataset, data_version, schema_id, overlap, batch_size, state, result_version, "
    "item_count, created_by, created_at, finished_at";
constexpr char kItemColumns[] = "id, label_project_id, path, sha256, size, batch, width, height";
constexpr char kAssignmentColumns[] =
    "id, label_project_id, item_id, labeler, state, annotation, comment, reviewer, revision, created_at, updated_at";
constexpr char kEventColumns[] = "id, label_project_id, item_id, assignment_id, actor, action, annotation, comment, at";

// Stored documents were written by this code; one that does not parse is reported, not thrown.
Json ParseStored(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? Json(nullptr) : j;
}

LabelSchema SchemaOf(const Row& r) {
  return LabelSchema{r.Int(0), r.Int(1), r.Text(2), r.Int(3), r.Text(4), ParseStored(r.Text(5)), r.Text(6), r.Int(7)};
}

LabelProject ProjectOf(const Row& r) {
  LabelProject p;
  p.id = r.Int(0);
  p.project_id = r.Int(1);
  p.name = r.Text(2);
  p.description = r.Text(3);
  p.dataset_id = r.Int(4);
  p.dataset = r.Text(5);
  p.data_version = r.Int(6);
  p.schema_id = r.Int(7);
  p.overlap = r.Int(8);
  p.batch_size = r.Int(9);
  p.state = r.Text(10);
  p.result_version = r.Int(11);
  p.item_count = r.Int(12);
  p.created_by = r.Text(13);
  p.created_at = r.Int(14);
  p.finished_at = r.Int(15);
  return p;
}

LabelItem ItemOf(const Row& r) { return LabelItem{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Int(4), r.Int(5), r.Int(6), r.Int(7)}; }

Assignment AssignmentOf(const Row& r) {
  Assignment a;
  a.id = r.Int(0);
  a.label_project_id = r.Int(1);
  a.item_id = r.Int(2);
  a.labeler = r.Text(3);
  a.state = r.Text(4);
  a.annotation = ParseStored(r.Text(5));
  a.comment = r.Text(6);
  a.reviewer = r.Text(7);
  a.revision = r.Int(8);
  a.created_at = r.Int(9);
  a.updated_at = r.Int(10);
  return a;
}

LabelEvent EventOf(const Row& r) {
  return LabelEvent{r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Text(4), r.Text(5), ParseStored(r.Text(6)), r.Text(7), r.Int(8)};
}

Status InsertEvent(Tx& tx, LabelEvent e) {
  ASSIGN_OR_RETURN(e.id, tx.NextId("label_events"));
  return tx.Exec(std::string("INSERT INTO label_events (") + kEventColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {e.id, e.label_project_id, e.item_id, e.assignment_id, e.actor, e.action, e.annotation.dump(), e.comment, e.at})
      .status();
}

}  // namespace

std::vector<store::Migration> LabelMigrations() {
  return {
      // Labeling (LBL-1 to LBL-5). label_assignments holds each labeler's current annotation;
      // label_events is append-only: every assignment, save, submission and review, with the
      // annotation after it, so the history of any item is a query.
      {1300, "labeling_core", R"SQL(
CREATE TABLE label_schemas (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  task_type TEXT NOT NULL,
  spec TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (project_id, name, version)
);
CREATE TABLE label_projects (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  dataset_id BIGINT NOT NULL,
  dataset TEXT NOT NULL,
  data_version BIGINT NOT NULL,
  schema_id BIGINT NOT NULL,
  overlap BIGINT NOT NULL,
  batch_size BIGINT NOT NULL,
  state TEXT NOT NULL,
  result_version BIGINT NOT NULL,
  item_count BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE TABLE label_items (
  id BIGINT PRIMARY KEY,
  label_project_id BIGINT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  batch BIGINT NOT NULL,
  width BIGINT NOT NULL,
  height BIGINT NOT NULL,
  UNIQUE (label_project_id, path)
);
CREATE INDEX label_items_batch ON label_items (label_project_id, batch, id);
CREATE TABLE label_assignments (
  id BIGINT PRIMARY KEY,
  label_project_id BIGINT NOT NULL,
  item_id BIGINT NOT NULL,
  labeler TEXT NOT NULL,
  state TEXT NOT NULL,
  annotation TEXT NOT NULL,
  comment TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  revision BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (item_id, labeler)
);
CREATE INDEX label_assignments_project ON label_assignments (label_project_id, labeler, state);
CREATE INDEX label_assignments_item ON label_assignments (label_project_id, item_id);
CREATE TABLE label_events (
  id BIGINT PRIMARY KEY,
  label_project_id BIGINT NOT NULL,
  item_id BIGINT NOT NULL,
  assignment_id BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  annotation TEXT NOT NULL,
  comment TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX label_events_item ON label_events (label_project_id, item_id, id);
)SQL"},
  };
}

Result<LabelSchema> LabelStore::SaveSchema(int64_t project_id, const std::string& name, const Json& spec, const std::string& user) {
  LabelSchema s;
  s.project_id = project_id;
  s.name = name;
  s.task_type = spec.value("task_type", "");
  s.spec = spec;
  s.created_by = user;
  s.created_at = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows max, tx.Query("SELECT COALESCE(MAX(version), 0) FROM label_schemas WHERE project_id = ? AND name = ?", {project_id, name}));
    s.version = max[0].Int(0) + 1;
    ASSIGN_OR_RETURN(s.id, tx.NextId("label_schemas"));
    return tx.Exec(std::string("INSERT INTO label_schemas (") + kSchemaColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {s.id, project_id, name, s.version, s.task_type, spec.dump(), user, s.created_at})
        .status();
  }));
  return s;
}

Result<LabelSchema> LabelStore::GetSchema(int64_t project_id, const std::string& name, std::optional<int64_t> version) {
  LabelSchema out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    std::string sql = std::string("SELECT ") + kSchemaColumns + " FROM label_schemas WHERE project_id = ? AND name = ?";
    std::vector<SqlValue> params{project_id, name};
    if (version) {
      sql += " AND version = ?";
      params.push_back(*version);
    } else {
      sql += " ORDER BY version DESC LIMIT 1";
    }
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, sql, params, "label schema '" + name + "'" + (version ? " version " + std::to_string(*version) : "")));
    out = SchemaOf(r);
    return Status::Ok();
  }));
  return out;
}

Result<LabelSchema> LabelStore::GetSchemaById(int64_t id) {
  LabelSchema out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kSchemaColumns + " FROM label_schemas WHERE id = ?", {id},
                                            "label schema " + std::to_string(id)));
    out = SchemaOf(r);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<LabelSchema>> LabelStore::ListSchemas(int64_t project_id) {
  std::vector<LabelSchema> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kSchemaColumns + " FROM label_schemas WHERE project_id = ? ORDER BY name, version",
                                         {project_id}));
    for (const Row& r : rows) out.push_back(SchemaOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<LabelProject> LabelStore::CreateProject(LabelProject p, const std::vector<LabelItem>& items) {
  p.created_at = clock_.NowMillis();
  p.state = "open";
  p.item_count = static_cast<int64_t>(items.size());
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows taken, tx.Query("SELECT id FROM label_projects WHERE project_id = ? AND name = ?", {p.project_id, p.name}));
    if (!taken.empty()) return AlreadyExists("labeling project '" + p.name + "' already exists");
    ASSIGN_OR_RETURN(p.id, tx.NextId("label_projects"));
    RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO label_projects (") + kProjectColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {p.id, p.project_id, p.name, p.description, p.dataset_id, p.dataset, p.data_version, p.schema_id, p.overlap,
                             p.batch_size, p.state, p.result_version, p.item_count, p.created_by, p.created_at, p.finished_at})
                        .status());
    std::vector<std::vector<SqlValue>> rows;
    rows.reserve(items.size());
    for (const LabelItem& it : items) {
      ASSIGN_OR_RETURN(int64_t id, tx.NextId("label_items"));
      rows.push_back({id, p.id, it.path, it.sha256, it.size, it.batch, it.width, it.height});
    }
    return tx.ExecMany(std::string("INSERT INTO label_items (") + kItemColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows);
  }));
  return p;
}

Result<LabelProject> LabelStore::GetProject(int64_t project_id, const std::string& name) {
  LabelProject out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kProjectColumns + " FROM label_projects WHERE project_id = ? AND name = ?",
                                            {project_id, name}, "labeling project '" + name + "'"));
    out = ProjectOf(r);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<LabelProject>> LabelStore::ListProjects(int64_t project_id) {
  std::vector<LabelProject> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kProjectColumns + " FROM label_projects WHERE project_id = ? ORDER BY name", {project_id}));
    for (const Row& r : rows) out.push_back(ProjectOf(r));
    return Status::Ok();
  }));
  return out;
}

Status LabelStore::MarkFinished(int64_t label_project_id, int64_t result_version) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE label_projects SET state = 'finished', result_version = ?, finished_at = ? WHERE id = ? AND state = 'open'",
                                        {result_version, clock_.NowMillis(), label_project_id}));
    if (n == 0) return FailedPrecondition("the labeling project is already finished");
    return Status::Ok();
  });
}

Result<std::vector<LabelItem>> LabelStore::Items(int64_t label_project_id, std::optional<int64_t> batch) {
  std::vector<LabelItem> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    std::string sql = std::string("SELECT ") + kItemColumns + " FROM label_items WHERE label_project_id = ?";
    std::vector<SqlValue> params{label_project_id};
    if (batch) {
      sql += " AND batch = ?";
      params.push_back(*batch);
    }
    ASSIGN_OR_RETURN(Rows rows, tx.Query(sql + " ORDER BY id", params));
    out.reserve(rows.size());
    for (const Row& r : rows) out.push_back(ItemOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<LabelItem> LabelStore::GetItem(int64_t label_project_id, int64_t item_id) {
  LabelItem out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kItemColumns + " FROM label_items WHERE label_project_id = ? AND id = ?",
                                            {label_project_id, item_id}, "item " + std::to_string(item_id) + " of the labeling project"));
    out = ItemOf(r);
    return Status::Ok();
  }));
  return out;
}

Result<std::optional<LabelItem>> LabelStore::FindItem(int64_t label_project_id, const std::string& path) {
  std::optional<LabelItem> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kItemColumns + " FROM label_items WHERE label_project_id = ? AND path = ?",
                                         {label_project_id, path}));
    if (!rows.empty()) out = ItemOf(rows[0]);
    return Status::Ok();
  }));
  return out;
}

Status LabelStore::SetItemSize(int64_t item_id, int64_t width, int64_t height) {
  return db_.Write([&](Tx& tx) -> Status {
    return tx.Exec("UPDATE label_items SET width = ?, height = ? WHERE id = ?", {width, height, item_id}).status();
  });
}

Result<int64_t> LabelStore::ImportAnnotations(int64_t label_project_id, const std::vector<std::pair<int64_t, Json>>& annotations,
                                              const std::string& labeler, const std::string& actor, const std::string& note) {
  int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    for (const auto& [item, annotation] : annotations) {
      ASSIGN_OR_RETURN(Rows have, tx.Query(std::string("SELECT ") + kAssignmentColumns + " FROM label_assignments WHERE item_id = ? AND labeler = ?",
                                           {item, labeler}));
      int64_t id = 0;
      if (have.empty()) {
        ASSIGN_OR_RETURN(id, tx.NextId("label_assignments"));
        RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO label_assignments (") + kAssignmentColumns +
                                    ") VALUES (?, ?, ?, ?, 'submitted', ?, '', '', 1, ?, ?)",
                                {id, label_project_id, item, labeler, annotation.dump(), now, now})
                            .status());
      } else {
        Assignment a = AssignmentOf(have[0]);
        id = a.id;
        if (a.state == "accepted" || a.state == "submitted")
          return FailedPrecondition("the item of assignment " + std::to_string(a.id) + " is already " + a.state + " for " + labeler);
        RETURN_IF_ERROR(tx.Exec("UPDATE label_assignments SET state = 'submitted', annotation = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
                                {annotation.dump(), now, id})
                            .status());
      }
      RETURN_IF_ERROR(InsertEvent(tx, LabelEvent{0, label_project_id, item, id, actor, "import", annotation, note, now}));
    }
    return Status::Ok();
  }));
  return static_cast<int64_t>(annotations.size());
}

Result<int64_t> LabelStore::AddAssignments(int64_t label_project_id, const std::vector<std::pair<int64_t, std::string>>& pairs,
                                           const std::string& actor) {
  int64_t added = 0;
  int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    added = 0;
    for (const auto& [item, labeler] : pairs) {
      ASSIGN_OR_RETURN(Rows have, tx.Query("SELECT id FROM label_assignments WHERE item_id = ? AND labeler = ?", {item, labeler}));
      if (!have.empty()) continue;
      ASSIGN_OR_RETURN(int64_t id, tx.NextId("label_assignments"));
      RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO label_assignments (") + kAssignmentColumns + ") VALUES (?, ?, ?, ?, 'todo', '{}', '', '', 0, ?, ?)",
                              {id, label_project_id, item, labeler, now, now})
                          .status());
      RETURN_IF_ERROR(InsertEvent(tx, LabelEvent{0, label_project_id, item, id, actor, "assign", Json(nullptr), "to " + labeler, now}));
      ++added;
    }
    return Status::Ok();
  }));
  return added;
}

Result<std::vector<Assignment>> LabelStore::Assignments(int64_t label_project_id, const AssignmentFilter& f) {
  std::vector<Assignment> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    std::string sql = "SELECT a.id, a.label_project_id, a.item_id, a.labeler, a.state, a.annotation, a.comment, a.reviewer, a.revision, "
                      "a.created_at, a.updated_at FROM label_assignments a";
    std::vector<SqlValue> params;
    if (f.batch) sql += " JOIN label_items i ON i.id = a.item_id";
    sql += " WHERE a.label_project_id = ?";
    params.push_back(label_project_id);
    if (f.labeler) {
      sql += " AND a.labeler = ?";
      params.push_back(*f.labeler);
    }
    if (f.state) {
      sql += " AND a.state = ?";
      params.push_back(*f.state);
    }
    if (f.item_id) {
      sql += " AND a.item_id = ?";
      params.push_back(*f.item_id);
    }
    if (f.batch) {
      sql += " AND i.batch = ?";
      params.push_back(*f.batch);
    }
    ASSIGN_OR_RETURN(Rows rows, tx.Query(sql + " ORDER BY a.item_id, a.id", params));
    out.reserve(rows.size());
    for (const Row& r : rows) out.push_back(AssignmentOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<Assignment> LabelStore::GetAssignment(int64_t label_project_id, int64_t id) {
  Assignment out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kAssignmentColumns + " FROM label_assignments WHERE label_project_id = ? AND id = ?",
                                            {label_project_id, id}, "assignment " + std::to_string(id) + " of the labeling project"));
    out = AssignmentOf(r);
    return Status::Ok();
  }));
  return out;
}

Result<Assignment> LabelStore::UpdateAssignment(Assignment a, int64_t expected_revision, LabelEvent event) {
  int64_t now = clock_.NowMillis();
  a.updated_at = now;
  event.at = now;
  event.label_project_id = a.label_project_id;
  event.item_id = a.item_id;
  event.assignment_id = a.id;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE label_assignments SET state = ?, annotation = ?, comment = ?, reviewer = ?, revision = ?, updated_at = ? "
                                        "WHERE id = ? AND revision = ?",
                                        {a.state, a.annotation.dump(), a.comment, a.reviewer, a.revision, now, a.id, expected_revision}));
    if (n == 0) return Conflict("assignment " + std::to_string(a.id) + " was changed meanwhile; reload it");
    return InsertEvent(tx, event);
  }));
  return a;
}

Result<std::vector<StateCount>> LabelStore::CountStates(int64_t label_project_id) {
  std::vector<StateCount> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT labeler, state, COUNT(*) FROM label_assignments WHERE label_project_id = ? GROUP BY labeler, state "
                                         "ORDER BY labeler, state",
                                         {label_project_id}));
    for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1), r.Int(2)});
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<LabelEvent>> LabelStore::Events(int64_t label_project_id, std::optional<int64_t> item_id) {
  std::vector<LabelEvent> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    std::string sql = std::string("SELECT ") + kEventColumns + " FROM label_events WHERE label_project_id = ?";
    std::vector<SqlValue> params{label_project_id};
    if (item_id) {
      sql += " AND item_id = ?";
      params.push_back(*item_id);
    }
    ASSIGN_OR_RETURN(Rows rows, tx.Query(sql + " ORDER BY id", params));
    for (const Row& r : rows) out.push_back(EventOf(r));
    return Status::Ok();
  }));
  return out;
}

}  // namespace moebius::label

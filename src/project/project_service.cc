#include "project/project_service.h"

#include <algorithm>

#include "base/json.h"

namespace moebius::project {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

constexpr char kProjectColumns[] = "id, name, display_name, description, org_id, archived, created_at, created_by";
constexpr char kTaskColumns[] =
    "id, project_id, name, domain, problem_type, primary_metric, metrics, acceptance_criteria, description, created_at, updated_at";

Project ProjectOf(const Row& r) {
  Project p;
  p.id = r.Int(0);
  p.name = r.Text(1);
  p.display_name = r.Text(2);
  p.description = r.Text(3);
  if (!r.IsNull(4)) p.org_id = r.Int(4);
  p.archived = r.Int(5) != 0;
  p.created_at = r.Int(6);
  p.created_by = r.Text(7);
  return p;
}

Task TaskOf(const Row& r) {
  Task t;
  t.id = r.Int(0);
  t.project_id = r.Int(1);
  t.name = r.Text(2);
  t.domain = r.Text(3);
  t.problem_type = r.Text(4);
  t.primary_metric = r.Text(5);
  Json m = Json::parse(r.Text(6), nullptr, false);
  if (m.is_array())
    for (const auto& x : m)
      if (x.is_string()) t.metrics.push_back(x.get<std::string>());
  t.acceptance_criteria = r.Text(7);
  t.description = r.Text(8);
  t.created_at = r.Int(9);
  t.updated_at = r.Int(10);
  return t;
}

Status ValidateName(std::string_view what, const std::string& name) {
  if (name.empty() || name.size() > 63) return InvalidArgument(std::string(what) + " must be 1 to 63 characters");
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!(alnum || (i > 0 && (c == '-' || c == '_'))))
      return InvalidArgument(std::string(what) + " '" + name +
                             "' may use only lowercase letters, digits, '-' and '_', starting with a letter or digit");
  }
  return Status::Ok();
}

Status ValidateText(std::string_view what, const std::string& s, size_t max) {
  if (s.size() > max) return InvalidArgument(std::string(what) + " must be at most " + std::to_string(max) + " bytes");
  return Status::Ok();
}

Status ValidateMetricName(const std::string& m) {
  if (m.empty() || m.size() > 250) return InvalidArgument("metric names must be 1 to 250 characters");
  for (char c : m)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '/'))
      return InvalidArgument("metric name '" + m + "' may use only letters, digits, '_', '-', '.' and '/'");
  return Status::Ok();
}

bool Contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// Merges `spec` into `t` and validates the result as a whole.
Status ApplySpec(Task& t, const TaskSpec& spec) {
  if (spec.name) t.name = *spec.name;
  if (spec.domain) t.domain = *spec.domain;
  if (spec.problem_type) t.problem_type = *spec.problem_type;
  if (spec.primary_metric) t.primary_metric = *spec.primary_metric;
  if (spec.metrics) t.metrics = *spec.metrics;
  if (spec.description) t.description = *spec.description;
  RETURN_IF_ERROR(ValidateName("task name", t.name));
  if (!Contains(Domains(), t.domain))
    return InvalidArgument("domain '" + t.domain + "' is not one of: vision, language, tabular, multimodal");
  if (!Contains(ProblemTypes(), t.problem_type)) {
    std::string all;
    for (const auto& p : ProblemTypes()) all += (all.empty() ? "" : ", ") + p;
    return InvalidArgument("problem_type '" + t.problem_type + "' is not one of: " + all);
  }
  RETURN_IF_ERROR(ValidateText("description", t.description, 10000));
  if (t.metrics.size() > 50) return InvalidArgument("a task may list at most 50 metrics");
  for (const auto& m : t.metrics) RETURN_IF_ERROR(ValidateMetricName(m));
  if (!t.primary_metric.empty()) {
    RETURN_IF_ERROR(ValidateMetricName(t.primary_metric));
    if (!Contains(t.metrics, t.primary_metric)) t.metrics.insert(t.metrics.begin(), t.primary_metric);
  }
  if (spec.acceptance_criteria) {
    if (spec.acceptance_criteria->empty()) {
      t.acceptance_criteria.clear();
    } else {
      auto parsed = eval::ParseCriteria(*spec.acceptance_criteria);
      if (!parsed.ok()) return parsed.status().WithContext("acceptance_criteria");
      t.acceptance_criteria = parsed->Canonical();
    }
  }
  return Status::Ok();
}

std::string MetricsJson(const std::vector<std::string>& metrics) { return Json(metrics).dump(); }

}  // namespace

const std::vector<std::string>& Domains() {
  static const std::vector<std::string> kDomains = {"vision", "language", "tabular", "multimodal"};
  return kDomains;
}

const std::vector<std::string>& ProblemTypes() {
  static const std::vector<std::string> kTypes = {
      "classification",  "regression", "detection",        "segmentation",      "ner", "qa", "clustering",
      "time-series-classification", "anomaly-detection", "ranking"};
  return kTypes;
}

Result<Project> ProjectService::CreateProject(const std::string& name, const std::string& display_name,
                                              const std::string& description, std::optional<int64_t> org_id,
                                              const std::string& created_by, const OnCreated& on_created) {
  RETURN_IF_ERROR(ValidateName("project name", name));
  RETURN_IF_ERROR(ValidateText("display_name", display_name, 200));
  RETURN_IF_ERROR(ValidateText("description", description, 10000));
  Project p;
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(p.id, tx.NextId("projects"));
    p.name = name;
    p.display_name = display_name.empty() ? name : display_name;
    p.description = description;
    p.org_id = org_id;
    p.created_at = clock_.NowMillis();
    p.created_by = created_by;
    RETURN_IF_ERROR(tx.Exec("INSERT INTO projects (id, name, display_name, description, org_id, archived, created_at, created_by) "
                            "VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                            {p.id, p.name, p.display_name, p.description, org_id ? SqlValue(*org_id) : SqlValue(nullptr),
                             p.created_at, p.created_by})
                        .status());
    return on_created ? on_created(tx, p) : Status::Ok();
  });
  if (st.code() == StatusCode::kAlreadyExists) return AlreadyExists("project '" + name + "' already exists");
  RETURN_IF_ERROR(st);
  return p;
}

Result<Project> ProjectService::GetProject(const std::string& name) {
  Project p;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kProjectColumns + " FROM projects WHERE name = ?",
                                            {name}, "project '" + name + "' does not exist"));
    p = ProjectOf(r);
    return Status::Ok();
  }));
  return p;
}

Result<Project> ProjectService::GetProjectById(int64_t id) {
  Project p;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kProjectColumns + " FROM projects WHERE id = ?", {id},
                                            "project " + std::to_string(id) + " does not exist"));
    p = ProjectOf(r);
    return Status::Ok();
  }));
  return p;
}

Result<std::vector<Project>> ProjectService::ListProjects(bool include_archived,
                                                          const std::optional<std::vector<int64_t>>& visible) {
  std::vector<Project> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kProjectColumns + " FROM projects ORDER BY name"));
    for (const Row& r : rows) {
      Project p = ProjectOf(r);
      if (p.archived && !include_archived) continue;
      if (visible && std::find(visible->begin(), visible->end(), p.id) == visible->end()) continue;
      out.push_back(std::move(p));
    }
    return Status::Ok();
  }));
  return out;
}

Result<Project> ProjectService::UpdateProject(const std::string& name, const ProjectUpdate& up) {
  if (up.display_name) {
    RETURN_IF_ERROR(ValidateText("display_name", *up.display_name, 200));
    if (up.display_name->empty()) return InvalidArgument("display_name must not be empty");
  }
  if (up.description) RETURN_IF_ERROR(ValidateText("description", *up.description, 10000));
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT id FROM projects WHERE name = ?", {name}, "project '" + name + "' does not exist"));
    if (up.display_name) RETURN_IF_ERROR(tx.Exec("UPDATE projects SET display_name = ? WHERE id = ?", {*up.display_name, r.Int(0)}).status());
    if (up.description) RETURN_IF_ERROR(tx.Exec("UPDATE projects SET description = ? WHERE id = ?", {*up.description, r.Int(0)}).status());
    return Status::Ok();
  }));
  return GetProject(name);
}

Result<Project> ProjectService::SetArchived(const std::string& name, bool archived) {
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE projects SET archived = ? WHERE name = ?", {int64_t{archived ? 1 : 0}, name}));
    if (n == 0) return NotFound("project '" + name + "' does not exist");
    return Status::Ok();
  }));
  return GetProject(name);
}

Result<Task> ProjectService::CreateTask(int64_t project_id, const TaskSpec& spec) {
  if (!spec.name) return InvalidArgument("missing required field 'name'");
  if (!spec.domain) return InvalidArgument("missing required field 'domain'");
  if (!spec.problem_type) return InvalidArgument("missing required field 'problem_type'");
  Task t;
  t.project_id = project_id;
  RETURN_IF_ERROR(ApplySpec(t, spec));
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(t.id, tx.NextId("tasks"));
    t.created_at = t.updated_at = clock_.NowMillis();
    return tx.Exec(std::string("INSERT INTO tasks (") + kTaskColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {t.id, t.project_id, t.name, t.domain, t.problem_type, t.primary_metric, MetricsJson(t.metrics),
                    t.acceptance_criteria, t.description, t.created_at, t.updated_at})
        .status();
  });
  if (st.code() == StatusCode::kAlreadyExists) return AlreadyExists("task '" + t.name + "' already exists in this project");
  RETURN_IF_ERROR(st);
  return t;
}

Result<Task> ProjectService::GetTask(int64_t project_id, const std::string& name) {
  Task t;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kTaskColumns + " FROM tasks WHERE project_id = ? AND name = ?",
                                            {project_id, name}, "task '" + name + "' does not exist"));
    t = TaskOf(r);
    return Status::Ok();
  }));
  return t;
}

Result<std::vector<Task>> ProjectService::ListTasks(int64_t project_id) {
  std::vector<Task> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kTaskColumns + " FROM tasks WHERE project_id = ? ORDER BY name", {project_id}));
    for (const Row& r : rows) out.push_back(TaskOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<Task> ProjectService::UpdateTask(int64_t project_id, const std::string& name, const TaskSpec& spec) {
  ASSIGN_OR_RETURN(Task t, GetTask(project_id, name));
  RETURN_IF_ERROR(ApplySpec(t, spec));
  t.updated_at = clock_.NowMillis();
  Status st = db_.Write([&](Tx& tx) {
    return tx.Exec("UPDATE tasks SET name = ?, domain = ?, problem_type = ?, primary_metric = ?, metrics = ?, "
                   "acceptance_criteria = ?, description = ?, updated_at = ? WHERE id = ?",
                   {t.name, t.domain, t.problem_type, t.primary_metric, MetricsJson(t.metrics), t.acceptance_criteria,
                    t.description, t.updated_at, t.id})
        .status();
  });
  if (st.code() == StatusCode::kAlreadyExists) return AlreadyExists("task '" + t.name + "' already exists in this project");
  RETURN_IF_ERROR(st);
  return t;
}

std::vector<store::Migration> ProjectMigrations() {
  return {
      {200, "projects_tasks", R"SQL(
CREATE TABLE projects (
  id BIGINT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  description TEXT NOT NULL,
  org_id BIGINT,
  archived BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE tasks (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  domain TEXT NOT NULL,
  problem_type TEXT NOT NULL,
  primary_metric TEXT NOT NULL,
  metrics TEXT NOT NULL,
  acceptance_criteria TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (project_id, name)
)
)SQL"},
  };
}

}  // namespace moebius::project

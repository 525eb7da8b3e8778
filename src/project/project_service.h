// Projects (분석 과제, PRJ-1) and their tasks (PRJ-2).
//
// A task fixes what "good enough" means for a project's models: its domain, problem type,
// metrics and acceptance criteria (사용자승인기준). Criteria are parsed and validated when saved,
// stored in canonical form, and evaluated against a run's metrics on request.
//
// Thread-safety: thread-safe (state lives in the database).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "eval/criteria.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::project {

struct Project {
  int64_t id = 0;
  std::string name;
  std::string display_name;
  std::string description;
  std::optional<int64_t> org_id;
  bool archived = false;
  int64_t created_at = 0;
  std::string created_by;
};

struct ProjectUpdate {
  std::optional<std::string> display_name;
  std::optional<std::string> description;
};

// Domains and problem types accepted for tasks (REQUIREMENTS PRJ-2).
const std::vector<std::string>& Domains();
const std::vector<std::string>& ProblemTypes();

struct Task {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  std::string domain;
  std::string problem_type;
  std::string primary_metric;
  std::vector<std::string> metrics;
  std::string acceptance_criteria;  // canonical text; empty when none
  std::string description;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct TaskSpec {
  std::optional<std::string> name;
  std::optional<std::string> domain;
  std::optional<std::string> problem_type;
  std::optional<std::string> primary_metric;
  std::optional<std::vector<std::string>> metrics;
  std::optional<std::string> acceptance_criteria;
  std::optional<std::string> description;
};

class ProjectService {
 public:
  // Called inside the creating transaction, e.g. to make the creator a member.
  using OnCreated = std::function<Status(store::Tx&, const Project&)>;

  ProjectService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<Project> CreateProject(const std::string& name, const std::string& display_name, const std::string& description,
                                std::optional<int64_t> org_id, const std::string& created_by, const OnCreated& on_created);
  Result<Project> GetProject(const std::string& name);
  Result<Project> GetProjectById(int64_t id);
  // All projects, or only those with ids in `visible` when given.
  Result<std::vector<Project>> ListProjects(bool include_archived, const std::optional<std::vector<int64_t>>& visible);
  Result<Project> UpdateProject(const std::string& name, const ProjectUpdate& update);
  Result<Project> SetArchived(const std::string& name, bool archived);

  Result<Task> CreateTask(int64_t project_id, const TaskSpec& spec);
  Result<Task> GetTask(int64_t project_id, const std::string& name);
  Result<std::vector<Task>> ListTasks(int64_t project_id);
  Result<Task> UpdateTask(int64_t project_id, const std::string& name, const TaskSpec& spec);

 private:
  store::Database& db_;
  const Clock& clock_;
};

std::vector<store::Migration> ProjectMigrations();

}  // namespace moebius::project

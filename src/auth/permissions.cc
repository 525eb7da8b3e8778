#include "auth/permissions.h"

#include <algorithm>
#include <stdexcept>

namespace moebius::auth {
namespace {

using R = Role;

const std::vector<PermissionInfo>& Table() {
  static const std::vector<PermissionInfo> kTable = {
      {Permission::kPublic, "public", Scope::kPublic, "No credentials needed (health, metrics, login).", {}},
      {Permission::kAuthenticated, "authenticated", Scope::kAuthenticated,
       "Any signed-in user: own profile, own tokens, listing projects they can see.", {}},
      {Permission::kUserManage, "user.manage", Scope::kGlobal, "Create, change and disable user accounts.", {}},
      {Permission::kOrgManage, "org.manage", Scope::kGlobal, "Create and change organizations.", {}},
      {Permission::kProjectCreate, "project.create", Scope::kGlobal, "Create projects (analysis tasks, 분석 과제).",
       {R::kProjectManager}},
      {Permission::kAuditRead, "audit.read", Scope::kGlobal, "Read and verify the audit log.", {R::kApprover}},
      {Permission::kWorkerRun, "worker.run", Scope::kGlobal,
       "Act as a worker: claim queued jobs of any project, heartbeat, append their logs and report how they ended.",
       {R::kOperator}},
      {Permission::kProjectRead, "project.read", Scope::kProject,
       "See a project and everything in it: tasks, experiments, runs, members.",
       {R::kProjectManager, R::kDataEngineer, R::kLabeler, R::kModelDeveloper, R::kApprover, R::kOperator, R::kViewer}},
      {Permission::kProjectManage, "project.manage", Scope::kProject, "Change, archive and restore a project; add and remove its SQL source connections.",
       {R::kProjectManager}},
      {Permission::kMemberManage, "member.manage", Scope::kProject, "Add and remove members and set their roles.",
       {R::kProjectManager}},
      {Permission::kTaskWrite, "task.write", Scope::kProject,
       "Define tasks: domain, problem type, metrics and acceptance criteria.", {R::kProjectManager}},
      {Permission::kExperimentWrite, "experiment.write", Scope::kProject,
       "Create and change experiments and runs; log params, metrics, tags and artifacts.", {R::kModelDeveloper}},
      {Permission::kDataWrite, "data.write", Scope::kProject, "Ingest, refine, version and split datasets.",
       {R::kDataEngineer}},
      {Permission::kJobRun, "job.run", Scope::kProject, "Submit and cancel jobs (commands, training, trials) in a project.",
       {R::kDataEngineer, R::kModelDeveloper}},
      {Permission::kLabelWrite, "label.write", Scope::kProject,
       "Annotate the items assigned to you in labeling projects: save drafts and submit them for review.", {R::kLabeler}},
      {Permission::kLabelManage, "label.manage", Scope::kProject,
       "Define label schemas; create, assign, review (accept or reject), import into and finish labeling projects.",
       {R::kProjectManager, R::kDataEngineer}},
      {Permission::kModelConfirm, "model.confirm", Scope::kProject,
       "Confirm (확정) a run against its task's acceptance criteria, creating an immutable confirmed model package.",
       {R::kProjectManager, R::kModelDeveloper}},
      {Permission::kModelRegister, "model.register", Scope::kProject,
       "Register model versions and edit registered models: descriptions, tags, aliases, and stage moves outside production.",
       {R::kProjectManager, R::kModelDeveloper}},
      {Permission::kModelApprove, "model.approve", Scope::kProject, "Approve or reject models and deployments.",
       {R::kApprover}},
      {Permission::kDeploy, "deploy.write", Scope::kProject, "Deploy, roll back and operate deployments.",
       {R::kOperator}},
      {Permission::kEnvironmentWrite, "environment.write", Scope::kProject,
       "Create, edit (a new revision) and delete development and inference environments, secret variables included.",
       {R::kProjectManager, R::kModelDeveloper, R::kOperator}},
      {Permission::kCodeWrite, "code.write", Scope::kProject, "Push code snapshots (archives, git commits) to a project.",
       {R::kDataEngineer, R::kModelDeveloper}},
  };
  return kTable;
}

}  // namespace

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> kRoles = {R::kAdmin,          R::kProjectManager, R::kDataEngineer, R::kLabeler,
                                           R::kModelDeveloper, R::kApprover,       R::kOperator,     R::kViewer};
  return kRoles;
}

const std::vector<PermissionInfo>& AllPermissions() { return Table(); }

const PermissionInfo& InfoOf(Permission p) {
  for (const PermissionInfo& info : Table())
    if (info.permission == p) return info;
  throw std::logic_error("permission missing from the table");  // cannot happen: table covers the enum
}

const char* RoleName(Role r) {
  switch (r) {
    case R::kAdmin: return "admin";
    case R::kProjectManager: return "project-manager";
    case R::kDataEngineer: return "data-engineer";
    case R::kLabeler: return "labeler";
    case R::kModelDeveloper: return "model-developer";
    case R::kApprover: return "approver";
    case R::kOperator: return "operator";
    case R::kViewer: return "viewer";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : AllRoles())
    if (name == RoleName(r)) return r;
  return std::nullopt;
}

bool RoleHas(Role role, Permission p) {
  const PermissionInfo& info = InfoOf(p);
  if (info.scope == Scope::kPublic || info.scope == Scope::kAuthenticated) return true;
  if (role == R::kAdmin) return true;
  return std::find(info.roles.begin(), info.roles.end(), role) != info.roles.end();
}

std::string RenderPermissionsMarkdown() {
  std::string out =
      "# Roles and permissions\n\n"
      "Generated from `src/auth/permissions.cc` by `moebius permissions`; do not edit by hand.\n"
      "Global permissions are checked against a user's global role, project permissions against the\n"
      "user's role in the project (admins hold every permission everywhere).\n\n| permission | scope | description |";
  for (Role r : AllRoles()) out += std::string(" ") + RoleName(r) + " |";
  out += "\n| --- | --- | --- |";
  for (size_t i = 0; i < AllRoles().size(); ++i) out += " :-: |";
  out += "\n";
  for (const PermissionInfo& info : Table()) {
    const char* scope = info.scope == Scope::kPublic          ? "public"
                        : info.scope == Scope::kAuthenticated ? "authenticated"
                        : info.scope == Scope::kGlobal        ? "global"
                                                              : "project";
    out += std::string("| `") + info.name + "` | " + scope + " | " + info.description + " |";
    for (Role r : AllRoles()) out += RoleHas(r, info.permission) ? " ✓ |" : "   |";
    out += "\n";
  }
  return out;
}

}  // namespace moebius::auth

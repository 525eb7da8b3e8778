// Roles and permissions: the one place where who-may-do-what is defined (GOV-2). The router
// asks every route for a Permission; docs/permissions.md and GET /api/v1/permissions are
// rendered from this table, and the role x route test is generated from it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moebius::auth {

enum class Role {
  kAdmin,
  kProjectManager,
  kDataEngineer,
  kLabeler,
  kModelDeveloper,
  kApprover,
  kOperator,
  kViewer,
};

// Where a permission is checked: kPublic needs no credentials, kAuthenticated any valid
// credentials, kGlobal the caller's global role, kProject the caller's role in the project the
// route addresses.
enum class Scope { kPublic, kAuthenticated, kGlobal, kProject };

enum class Permission {
  kPublic,
  kAuthenticated,
  // global
  kUserManage,
  kOrgManage,
  kProjectCreate,
  kAuditRead,
  kWorkerRun,
  // project
  kProjectRead,
  kProjectManage,
  kMemberManage,
  kTaskWrite,
  kExperimentWrite,
  kDataWrite,
  kJobRun,
  kLabelWrite,
  kLabelManage,
  kModelConfirm,
  kModelRegister,
  kModelApprove,
  kDeploy,
  kEnvironmentWrite,
  kCodeWrite,
};

struct PermissionInfo {
  Permission permission;
  const char* name;  // "project.read"
  Scope scope;
  const char* description;
  std::vector<Role> roles;  // roles that hold it (admin holds everything)
};

const std::vector<Role>& AllRoles();
const std::vector<PermissionInfo>& AllPermissions();
const PermissionInfo& InfoOf(Permission p);
const char* RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);
bool RoleHas(Role role, Permission p);
// The matrix as a Markdown table (docs/permissions.md is this output).
std::string RenderPermissionsMarkdown();

}  // namespace moebius::auth

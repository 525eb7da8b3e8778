// Deployments and their history (INF-6, INF-8; docs/design/serving.md), migration 1200. A
// deployment is a named endpoint in an environment (development, staging, production) with one or
// more variants — a registered model version and a traffic weight each. Every change is an event
// of its history (who, when, what it was and became), so a rollback has a previous state to go to.
//
// Thread-safety: thread-safe (state lives in the database; each call is one transaction).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "serving/deployment_policy.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::serving {

struct Deployment {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;  // unique in the server: it is the v2 model name
  std::string environment = "development";  // development | staging | production
  // weighted: each request drawn by weight; sticky: the same key (the `sticky_header` value, e.g. a
  // user id) always reaches the same variant, by weight over keys.
  std::string strategy = "weighted";
  std::string sticky_header;
  std::vector<Variant> variants;
  DeploymentPolicy policy;
  std::string description;
  std::string created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct DeploymentEvent {
  int64_t id = 0;
  std::string action;  // create | update | rollback | delete
  std::string actor;
  int64_t at = 0;
  Json before;  // the variants before (null for create)
  Json after;   // the variants after
  std::string reason;
  // The variants a rollback from this state returns to when they are not `before` (the baseline of
  // a canary step, the state before a blue-green switch); null otherwise.
  Json rollback_to;
};

std::vector<store::Migration> ServingMigrations();

class DeploymentStore {
 public:
  DeploymentStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // kAlreadyExists when the name is taken.
  Result<Deployment> Create(Deployment d, const std::string& reason);
  Result<Deployment> Get(const std::string& name);  // kNotFound
  Result<std::vector<Deployment>> List(const std::vector<int64_t>& project_ids);
  // Replaces the variants, strategy fields and policy, recording `action` with the state before
  // (and `rollback_to`, see DeploymentEvent).
  Result<Deployment> Update(const std::string& name, const Deployment& next, const std::string& action, const std::string& actor,
                            const std::string& reason, const Json& rollback_to = nullptr);
  Status Delete(const std::string& name);
  Result<std::vector<DeploymentEvent>> History(int64_t deployment_id);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace moebius::serving

#include "serving/deployment_store.h"

namespace moebius::serving {
namespace {

using store::Row;
using store::Tx;

constexpr char kColumns[] =
    "id, project_id, name, environment, strategy, sticky_header, variants, description, created_by, created_at, updated_at, policy";

Result<Deployment> FromRow(const Row& r) {
  Deployment d;
  d.id = r.Int(0);
  d.project_id = r.Int(1);
  d.name = r.Text(2);
  d.environment = r.Text(3);
  d.strategy = r.Text(4);
  d.sticky_header = r.Text(5);
  Json v = Json::parse(r.Text(6), nullptr, false);
  auto variants = VariantsFromJson(v);
  if (!variants.ok()) return Internal("deployment " + d.name + " has unreadable variants: " + variants.status().message());
  d.variants = std::move(*variants);
  d.description = r.Text(7);
  d.created_by = r.Text(8);
  d.created_at = r.Int(9);
  d.updated_at = r.Int(10);
  auto policy = PolicyFromStored(Json::parse(r.Text(11), nullptr, false));
  if (!policy.ok()) return Internal("deployment " + d.name + " has an unreadable policy: " + policy.status().message());
  d.policy = std::move(*policy);
  return d;
}

Status AddEvent(Tx& tx, int64_t deployment, const std::string& action, const std::string& actor, int64_t at, const Json& before,
                const Json& after, const std::string& reason, const Json& rollback_to = nullptr) {
  ASSIGN_OR_RETURN(int64_t id, tx.NextId("deployment_events"));
  return tx.Exec("INSERT INTO deployment_events (id, deployment_id, action, actor, at, before_state, after_state, reason, rollback_to) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {id, deployment, action, actor, at, before.dump(), after.dump(), reason, rollback_to.dump()})
      .status();
}

}  // namespace

std::vector<store::Migration> ServingMigrations() {
  return {
      // Deployments (INF-6, INF-8) and every change of them.
      {1200, "serving_deployments", R"SQL(
CREATE TABLE deployments (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  environment TEXT NOT NULL,
  strategy TEXT NOT NULL,
  sticky_header TEXT NOT NULL,
  variants TEXT NOT NULL,
  description TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX deployments_project ON deployments (project_id);
CREATE TABLE deployment_events (
  id BIGINT PRIMARY KEY,
  deployment_id BIGINT NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  at BIGINT NOT NULL,
  before_state TEXT NOT NULL,
  after_state TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX deployment_events_deployment ON deployment_events (deployment_id, id);
)SQL"},
      // Capture rate, shadow, guardrails and the state of a canary or blue-green switch; the state a
      // rollback returns to when it is not the one before.
      {1201, "serving_policy", R"SQL(
ALTER TABLE deployments ADD COLUMN policy TEXT NOT NULL DEFAULT '{}';
ALTER TABLE deployment_events ADD COLUMN rollback_to TEXT NOT NULL DEFAULT 'null';
)SQL"},
  };
}

Result<Deployment> DeploymentStore::Create(Deployment d, const std::string& reason) {
  int64_t now = clock_.NowMillis();
  d.created_at = d.updated_at = now;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto taken, tx.Query("SELECT id FROM deployments WHERE name = ?", {d.name}));
    if (!taken.empty()) return AlreadyExists("deployment '" + d.name + "' already exists");
    ASSIGN_OR_RETURN(d.id, tx.NextId("deployments"));
    RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO deployments (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {d.id, d.project_id, d.name, d.environment, d.strategy, d.sticky_header, VariantsJson(d.variants).dump(), d.description,
                             d.created_by, now, now, PolicyJson(d.policy).dump()})
                        .status());
    return AddEvent(tx, d.id, "create", d.created_by, now, nullptr, VariantsJson(d.variants), reason);
  }));
  return d;
}

Result<Deployment> DeploymentStore::Get(const std::string& name) {
  Deployment d;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kColumns + " FROM deployments WHERE name = ?", {name},
                                            "deployment '" + name + "'"));
    ASSIGN_OR_RETURN(d, FromRow(r));
    return Status::Ok();
  }));
  return d;
}

Result<std::vector<Deployment>> DeploymentStore::List(const std::vector<int64_t>& project_ids) {
  std::vector<Deployment> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    for (int64_t p : project_ids) {
      ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT ") + kColumns + " FROM deployments WHERE project_id = ? ORDER BY name", {p}));
      for (const auto& r : rows) {
        ASSIGN_OR_RETURN(Deployment d, FromRow(r));
        out.push_back(std::move(d));
      }
    }
    return Status::Ok();
  }));
  return out;
}

Result<Deployment> DeploymentStore::Update(const std::string& name, const Deployment& next, const std::string& action, const std::string& actor,
                                           const std::string& reason, const Json& rollback_to) {
  Deployment out;
  int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kColumns + " FROM deployments WHERE name = ?", {name},
                                            "deployment '" + name + "'"));
    ASSIGN_OR_RETURN(Deployment before, FromRow(r));
    RETURN_IF_ERROR(tx.Exec("UPDATE deployments SET strategy = ?, sticky_header = ?, variants = ?, description = ?, updated_at = ?, policy = ? "
                            "WHERE id = ?",
                            {next.strategy, next.sticky_header, VariantsJson(next.variants).dump(), next.description, now,
                             PolicyJson(next.policy).dump(), before.id})
                        .status());
    RETURN_IF_ERROR(
        AddEvent(tx, before.id, action, actor, now, VariantsJson(before.variants), VariantsJson(next.variants), reason, rollback_to));
    out = next;
    out.id = before.id;
    out.project_id = before.project_id;
    out.name = before.name;
    out.environment = before.environment;
    out.created_by = before.created_by;
    out.created_at = before.created_at;
    out.updated_at = now;
    return Status::Ok();
  }));
  return out;
}

Status DeploymentStore::Delete(const std::string& name) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT id FROM deployments WHERE name = ?", {name}, "deployment '" + name + "'"));
    RETURN_IF_ERROR(tx.Exec("DELETE FROM deployment_events WHERE deployment_id = ?", {r.Int(0)}).status());
    return tx.Exec("DELETE FROM deployments WHERE id = ?", {r.Int(0)}).status();
  });
}

Result<std::vector<DeploymentEvent>> DeploymentStore::History(int64_t deployment_id) {
  std::vector<DeploymentEvent> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, action, actor, at, before_state, after_state, reason, rollback_to FROM deployment_events "
                                         "WHERE deployment_id = ? ORDER BY id",
                                         {deployment_id}));
    for (const auto& r : rows)
      out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Int(3), Json::parse(r.Text(4), nullptr, false), Json::parse(r.Text(5), nullptr, false),
                     r.Text(6), Json::parse(r.Text(7), nullptr, false)});
    return Status::Ok();
  }));
  return out;
}

}  // namespace moebius::serving

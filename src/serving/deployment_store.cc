#include "serving/deployment_store.h"

namespace moebius::serving {
namespace {

using store::Row;
using store::Tx;

constexpr char kColumns[] =
    "id, project_id, name, environment, strategy, sticky_header, variants, description, created_by, created_at, updated_at";

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
  return d;
}

Status AddEvent(Tx& tx, int64_t deployment, const std::string& action, const std::string& actor, int64_t at, const Json& before,
                const Json& after, const std::string& reason) {
  ASSIGN_OR_RETURN(int64_t id, tx.NextId("deployment_events"));
  return tx.Exec("INSERT INTO deployment_events (id, deployment_id, action, actor, at, before_state, after_state, reason) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 {id, deployment, action, actor, at, before.dump(), after.dump(), reason})
      .status();
}

}  // namespace

Json VariantsJson(const std::vector<Variant>& variants) {
  Json out = Json::array();
  for (const auto& v : variants) out.push_back({{"name", v.name}, {"model", v.model}, {"version", v.version}, {"weight", v.weight}});
  return out;
}

Result<std::vector<Variant>> VariantsFromJson(const Json& j) {
  if (!j.is_array()) return InvalidArgument("variants must be a list");
  std::vector<Variant> out;
  for (const Json& v : j) {
    if (!v.is_object() || !v.contains("name") || !v["name"].is_string() || !v.contains("model") || !v["model"].is_string() ||
        !v.contains("version") || !v["version"].is_number_integer() || !v.contains("weight") || !v["weight"].is_number_integer())
      return InvalidArgument("a variant needs name, model, version and weight");
    out.push_back({v["name"].get<std::string>(), v["model"].get<std::string>(), v["version"].get<int64_t>(), v["weight"].get<int64_t>()});
  }
  return out;
}

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
  };
}

Result<Deployment> DeploymentStore::Create(Deployment d, const std::string& reason) {
  int64_t now = clock_.NowMillis();
  d.created_at = d.updated_at = now;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto taken, tx.Query("SELECT id FROM deployments WHERE name = ?", {d.name}));
    if (!taken.empty()) return AlreadyExists("deployment '" + d.name + "' already exists");
    ASSIGN_OR_RETURN(d.id, tx.NextId("deployments"));
    RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO deployments (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {d.id, d.project_id, d.name, d.environment, d.strategy, d.sticky_header, VariantsJson(d.variants).dump(), d.description,
                             d.created_by, now, now})
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
                                           const std::string& reason) {
  Deployment out;
  int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kColumns + " FROM deployments WHERE name = ?", {name},
                                            "deployment '" + name + "'"));
    ASSIGN_OR_RETURN(Deployment before, FromRow(r));
    RETURN_IF_ERROR(tx.Exec("UPDATE deployments SET strategy = ?, sticky_header = ?, variants = ?, description = ?, updated_at = ? WHERE id = ?",
                            {next.strategy, next.sticky_header, VariantsJson(next.variants).dump(), next.description, now, before.id})
                        .status());
    RETURN_IF_ERROR(AddEvent(tx, before.id, action, actor, now, VariantsJson(before.variants), VariantsJson(next.variants), reason));
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
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, action, actor, at, before_state, after_state, reason FROM deployment_events "
                                         "WHERE deployment_id = ? ORDER BY id",
                                         {deployment_id}));
    for (const auto& r : rows)
      out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Int(3), Json::parse(r.Text(4), nullptr, false), Json::parse(r.Text(5), nullptr, false),
                     r.Text(6)});
    return Status::Ok();
  }));
  return out;
}

}  // namespace moebius::serving

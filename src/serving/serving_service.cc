#include "serving/serving_service.h"

#include <chrono>
#include <random>
#include <cctype>
#include <set>

#include "registry/registry_store.h"

namespace moebius::serving {
namespace {

Status CheckShape(const Deployment& d) {
  if (d.environment != "development" && d.environment != "staging" && d.environment != "production")
    return InvalidArgument("environment must be development, staging or production, got '" + d.environment + "'");
  if (d.strategy != "weighted" && d.strategy != "sticky")
    return InvalidArgument("strategy must be 'weighted' or 'sticky' (canary steps, shadow and blue-green are not built yet), got '" + d.strategy + "'");
  if (d.strategy == "sticky" && d.sticky_header.empty()) return InvalidArgument("a sticky deployment needs sticky_header: the request header that keys it");
  if (d.variants.empty() || d.variants.size() > 16) return InvalidArgument("a deployment needs 1 to 16 variants");
  std::set<std::string> names;
  int64_t total = 0;
  for (const auto& v : d.variants) {
    if (v.name.empty() || v.name.size() > 64) return InvalidArgument("a variant needs a name of 1 to 64 characters");
    for (char c : v.name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
        return InvalidArgument("variant name '" + v.name + "' may hold letters, digits, '-', '_' and '.' only");
    if (!names.insert(v.name).second) return InvalidArgument("variant '" + v.name + "' is named twice");
    if (v.weight < 0 || v.weight > 1000000) return InvalidArgument("variant '" + v.name + "': weight must be from 0 to 1000000");
    total += v.weight;
  }
  if (total == 0) return InvalidArgument("the variants' weights add up to 0: no request could be served");
  return Status::Ok();
}

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

Result<std::shared_ptr<const LoadedModel>> ServingService::Model(const registry::ModelVersion& v) {
  {
    std::lock_guard lock(mu_);
    auto it = models_.find(v.id);
    if (it != models_.end()) return it->second;
  }
  registry::ReadFile read = [this](const registry::ModelFile& f, int64_t max) { return registry_.ReadFileHead(f, max); };
  auto loaded = LoadedModel::Load(v, read);
  if (!loaded.ok() && loaded.status().code() == StatusCode::kFailedPrecondition) return InvalidArgument(loaded.status().message());
  RETURN_IF_ERROR(loaded.status());
  std::lock_guard lock(mu_);
  return models_.emplace(v.id, *loaded).first->second;
}

Result<std::shared_ptr<ServingService::Live>> ServingService::Prepare(const Deployment& d) {
  RETURN_IF_ERROR(CheckShape(d));
  auto live = std::make_shared<Live>();
  live->deployment = d;
  for (const auto& var : d.variants) {
    std::string at = "variant '" + var.name + "'";
    auto v = registry_.store().GetVersion(var.model, var.version);
    if (!v.ok() && v.status().code() == StatusCode::kNotFound) return InvalidArgument(at + ": " + v.status().message());
    RETURN_IF_ERROR(v.status());
    if (v->project_id != d.project_id) return InvalidArgument(at + ": model '" + var.model + "' belongs to another project");
    if (v->retired_at > 0) return Conflict(at + ": version " + std::to_string(var.version) + " of '" + var.model + "' is retired").WithReason("RETIRED");
    if (d.environment == "production" && v->stage != registry::Stage::kProduction)
      return Conflict(at + ": a production deployment serves versions in production only, which an approved request puts there; version " +
                      std::to_string(var.version) + " of '" + var.model + "' is in " + registry::StageName(v->stage))
          .WithReason("APPROVAL_REQUIRED");
    auto model = Model(*v);
    if (!model.ok()) return Status(model.status().code(), at + ": " + model.status().message());
    live->models.push_back(*model);
    live->stats.push_back(std::make_shared<VariantStats>());
    live->total_weight += var.weight;
  }
  return live;
}

Result<std::shared_ptr<ServingService::Live>> ServingService::Current(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(name);
    if (it != live_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(Deployment d, store_.Get(name));
  ASSIGN_OR_RETURN(auto live, Prepare(d));
  std::lock_guard lock(mu_);
  return live_.emplace(name, live).first->second;
}

Result<Deployment> ServingService::Create(Deployment d, const std::string& user, const std::string& reason) {
  d.created_by = user;
  ASSIGN_OR_RETURN(auto live, Prepare(d));
  ASSIGN_OR_RETURN(Deployment made, store_.Create(d, reason));
  live->deployment = made;
  std::lock_guard lock(mu_);
  live_[made.name] = live;
  return made;
}

Result<Deployment> ServingService::Update(const std::string& name, Deployment next, const std::string& user, const std::string& reason) {
  ASSIGN_OR_RETURN(Deployment current, store_.Get(name));
  next.project_id = current.project_id;
  next.environment = current.environment;
  ASSIGN_OR_RETURN(auto live, Prepare(next));
  ASSIGN_OR_RETURN(Deployment updated, store_.Update(name, next, "update", user, reason));
  live->deployment = updated;
  std::lock_guard lock(mu_);
  live_[name] = live;  // requests in flight keep the old state alive until they finish
  return updated;
}

Result<Deployment> ServingService::Rollback(const std::string& name, const std::string& user, const std::string& reason) {
  ASSIGN_OR_RETURN(Deployment current, store_.Get(name));
  ASSIGN_OR_RETURN(auto history, store_.History(current.id));
  if (history.empty() || history.back().before.is_null())
    return FailedPrecondition("deployment '" + name + "' has no earlier state to roll back to");
  ASSIGN_OR_RETURN(auto previous, VariantsFromJson(history.back().before));
  Deployment next = current;
  next.variants = std::move(previous);
  ASSIGN_OR_RETURN(auto live, Prepare(next));
  ASSIGN_OR_RETURN(Deployment updated, store_.Update(name, next, "rollback", user, reason));
  live->deployment = updated;
  std::lock_guard lock(mu_);
  live_[name] = live;
  return updated;
}

Status ServingService::Delete(const std::string& name) {
  RETURN_IF_ERROR(store_.Delete(name));
  std::lock_guard lock(mu_);
  live_.erase(name);
  return Status::Ok();
}

Result<ServingService::Routing> ServingService::RoutingOf(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(name);
    if (it != live_.end()) return Routing{it->second->deployment.project_id, it->second->deployment.sticky_header};
  }
  ASSIGN_OR_RETURN(Deployment d, store_.Get(name));
  return Routing{d.project_id, d.sticky_header};
}

Result<InferAnswer> ServingService::Infer(const std::string& deployment, const std::string& variant, const InferRequest& request,
                                          const std::string& key) {
  ASSIGN_OR_RETURN(auto live, Current(deployment));
  const Deployment& d = live->deployment;
  size_t pick = d.variants.size();
  if (!variant.empty()) {
    for (size_t i = 0; i < d.variants.size(); ++i)
      if (d.variants[i].name == variant) pick = i;
    if (pick == d.variants.size()) return NotFound("deployment '" + deployment + "' has no variant '" + variant + "'");
  } else {
    uint64_t draw;
    if (d.strategy == "sticky" && !key.empty()) {
      draw = Fnv1a(key);
    } else {
      thread_local std::mt19937_64 rng(std::random_device{}());
      draw = rng();
    }
    int64_t point = static_cast<int64_t>(draw % static_cast<uint64_t>(live->total_weight));
    for (size_t i = 0; i < d.variants.size(); ++i) {
      point -= d.variants[i].weight;
      if (point < 0) {
        pick = i;
        break;
      }
    }
  }
  VariantStats& stats = *live->stats[pick];
  auto t0 = std::chrono::steady_clock::now();
  auto outputs = live->models[pick]->Infer(request);
  stats.requests.fetch_add(1, std::memory_order_relaxed);
  stats.nanos.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count(), std::memory_order_relaxed);
  if (!outputs.ok()) {
    stats.failures.fetch_add(1, std::memory_order_relaxed);
    return outputs.status();
  }
  if (!outputs->empty()) stats.rows.fetch_add(outputs->front().shape.empty() ? 0 : outputs->front().shape[0], std::memory_order_relaxed);
  return InferAnswer{d.variants[pick].name, d.variants[pick].model, d.variants[pick].version, std::move(*outputs)};
}

Result<Json> ServingService::Metadata(const std::string& deployment, const std::string& variant) {
  ASSIGN_OR_RETURN(auto live, Current(deployment));
  Json versions = Json::array();
  size_t pick = 0;
  bool found = variant.empty();
  for (size_t i = 0; i < live->deployment.variants.size(); ++i) {
    versions.push_back(live->deployment.variants[i].name);
    if (!found && live->deployment.variants[i].name == variant) {
      pick = i;
      found = true;
    }
  }
  if (!found) return NotFound("deployment '" + deployment + "' has no variant '" + variant + "'");
  const LoadedModel& m = *live->models[pick];
  if (!variant.empty()) versions = Json::array({variant});
  return Json{{"name", deployment}, {"versions", versions}, {"platform", "moebius_xgboost"}, {"inputs", m.InputsJson()}, {"outputs", m.OutputsJson()}};
}

Result<Json> ServingService::Stats(const std::string& deployment) {
  ASSIGN_OR_RETURN(auto live, Current(deployment));
  Json out = Json::object();
  for (size_t i = 0; i < live->deployment.variants.size(); ++i) {
    const VariantStats& s = *live->stats[i];
    int64_t n = s.requests.load();
    out[live->deployment.variants[i].name] = {{"requests", n},
                                              {"failures", s.failures.load()},
                                              {"rows", s.rows.load()},
                                              {"mean_ms", n ? static_cast<double>(s.nanos.load()) / n / 1e6 : 0.0}};
  }
  return out;
}

}  // namespace moebius::serving

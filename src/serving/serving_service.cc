#include "serving/serving_service.h"

#include <malloc.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <random>
#include <set>

#include "base/log.h"
#include "registry/registry_store.h"

namespace moebius::serving {

struct LiveDeployment {
  Deployment deployment;
  std::vector<std::shared_ptr<const LoadedModel>> models;    // per variant
  std::vector<std::shared_ptr<VariantMetrics>> metrics;      // per variant
  int64_t total_weight = 0;
  int shadow = -1;                                           // index of the shadow variant
  std::shared_ptr<std::atomic<int64_t>> shadow_dropped = std::make_shared<std::atomic<int64_t>>(0);
};

namespace {

constexpr size_t kShadowQueue = 1000;

Status CheckShape(const Deployment& d) {
  if (d.environment != "development" && d.environment != "staging" && d.environment != "production")
    return InvalidArgument("environment must be development, staging or production, got '" + d.environment + "'");
  if (d.strategy != "weighted" && d.strategy != "sticky")
    return InvalidArgument("strategy must be 'weighted' or 'sticky' (canaries and blue-green switches have their own calls), got '" +
                           d.strategy + "'");
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
    if (auto r = ParseRuntime(v.runtime); !r.ok()) return InvalidArgument("variant '" + v.name + "': " + r.status().message());
    total += v.weight;
  }
  if (total == 0) return InvalidArgument("the variants' weights add up to 0: no request could be served");
  if (!d.policy.shadow.variant.empty()) {
    auto it = std::find_if(d.variants.begin(), d.variants.end(), [&](const Variant& v) { return v.name == d.policy.shadow.variant; });
    if (it == d.variants.end()) return InvalidArgument("shadow.variant '" + d.policy.shadow.variant + "' is not a variant of the deployment");
    if (it->weight != 0) return InvalidArgument("the shadow variant '" + it->name + "' must have weight 0: it answers mirrored requests only");
  }
  return Status::Ok();
}

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

double Draw() { return std::uniform_real_distribution<double>(0.0, 1.0)(Rng()); }

std::string MakeRequestId() {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(Rng()()));
  return buf;
}

uint64_t NanosSince(std::chrono::steady_clock::time_point t0) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
}

bool SameModel(const Variant& a, const Variant& b) {
  return a.name == b.name && a.model == b.model && a.version == b.version && a.runtime == b.runtime;
}

// The canary at `percent` of the traffic, the baseline's serving variants sharing the rest by their
// weights (in ten-thousandths); at 100 the canary alone, with the baseline's weight-0 variants kept.
std::vector<Variant> CanaryVariants(const std::vector<Variant>& baseline, Variant canary, int percent) {
  int64_t total = 0;
  for (const auto& v : baseline) total += v.weight;
  std::vector<Variant> out;
  for (Variant v : baseline) {
    if (percent >= 100 && v.weight > 0) continue;
    v.weight = total > 0 ? v.weight * (100 - percent) * 100 / total : 0;
    out.push_back(v);
  }
  canary.weight = percent * 100;
  out.push_back(canary);
  return out;
}

// The variants a rollback from `d` goes to: the last change's rollback_to, else its before.
Result<std::optional<std::vector<Variant>>> RollbackTarget(DeploymentStore& store, const Deployment& d, std::string* last_action) {
  ASSIGN_OR_RETURN(auto history, store.History(d.id));
  if (history.empty()) return std::optional<std::vector<Variant>>();
  const DeploymentEvent& last = history.back();
  if (last_action) *last_action = last.action;
  const Json& target = last.rollback_to.is_null() ? last.before : last.rollback_to;
  if (target.is_null()) return std::optional<std::vector<Variant>>();
  ASSIGN_OR_RETURN(auto variants, VariantsFromJson(target));
  return std::optional<std::vector<Variant>>(std::move(variants));
}

Json InferenceStat(uint64_t count, uint64_t ns) { return Json{{"count", count}, {"ns", ns}}; }

std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

ServingService::ServingService(DeploymentStore& store, registry::RegistryService& registry, CaptureLog& capture, const Clock& clock)
    : store_(store), registry_(registry), capture_(capture), clock_(clock) {
  shadow_thread_ = std::thread([this] { ShadowLoop(); });
}

ServingService::~ServingService() {
  {
    std::lock_guard lock(shadow_mu_);
    shadow_stop_ = true;
  }
  shadow_cv_.notify_all();
  shadow_thread_.join();
}

Result<std::shared_ptr<const LoadedModel>> ServingService::Model(const registry::ModelVersion& v, Runtime runtime) {
  {
    std::lock_guard lock(mu_);
    auto it = models_.find({v.id, runtime});
    if (it != models_.end()) return it->second;
  }
  registry::ReadFile read = [this](const registry::ModelFile& f, int64_t max) { return registry_.ReadFileHead(f, max); };
  auto loaded = LoadedModel::Load(v, read, runtime);
  // Reading a large model's JSON takes many times its size for a moment; give it back to the system
  // (glibc keeps freed memory otherwise, and the resident size would stay at that peak).
  malloc_trim(0);
  if (!loaded.ok() && loaded.status().code() == StatusCode::kFailedPrecondition) return InvalidArgument(loaded.status().message());
  RETURN_IF_ERROR(loaded.status());
  std::lock_guard lock(mu_);
  return models_.emplace(std::make_pair(v.id, runtime), *loaded).first->second;
}

Result<std::shared_ptr<LiveDeployment>> ServingService::Prepare(const Deployment& d, const LiveDeployment* previous) {
  RETURN_IF_ERROR(CheckShape(d));
  auto live = std::make_shared<LiveDeployment>();
  live->deployment = d;
  if (previous) live->shadow_dropped = previous->shadow_dropped;
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
    ASSIGN_OR_RETURN(Runtime runtime, ParseRuntime(var.runtime));
    auto model = Model(*v, runtime);
    if (!model.ok()) return Status(model.status().code(), at + ": " + model.status().message());
    live->models.push_back(*model);
    std::shared_ptr<VariantMetrics> metrics;
    if (previous)
      for (size_t i = 0; i < previous->deployment.variants.size(); ++i)
        if (SameModel(previous->deployment.variants[i], var)) metrics = previous->metrics[i];
    live->metrics.push_back(metrics ? metrics : std::make_shared<VariantMetrics>());
    if (var.name == d.policy.shadow.variant) live->shadow = static_cast<int>(live->models.size() - 1);
    live->total_weight += var.weight;
  }
  return live;
}

Result<std::shared_ptr<LiveDeployment>> ServingService::Current(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(name);
    if (it != live_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(Deployment d, store_.Get(name));
  ASSIGN_OR_RETURN(auto live, Prepare(d, nullptr));
  std::lock_guard lock(mu_);
  return live_.emplace(name, live).first->second;
}

Result<Deployment> ServingService::Apply(const std::string& name, const Deployment& next, const std::string& action, const std::string& user,
                                         const std::string& reason, const Json& rollback_to) {
  std::shared_ptr<LiveDeployment> previous;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(name);
    if (it != live_.end()) previous = it->second;
  }
  ASSIGN_OR_RETURN(auto live, Prepare(next, previous.get()));
  ASSIGN_OR_RETURN(Deployment updated, store_.Update(name, next, action, user, reason, rollback_to));
  live->deployment = updated;
  std::lock_guard lock(mu_);
  live_[name] = live;  // requests in flight keep the old state alive until they finish
  return updated;
}

Result<Deployment> ServingService::Create(Deployment d, const std::string& user, const std::string& reason) {
  std::lock_guard change(change_mu_);
  d.created_by = user;
  ASSIGN_OR_RETURN(auto live, Prepare(d, nullptr));
  ASSIGN_OR_RETURN(Deployment made, store_.Create(d, reason));
  live->deployment = made;
  std::lock_guard lock(mu_);
  live_[made.name] = live;
  return made;
}

Result<Deployment> ServingService::Update(const std::string& name, Deployment next, const std::string& user, const std::string& reason,
                                          bool variants_changed) {
  std::lock_guard change(change_mu_);
  ASSIGN_OR_RETURN(Deployment current, store_.Get(name));
  next.project_id = current.project_id;
  next.environment = current.environment;
  if (!variants_changed) {
    next.variants = current.variants;
    next.policy.canary = current.policy.canary;
    next.policy.blue_green = current.policy.blue_green;
    // A configuration change is no state a rollback should return to: it keeps the last change's.
    ASSIGN_OR_RETURN(auto history, store_.History(current.id));
    Json rollback_to = nullptr;
    if (!history.empty()) rollback_to = history.back().rollback_to.is_null() ? history.back().before : history.back().rollback_to;
    return Apply(name, next, "configure", user, reason, rollback_to);
  }
  next.policy.canary.reset();
  next.policy.blue_green.reset();
  return Apply(name, next, "update", user, reason);
}

Result<Deployment> ServingService::StartCanary(const std::string& name, Variant v, std::vector<int> steps, int interval_s, const std::string& user,
                                               const std::string& reason) {
  std::lock_guard change(change_mu_);
  ASSIGN_OR_RETURN(Deployment current, store_.Get(name));
  if (current.policy.canary)
    return Conflict("deployment '" + name + "' already runs a canary of variant '" + current.policy.canary->variant +
                              "': roll it back or let it finish first");
  if (steps.empty() || steps.back() != 100) return InvalidArgument("canary steps must end at 100");
  if (interval_s < 1 || interval_s > 86400) return InvalidArgument("interval_s must be from 1 to 86400 seconds");
  for (const auto& existing : current.variants)
    if (existing.name == v.name) return InvalidArgument("the deployment already has a variant '" + v.name + "': name the canary otherwise");
  Deployment next = current;
  next.policy.blue_green.reset();
  next.variants = CanaryVariants(current.variants, v, steps[0]);
  if (steps[0] < 100) {
    CanaryPlan plan;
    plan.variant = v.name;
    plan.steps = std::move(steps);
    plan.interval_s = interval_s;
    plan.next_at_ms = clock_.NowMillis() + int64_t{interval_s} * 1000;
    plan.baseline = current.variants;
    next.policy.canary = std::move(plan);
  }
  return Apply(name, next, next.policy.canary ? "canary-start" : "canary-promote", user, reason, VariantsJson(current.variants));
}

Result<Deployment> ServingService::Switch(const std::string& name, Variant v, int keep_s, const std::string& user, const std::string& reason) {
  std::lock_guard change(change_mu_);
  if (keep_s < 0 || keep_s > 7 * 86400) return InvalidArgument("keep_s must be from 0 to 604800 seconds");
  ASSIGN_OR_RETURN(Deployment current, store_.Get(name));
  if (current.policy.canary) return Conflict("deployment '" + name + "' runs a canary: roll it back or let it finish first");
  Deployment next = current;
  next.variants.clear();
  BlueGreen bg;
  for (Variant old : current.variants) {
    if (old.name == v.name) return InvalidArgument("the deployment already has a variant '" + v.name + "': name the new one otherwise");
    if (old.weight > 0) bg.previous.push_back(old.name);
    old.weight = 0;
    next.variants.push_back(old);
  }
  v.weight = 100;
  next.variants.push_back(v);
  bg.keep_until_ms = clock_.NowMillis() + int64_t{keep_s} * 1000;
  bg.before = current.variants;
  next.policy.blue_green = std::move(bg);
  return Apply(name, next, "switch", user, reason);
}

Result<Deployment> ServingService::Rollback(const std::string& name, const std::string& user, const std::string& reason, const std::string& action) {
  std::lock_guard change(change_mu_);
  ASSIGN_OR_RETURN(Deployment current, store_.Get(name));
  ASSIGN_OR_RETURN(auto target, RollbackTarget(store_, current, nullptr));
  if (!target) return FailedPrecondition("deployment '" + name + "' has no earlier state to roll back to");
  Deployment next = current;
  next.variants = std::move(*target);
  next.policy.canary.reset();
  next.policy.blue_green.reset();
  if (!next.policy.shadow.variant.empty() &&
      std::none_of(next.variants.begin(), next.variants.end(), [&](const Variant& v) { return v.name == next.policy.shadow.variant; }))
    next.policy.shadow = ShadowPolicy{};
  return Apply(name, next, action, user, reason);
}

Status ServingService::Delete(const std::string& name) {
  std::lock_guard change(change_mu_);
  ASSIGN_OR_RETURN(Deployment d, store_.Get(name));
  RETURN_IF_ERROR(store_.Delete(name));
  {
    std::lock_guard lock(mu_);
    live_.erase(name);
  }
  return capture_.Forget(d.id);
}

void ServingService::Tick(int64_t now_ms) {
  std::vector<std::shared_ptr<LiveDeployment>> lives;
  {
    std::lock_guard lock(mu_);
    for (auto& [name, live] : live_) lives.push_back(live);
  }
  for (const auto& live : lives) {
    const Deployment& d = live->deployment;
    const DeploymentPolicy& p = d.policy;
    if (!p.guardrails.Enabled() && !p.canary && !p.blue_green) continue;
    // Guardrails: the variants a rollback would take away (or change), over their window.
    if (p.guardrails.Enabled()) {
      std::string last_action;
      auto target = RollbackTarget(store_, d, &last_action);
      if (!target.ok()) {
        log::Warn("serving: guardrails of '" + d.name + "': " + target.status().message());
      } else if (*target && last_action != "rollback" && last_action != "auto-rollback") {
        std::string breach;
        for (size_t i = 0; i < d.variants.size() && breach.empty(); ++i) {
          const Variant& v = d.variants[i];
          if (std::any_of((*target)->begin(), (*target)->end(), [&](const Variant& t) { return SameModel(t, v); })) continue;
          VariantSnapshot w = live->metrics[i]->Window(p.guardrails.window_s, now_ms);
          if (static_cast<int64_t>(w.requests) < p.guardrails.min_requests) continue;
          char buf[256];
          if (p.guardrails.max_error_rate >= 0 && w.ErrorRate() > p.guardrails.max_error_rate) {
            std::snprintf(buf, sizeof buf, "guardrail: variant '%s' failed %.1f%% of %llu requests over %d s (limit %.1f%%)", v.name.c_str(),
                          w.ErrorRate() * 100, static_cast<unsigned long long>(w.requests), p.guardrails.window_s, p.guardrails.max_error_rate * 100);
            breach = buf;
          } else if (p.guardrails.max_p99_ms >= 0 && w.latency.total > 0 && w.latency.QuantileMs(0.99) > p.guardrails.max_p99_ms) {
            std::snprintf(buf, sizeof buf, "guardrail: variant '%s' p99 latency %.2f ms over %d s (limit %.2f ms)", v.name.c_str(),
                          w.latency.QuantileMs(0.99), p.guardrails.window_s, p.guardrails.max_p99_ms);
            breach = buf;
          }
        }
        if (!breach.empty()) {
          auto rolled = Rollback(d.name, "moebius", breach, "auto-rollback");
          if (!rolled.ok()) log::Warn("serving: automatic rollback of '" + d.name + "' failed: " + rolled.status().message());
          else log::Info("serving: '" + d.name + "' rolled back: " + breach);
          continue;
        }
      }
    }
    std::lock_guard change(change_mu_);
    auto fresh = store_.Get(d.name);
    if (!fresh.ok()) continue;
    Deployment next = *fresh;
    if (next.policy.canary && now_ms >= next.policy.canary->next_at_ms) {
      CanaryPlan plan = *next.policy.canary;
      auto it = std::find_if(next.variants.begin(), next.variants.end(), [&](const Variant& v) { return v.name == plan.variant; });
      if (it == next.variants.end()) continue;
      Variant canary = *it;
      ++plan.step;
      int percent = plan.steps[plan.step];
      next.variants = CanaryVariants(plan.baseline, canary, percent);
      std::string action = percent >= 100 ? "canary-promote" : "canary-step";
      if (percent >= 100) {
        next.policy.canary.reset();
      } else {
        plan.next_at_ms = now_ms + int64_t{plan.interval_s} * 1000;
        next.policy.canary = plan;
      }
      auto done = Apply(d.name, next, action, "moebius", "canary step to " + std::to_string(percent) + "% of the traffic", VariantsJson(plan.baseline));
      if (!done.ok()) log::Warn("serving: canary of '" + d.name + "': " + done.status().message());
    } else if (next.policy.blue_green && now_ms >= next.policy.blue_green->keep_until_ms) {
      BlueGreen bg = *next.policy.blue_green;
      std::vector<Variant> kept;
      for (const auto& v : next.variants)
        if (std::find(bg.previous.begin(), bg.previous.end(), v.name) == bg.previous.end()) kept.push_back(v);
      next.variants = kept;
      next.policy.blue_green.reset();
      auto done = Apply(d.name, next, "switch-finish", "moebius", "the rollback window of the switch ended", VariantsJson(bg.before));
      if (!done.ok()) log::Warn("serving: switch of '" + d.name + "': " + done.status().message());
    }
  }
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

Result<DeploymentPolicy> ServingService::PolicyOf(const std::string& name) {
  ASSIGN_OR_RETURN(auto live, Current(name));
  return live->deployment.policy;
}

Result<InferAnswer> ServingService::Infer(const std::string& deployment, const std::string& variant, const InferRequest& request,
                                          const std::string& key, uint64_t input_ns) {
  ASSIGN_OR_RETURN(auto live, Current(deployment));
  const Deployment& d = live->deployment;
  size_t pick = d.variants.size();
  if (!variant.empty()) {
    for (size_t i = 0; i < d.variants.size(); ++i)
      if (d.variants[i].name == variant) pick = i;
    if (pick == d.variants.size()) return NotFound("deployment '" + deployment + "' has no variant '" + variant + "'");
  } else {
    uint64_t draw = d.strategy == "sticky" && !key.empty() ? Fnv1a(key) : Rng()();
    int64_t point = static_cast<int64_t>(draw % static_cast<uint64_t>(live->total_weight));
    for (size_t i = 0; i < d.variants.size(); ++i) {
      point -= d.variants[i].weight;
      if (point < 0) {
        pick = i;
        break;
      }
    }
  }
  InferAnswer a;
  a.times.input_ns = input_ns;
  uint64_t transform_ns = 0;
  auto t0 = std::chrono::steady_clock::now();
  auto outputs = live->models[pick]->Infer(request, &transform_ns);
  uint64_t spent = NanosSince(t0);
  a.times.input_ns += transform_ns;
  a.times.infer_ns = spent > transform_ns ? spent - transform_ns : 0;
  if (!outputs.ok()) {
    live->metrics[pick]->RecordFailure(a.times, clock_.NowMillis());
    return outputs.status();
  }
  const Variant& v = d.variants[pick];
  a.variant = v.name;
  a.model = v.model;
  a.version = v.version;
  a.request_id = request.id.empty() ? MakeRequestId() : request.id;
  a.outputs = std::move(*outputs);
  a.live = std::move(live);
  a.pick = pick;
  return a;
}

void ServingService::Complete(InferAnswer& a, const InferRequest& request, uint64_t output_ns) {
  if (!a.live) return;
  LiveDeployment& live = *a.live;
  a.times.output_ns = output_ns;
  int64_t now = clock_.NowMillis();
  uint64_t rows = a.outputs.empty() || a.outputs.front().shape.empty() ? 0 : static_cast<uint64_t>(a.outputs.front().shape[0]);
  live.metrics[a.pick]->RecordSuccess(a.times, rows, now);
  const DeploymentPolicy& p = live.deployment.policy;
  bool mirror = live.shadow >= 0 && static_cast<int>(a.pick) != live.shadow && Draw() < p.shadow.share;
  bool capture = mirror || (p.capture_rate > 0 && Draw() < p.capture_rate);
  if (!capture) return;
  auto shared = std::make_shared<const InferRequest>(request);
  CaptureRecord r;
  r.deployment_id = live.deployment.id;
  r.request_id = a.request_id;
  r.at_ms = now;
  r.variant = a.variant;
  r.model = a.model;
  r.version = a.version;
  r.latency_ms = static_cast<double>(a.times.Total()) / 1e6;
  r.request = shared;
  r.outputs = a.outputs;
  capture_.Offer(std::move(r));
  if (!mirror) return;
  {
    std::lock_guard lock(shadow_mu_);
    if (shadow_queue_.size() >= kShadowQueue) {
      live.shadow_dropped->fetch_add(1, std::memory_order_relaxed);
      return;
    }
    shadow_queue_.push_back(ShadowJob{a.live, static_cast<size_t>(live.shadow), shared, a.request_id});
  }
  shadow_cv_.notify_one();
}

void ServingService::ShadowLoop() {
  for (;;) {
    ShadowJob job;
    {
      std::unique_lock lock(shadow_mu_);
      shadow_cv_.wait(lock, [&] { return shadow_stop_ || !shadow_queue_.empty(); });
      if (shadow_queue_.empty()) return;
      job = std::move(shadow_queue_.front());
      shadow_queue_.pop_front();
    }
    LiveDeployment& live = *job.live;
    RequestTimes times;
    uint64_t transform_ns = 0;
    auto t0 = std::chrono::steady_clock::now();
    auto outputs = live.models[job.pick]->Infer(*job.request, &transform_ns);
    uint64_t spent = NanosSince(t0);
    times.input_ns = transform_ns;
    times.infer_ns = spent > transform_ns ? spent - transform_ns : 0;
    int64_t now = clock_.NowMillis();
    const Variant& v = live.deployment.variants[job.pick];
    CaptureRecord r;
    r.deployment_id = live.deployment.id;
    r.request_id = job.request_id;
    r.at_ms = now;
    r.variant = v.name;
    r.model = v.model;
    r.version = v.version;
    r.shadow = true;
    r.latency_ms = static_cast<double>(times.Total()) / 1e6;
    r.request = job.request;
    if (outputs.ok()) {
      uint64_t rows = outputs->empty() || outputs->front().shape.empty() ? 0 : static_cast<uint64_t>(outputs->front().shape[0]);
      live.metrics[job.pick]->RecordSuccess(times, rows, now);
      r.outputs = std::move(*outputs);
    } else {
      live.metrics[job.pick]->RecordFailure(times, now);
      r.error = outputs.status().message();
    }
    capture_.Offer(std::move(r));
  }
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

Result<Json> ServingService::Stats(const std::string& deployment, int window_s) {
  ASSIGN_OR_RETURN(auto live, Current(deployment));
  int64_t now = clock_.NowMillis();
  Json variants = Json::object();
  for (size_t i = 0; i < live->deployment.variants.size(); ++i) {
    Json v = live->metrics[i]->Total().ToJson();
    v["window"] = live->metrics[i]->Window(window_s, now).ToJson();
    v["shadow"] = static_cast<int>(i) == live->shadow;
    v["runtime"] = live->models[i]->runtime();
    variants[live->deployment.variants[i].name] = v;
  }
  CaptureLog::Counts c = capture_.CountsOf(live->deployment.id);
  return Json{{"window_s", window_s},
              {"variants", variants},
              {"capture", {{"written", c.written}, {"dropped", c.dropped}, {"queued", c.queued}}},
              {"shadow_dropped", live->shadow_dropped->load()}};
}

Result<Json> ServingService::TritonStatistics(const std::string& deployment, const std::string& variant) {
  std::vector<std::shared_ptr<LiveDeployment>> lives;
  if (deployment.empty()) {
    std::lock_guard lock(mu_);
    for (auto& [name, live] : live_) lives.push_back(live);
  } else {
    ASSIGN_OR_RETURN(auto live, Current(deployment));
    lives.push_back(live);
  }
  Json stats = Json::array();
  bool found = variant.empty();
  for (const auto& live : lives) {
    for (size_t i = 0; i < live->deployment.variants.size(); ++i) {
      const Variant& v = live->deployment.variants[i];
      if (!variant.empty() && v.name != variant) continue;
      found = true;
      VariantSnapshot s = live->metrics[i]->Total();
      uint64_t ok = s.requests - s.failures;
      stats.push_back({{"name", live->deployment.name},
                       {"version", v.name},
                       {"last_inference", s.last_ms},
                       {"inference_count", s.rows},
                       {"execution_count", ok},
                       {"inference_stats",
                        {{"success", InferenceStat(ok, s.success_ns)},
                         {"fail", InferenceStat(s.failures, s.fail_ns)},
                         {"queue", InferenceStat(ok, s.queue_ns)},
                         {"compute_input", InferenceStat(s.requests, s.input_ns)},
                         {"compute_infer", InferenceStat(s.requests, s.infer_ns)},
                         {"compute_output", InferenceStat(ok, s.output_ns)},
                         {"cache_hit", InferenceStat(0, 0)},
                         {"cache_miss", InferenceStat(0, 0)}}},
                       {"batch_stats", Json::array()}});
    }
  }
  if (!found) return NotFound("deployment '" + deployment + "' has no variant '" + variant + "'");
  return Json{{"model_stats", stats}};
}

Result<Json> ServingService::Compare(const std::string& deployment, const AbMetric& metric, std::string control, int64_t limit) {
  ASSIGN_OR_RETURN(auto live, Current(deployment));
  const Deployment& d = live->deployment;
  if (control.empty()) {
    int64_t best = -1;
    for (const auto& v : d.variants)
      if (v.weight > best) best = v.weight, control = v.name;
  }
  if (std::none_of(d.variants.begin(), d.variants.end(), [&](const Variant& v) { return v.name == control; }))
    return InvalidArgument("control '" + control + "' is not a variant of deployment '" + deployment + "'");
  ASSIGN_OR_RETURN(auto records, capture_.Read(d.id, CaptureQuery{.limit = limit, .with_feedback_only = true}));
  std::vector<ArmScores> arms;
  for (const auto& v : d.variants)
    if (static_cast<int>(&v - d.variants.data()) != live->shadow) arms.push_back(ArmScores{v.name, {}});
  int64_t scored = 0;
  for (const auto& r : records) scored += ScoreCapture(r, metric, arms) ? 1 : 0;
  Json out = CompareArms(arms, metric, control);
  out["answers_with_feedback"] = records.size();
  out["scored"] = scored;
  // Error rates since each variant was loaded, against the control's.
  Json errors = Json::array();
  VariantSnapshot base;
  for (size_t i = 0; i < d.variants.size(); ++i)
    if (d.variants[i].name == control) base = live->metrics[i]->Total();
  for (size_t i = 0; i < d.variants.size(); ++i) {
    VariantSnapshot s = live->metrics[i]->Total();
    Json e{{"variant", d.variants[i].name}, {"requests", s.requests}, {"failures", s.failures}, {"error_rate", s.ErrorRate()}};
    if (d.variants[i].name != control) {
      TestResult t = TwoProportionZ(static_cast<int64_t>(s.failures), static_cast<int64_t>(s.requests), static_cast<int64_t>(base.failures),
                                    static_cast<int64_t>(base.requests));
      e["vs_control"] = {{"difference", s.ErrorRate() - base.ErrorRate()}, {"statistic", t.statistic}, {"p", t.p}, {"significant", t.p < 0.05}};
    }
    errors.push_back(e);
  }
  out["error_rates"] = errors;
  return out;
}

void ServingService::RenderPrometheus(std::string& out) {
  static constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  std::vector<std::shared_ptr<LiveDeployment>> lives;
  {
    std::lock_guard lock(mu_);
    for (auto& [name, live] : live_) lives.push_back(live);
  }
  std::string requests, rows, duration, capture;
  for (const auto& live : lives) {
    const std::string dep = Label(live->deployment.name);
    for (size_t i = 0; i < live->deployment.variants.size(); ++i) {
      const Variant& v = live->deployment.variants[i];
      std::string labels = "deployment=\"" + dep + "\",variant=\"" + Label(v.name) + "\",model=\"" + Label(v.model) + "\",version=\"" +
                           std::to_string(v.version) + "\"";
      VariantSnapshot s = live->metrics[i]->Total();
      requests += "moebius_inference_requests_total{" + labels + ",outcome=\"success\"} " + std::to_string(s.requests - s.failures) + "\n";
      requests += "moebius_inference_requests_total{" + labels + ",outcome=\"failure\"} " + std::to_string(s.failures) + "\n";
      rows += "moebius_inference_rows_total{" + labels + "} " + std::to_string(s.rows) + "\n";
      // A bucket counts the requests whose histogram bucket ends at or below its bound.
      for (double le : kBuckets) {
        uint64_t n = 0;
        for (int b = 0; b < Histogram::kBuckets; ++b)
          if (Histogram::UpperNanos(b) <= le * 1e9) n += s.latency.counts[b];
        char bound[32];
        std::snprintf(bound, sizeof bound, "%g", le);
        duration += "moebius_inference_duration_seconds_bucket{" + labels + ",le=\"" + bound + "\"} " + std::to_string(n) + "\n";
      }
      duration += "moebius_inference_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(s.latency.total) + "\n";
      duration += "moebius_inference_duration_seconds_sum{" + labels + "} " + std::to_string(static_cast<double>(s.success_ns) / 1e9) + "\n";
      duration += "moebius_inference_duration_seconds_count{" + labels + "} " + std::to_string(s.latency.total) + "\n";
    }
    CaptureLog::Counts c = capture_.CountsOf(live->deployment.id);
    capture += "moebius_capture_records_total{deployment=\"" + dep + "\",state=\"written\"} " + std::to_string(c.written) + "\n";
    capture += "moebius_capture_records_total{deployment=\"" + dep + "\",state=\"dropped\"} " + std::to_string(c.dropped) + "\n";
  }
  if (lives.empty()) return;
  out += "# HELP moebius_inference_requests_total Inference requests per deployment variant, by outcome.\n# TYPE moebius_inference_requests_total counter\n" + requests;
  out += "# HELP moebius_inference_rows_total Rows answered per deployment variant.\n# TYPE moebius_inference_rows_total counter\n" + rows;
  out += "# HELP moebius_inference_duration_seconds Whole-request time of successful inferences.\n# TYPE moebius_inference_duration_seconds histogram\n" +
         duration;
  out += "# HELP moebius_capture_records_total Captured inferences written or dropped per deployment.\n# TYPE moebius_capture_records_total counter\n" +
         capture;
}

}  // namespace moebius::serving

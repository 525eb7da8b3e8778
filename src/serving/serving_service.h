// Deployments that answer inference (INF-6, INF-7, INF-8, SRV-1, SRV-5; docs/design/serving.md):
// the checks of a deployment change, the loaded models, routing, canary steps, blue-green switches,
// shadow mirrors, guardrails with automatic rollback, per-variant metrics and capture.
//
// - A change (create, set variants, canary, switch, rollback) names registered versions of the
//   deployment's project; each is loaded (LoadedModel) before the change is written, so a version
//   that cannot be served is refused (400 naming why) and traffic only ever reaches loaded models:
//   the new state replaces the old one in one step, and requests in flight finish on the models they
//   began with (shared ownership), so a swap fails no request.
// - Production is a governed zone (PRJ-8, REG-5): a production deployment serves only versions in
//   the production stage, which only an approved request puts there (409 APPROVAL_REQUIRED); a
//   retired version is never served (409 RETIRED).
// - Routing: `weighted` draws each request by the variants' weights; `sticky` hashes the request's
//   key (the deployment's sticky_header) onto the weights, so one key always reaches one variant.
//   A request may name its variant instead (/v2/models/{d}/versions/{variant}/infer).
// - Rollback: back to the state the last change names (a canary's baseline, the variants before a
//   switch, else the variants before the last change); by hand, or by the guardrails (Tick).
// - Tick (once a second): advances canaries whose step is due, removes the variants a blue-green
//   switch kept warm once their window is over, and rolls back a deployment whose new variants break
//   its guardrails over their window.
//
// Deployments are cached in memory and refreshed on every change made through this service. With
// several servers on one database, a change made on one reaches the others when they restart, until
// `moebius serve` replicas follow changes (not built yet).
//
// Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "serving/ab_test.h"
#include "registry/registry_service.h"
#include "serving/capture_log.h"
#include "serving/deployment_store.h"
#include "serving/loaded_model.h"
#include "serving/variant_metrics.h"

namespace moebius::serving {

struct LiveDeployment;

struct InferAnswer {
  std::string variant;
  std::string model;
  int64_t version = 0;
  std::string request_id;  // the request's id, or one made for it (feedback names it)
  std::vector<OutputTensor> outputs;

  // For Complete.
  std::shared_ptr<LiveDeployment> live;
  size_t pick = 0;
  RequestTimes times;
};

class ServingService {
 public:
  ServingService(DeploymentStore& store, registry::RegistryService& registry, CaptureLog& capture, const Clock& clock);
  ~ServingService();
  ServingService(const ServingService&) = delete;
  ServingService& operator=(const ServingService&) = delete;

  DeploymentStore& store() { return store_; }
  CaptureLog& capture() { return capture_; }

  Result<Deployment> Create(Deployment d, const std::string& user, const std::string& reason);
  // New variants (weights, versions), strategy, sticky header or policy settings. New variants end
  // a running canary or blue-green window (the state given is the one wanted: `update`); settings
  // alone keep them (`configure`).
  Result<Deployment> Update(const std::string& name, Deployment next, const std::string& user, const std::string& reason,
                            bool variants_changed = true);
  // Starts a canary: `v` (its weight ignored) takes steps[0] % of the traffic, the other variants
  // share the rest by their weights; each interval the next step, if the guardrails hold; at 100 %
  // it replaces them. kFailedPrecondition while another canary runs.
  Result<Deployment> StartCanary(const std::string& name, Variant v, std::vector<int> steps, int interval_s, const std::string& user,
                                 const std::string& reason);
  // Blue-green: `v` takes all the traffic at once; the variants before stay loaded at weight 0 for
  // `keep_s` seconds, so a rollback within that window is instant, then they are removed.
  Result<Deployment> Switch(const std::string& name, Variant v, int keep_s, const std::string& user, const std::string& reason);
  // Back to the state the last change names (kFailedPrecondition when there is none).
  Result<Deployment> Rollback(const std::string& name, const std::string& user, const std::string& reason,
                              const std::string& action = "rollback");
  Status Delete(const std::string& name);

  // Canary steps, blue-green windows and guardrails, as of `now_ms`; called once a second.
  void Tick(int64_t now_ms);

  // The deployment's project and sticky header, from the cache when it is live (no database read on
  // the inference path), else from the store. kNotFound for an unknown deployment.
  struct Routing {
    int64_t project_id = 0;
    std::string sticky_header;
  };
  Result<Routing> RoutingOf(const std::string& deployment);
  // The deployment's policy, from the cache when it is live.
  Result<DeploymentPolicy> PolicyOf(const std::string& deployment);

  // Routes (or takes `variant`) and answers; `input_ns` is the time already spent reading the
  // request. A failure is counted against the variant here. kNotFound for an unknown deployment or
  // variant.
  Result<InferAnswer> Infer(const std::string& deployment, const std::string& variant, const InferRequest& request, const std::string& key,
                            uint64_t input_ns);
  // After the answer is written (`output_ns`): counts it, captures it when sampled, and mirrors the
  // request to the shadow variant when drawn.
  void Complete(InferAnswer& answer, const InferRequest& request, uint64_t output_ns);

  // v2 model metadata of a deployment: name, versions (variants), platform, inputs, outputs; of
  // one variant when `variant` is given (kNotFound for an unknown one).
  Result<Json> Metadata(const std::string& deployment, const std::string& variant = "");
  // {variants: {name: {total: {...}, window: {...}}}, window_s, capture: {written, dropped, queued},
  //  shadow_dropped}: counts since each variant was loaded and over the last `window_s` seconds.
  Result<Json> Stats(const std::string& deployment, int window_s = 60);
  // Triton's statistics extension: model_stats entries for the deployment's variants (one variant
  // when `variant` is given), or for every live deployment when `deployment` is empty.
  Result<Json> TritonStatistics(const std::string& deployment, const std::string& variant);
  // A/B comparison on ground truth: the newest `limit` captured answers with feedback scored by
  // `metric`, every variant against `control` (default: the variant with the largest weight), and
  // the error rates since the variants were loaded (serving/ab_test.h).
  Result<Json> Compare(const std::string& deployment, const AbMetric& metric, std::string control, int64_t limit);
  // Prometheus exposition of every live deployment's variants (appended to /metrics).
  void RenderPrometheus(std::string& out);

 private:
  Result<std::shared_ptr<const LoadedModel>> Model(const registry::ModelVersion& v, Runtime runtime);
  // Checks and loads every variant of `d`; kInvalidArgument / kConflict naming the first problem.
  // Variants unchanged from `previous` keep their metrics.
  Result<std::shared_ptr<LiveDeployment>> Prepare(const Deployment& d, const LiveDeployment* previous);
  Result<std::shared_ptr<LiveDeployment>> Current(const std::string& name);
  // Prepares `next`, writes it as `action` and makes it live.
  Result<Deployment> Apply(const std::string& name, const Deployment& next, const std::string& action, const std::string& user,
                           const std::string& reason, const Json& rollback_to = nullptr);
  void ShadowLoop();

  DeploymentStore& store_;
  registry::RegistryService& registry_;
  CaptureLog& capture_;
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::pair<int64_t, Runtime>, std::shared_ptr<const LoadedModel>> models_;  // by version id and runtime
  std::map<std::string, std::shared_ptr<LiveDeployment>> live_;   // by deployment name
  std::mutex change_mu_;  // one change at a time (the controller's and the API's)

  struct ShadowJob {
    std::shared_ptr<LiveDeployment> live;
    size_t pick = 0;
    std::shared_ptr<const InferRequest> request;
    std::string request_id;
  };
  std::mutex shadow_mu_;
  std::condition_variable shadow_cv_;
  std::deque<ShadowJob> shadow_queue_;
  bool shadow_stop_ = false;
  std::thread shadow_thread_;
};

}  // namespace moebius::serving

// Deployments that answer inference (INF-6, INF-7, INF-8, SRV-1; docs/design/serving.md): the
// checks of a deployment change, the loaded models, routing and per-variant counters.
//
// - A change (create, set variants, rollback) names registered versions of the deployment's
//   project; each is loaded (LoadedModel) before the change is written, so a version that cannot
//   be served is refused (400 naming why) and traffic only ever reaches loaded models: the new
//   state replaces the old one in one step, and requests in flight finish on the models they began
//   with (shared ownership), so a swap fails no request.
// - Production is a governed zone (PRJ-8, REG-5): a production deployment serves only versions in
//   the production stage, which only an approved request puts there (409 APPROVAL_REQUIRED); a
//   retired version is never served (409 RETIRED).
// - Routing: `weighted` draws each request by the variants' weights; `sticky` hashes the request's
//   key (the deployment's sticky_header) onto the weights, so one key always reaches one variant.
//   A request may name its variant instead (/v2/models/{d}/versions/{variant}/infer).
// - Rollback: back to the variants before the last change, from the history.
//
// Deployments are cached in memory and refreshed on every change made through this service. With
// several servers on one database, a change made on one reaches the others when they reload
// (Refresh); `moebius serve` replicas follow changes the same way (not built yet).
//
// Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "registry/registry_service.h"
#include "serving/deployment_store.h"
#include "serving/loaded_model.h"

namespace moebius::serving {

// Counters of one variant since the server started (reset when the deployment changes).
struct VariantStats {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> failures{0};
  std::atomic<int64_t> rows{0};
  std::atomic<int64_t> nanos{0};
};

struct InferAnswer {
  std::string variant;
  std::string model;
  int64_t version = 0;
  std::vector<OutputTensor> outputs;
};

class ServingService {
 public:
  ServingService(DeploymentStore& store, registry::RegistryService& registry) : store_(store), registry_(registry) {}

  DeploymentStore& store() { return store_; }

  Result<Deployment> Create(Deployment d, const std::string& user, const std::string& reason);
  // New variants (weights, versions), strategy or sticky header.
  Result<Deployment> Update(const std::string& name, Deployment next, const std::string& user, const std::string& reason);
  // Back to the variants before the last change (kFailedPrecondition when there is none).
  Result<Deployment> Rollback(const std::string& name, const std::string& user, const std::string& reason);
  Status Delete(const std::string& name);

  // The deployment's project and sticky header, from the cache when it is live (no database read on
  // the inference path), else from the store. kNotFound for an unknown deployment.
  struct Routing {
    int64_t project_id = 0;
    std::string sticky_header;
  };
  Result<Routing> RoutingOf(const std::string& deployment);

  // Routes (or takes `variant`) and answers. kNotFound for an unknown deployment or variant.
  Result<InferAnswer> Infer(const std::string& deployment, const std::string& variant, const InferRequest& request, const std::string& key);
  // v2 model metadata of a deployment: name, versions (variants), platform, inputs, outputs; of
  // one variant when `variant` is given (kNotFound for an unknown one).
  Result<Json> Metadata(const std::string& deployment, const std::string& variant = "");
  // {variant: {requests, failures, rows, mean_ms}} since the last change.
  Result<Json> Stats(const std::string& deployment);

 private:
  struct Live {
    Deployment deployment;
    std::vector<std::shared_ptr<const LoadedModel>> models;  // per variant
    std::vector<std::shared_ptr<VariantStats>> stats;
    int64_t total_weight = 0;
  };
  Result<std::shared_ptr<const LoadedModel>> Model(const registry::ModelVersion& v);
  // Checks and loads every variant of `d`; kInvalidArgument / kConflict naming the first problem.
  Result<std::shared_ptr<Live>> Prepare(const Deployment& d);
  Result<std::shared_ptr<Live>> Current(const std::string& name);

  DeploymentStore& store_;
  registry::RegistryService& registry_;
  std::mutex mu_;
  std::map<int64_t, std::shared_ptr<const LoadedModel>> models_;  // by version id
  std::map<std::string, std::shared_ptr<Live>> live_;              // by deployment name
};

}  // namespace moebius::serving

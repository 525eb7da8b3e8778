// How a deployment moves traffic and guards itself (INF-6, INF-7, SRV-5; docs/design/serving.md):
// capture rate, shadow mirror, guardrails, and the state of a running canary or blue-green switch.
// Kept with the deployment as one JSON document (`policy`).
//
// - capture_rate: the share of requests whose inputs and outputs are written to the capture log.
// - shadow: a variant (weight 0) that receives a share of the requests as a mirror; its answers are
//   captured and counted, never returned.
// - guardrails: limits over a window (error rate, p99 latency) on the variants a rollback would
//   take away; broken for the window with enough requests, they roll the deployment back.
// - canary: a variant whose share follows steps (10, 25, 50, 100 %) every interval while the
//   guardrails hold; at 100 % it replaces the variants it was tried against.
// - blue_green: after a switch, the previous variants stay loaded at weight 0 until keep_until_ms,
//   so a rollback within that window is instant; then they are removed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::serving {

struct Variant {
  std::string name;  // unique in the deployment: "blue", "v3", "canary", ...
  std::string model;
  int64_t version = 0;
  int64_t weight = 100;  // share of the traffic: weight / the sum of weights
  std::string runtime = "auto";  // auto | compiled | xgboost (serving/loaded_model.h)
  bool operator==(const Variant&) const = default;
};

Json VariantsJson(const std::vector<Variant>& variants);
Result<std::vector<Variant>> VariantsFromJson(const Json& j);

struct ShadowPolicy {
  std::string variant;  // empty: no shadow
  double share = 1.0;   // of the requests, mirrored
};

struct Guardrails {
  double max_error_rate = -1;  // < 0: not checked
  double max_p99_ms = -1;      // < 0: not checked
  int window_s = 60;           // 5 to 300
  int64_t min_requests = 20;   // in the window, before a verdict
  bool Enabled() const { return max_error_rate >= 0 || max_p99_ms >= 0; }
};

struct CanaryPlan {
  std::string variant;
  std::vector<int> steps;  // percent, increasing, the last one 100
  int interval_s = 60;
  size_t step = 0;         // index of the step now in force
  int64_t next_at_ms = 0;  // when the next step is due
  std::vector<Variant> baseline;  // the variants before the canary: what a rollback returns to
};

struct BlueGreen {
  std::vector<std::string> previous;  // variants kept warm at weight 0
  int64_t keep_until_ms = 0;
  std::vector<Variant> before;  // the variants before the switch: what a rollback returns to
};

// Asynchronous inference (SRV-2): results kept `keep_s` seconds, at most `max_queue` requests waiting
// (beyond, 429), each result POSTed to `webhook` when one is set (retried with backoff).
struct AsyncPolicy {
  std::string webhook;  // http:// or https:// URL; empty: results are polled
  int keep_s = 3600;
  int max_queue = 1000;
};

struct DeploymentPolicy {
  double capture_rate = 0.1;
  AsyncPolicy async;
  ShadowPolicy shadow;
  Guardrails guardrails;
  std::optional<CanaryPlan> canary;
  std::optional<BlueGreen> blue_green;
};

Json PolicyJson(const DeploymentPolicy& p);
// The stored document, as PolicyJson wrote it (null: the defaults).
Result<DeploymentPolicy> PolicyFromStored(const Json& j);

// A client's settings: {"capture_rate"?, "shadow"? {variant, share} | null, "guardrails"? {...} | null,
// "async"? {webhook?, keep_s?, max_queue?}}
// applied onto `p`; kInvalidArgument naming the field.
Status ApplyPolicySettings(const Json& body, DeploymentPolicy& p);
// Steps as a client gives them: percents 1..100, increasing, ending at 100 (added when missing).
Result<std::vector<int>> CanarySteps(const Json& steps);

}  // namespace moebius::serving

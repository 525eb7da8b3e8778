// The demo `make up` starts with (`moebius server --demo`): the whole loop run for real through
// the server's own REST API, in steps, each printed as it goes and each skipped when an earlier
// start already did it (so a restart resumes, and a finished demo is left as it is):
//
//   1. project `demo` with the task `churn` (criteria on the built-in trainer's metric names);
//   2. dataset `customers`: a generated churn table (seeded, with a known signal: short tenure,
//      month-to-month contracts, support calls and high charges raise churn) in two rounds;
//   3. version v1 (raw, both rounds) and v2 (stratified split on `churned`);
//   4. a 4-trial XGBoost study (`churn-xgb`) on v2, run by the embedded worker;
//   5. the best trial confirmed against the task's criteria → a confirmed package;
//   6. the package registered as model `churn`, its card's written sections filled in;
//   7. the version exported as a Triton repository into <data-dir>/demo/triton;
//   8. the version moved to staging and a production request left in the approvals inbox;
//   9. a staging deployment of it, answering a first stream of requests at /v2/models/churn-staging.
//
// Later stages of the loop (deployment, monitoring, retraining) add their steps to kSteps.
#pragma once

#include <atomic>
#include <string>

#include "api/services.h"
#include "base/status.h"

namespace moebius::app {

struct DemoContext {
  api::Services& services;
  std::string base_url;  // the running server, e.g. http://127.0.0.1:8080
  std::string data_dir;
  const std::atomic<bool>& stop;  // set on shutdown: the demo stops between steps and polls
};

// Runs the steps in order; the first failing step ends the demo with its status.
Status RunDemo(DemoContext& ctx);

}  // namespace moebius::app

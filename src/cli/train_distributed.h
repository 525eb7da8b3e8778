// Distributed `moebius train xgboost` (EXP-8; docs/design/train.md "Distributed training"): a
// job that is a rank of a group (MOEBIUS_WORLD_SIZE > 1, set by the worker) joins XGBoost's
// collective before training:
//   rank 0  starts a rabit tracker (src/train/rabit_tracker.h) on an ephemeral port of its host
//           and publishes "host:port" as the group's rendezvous key "xgboost.tracker"
//           (PUT /api/v1/jobs/{id}/rendezvous, with the job's own token);
//   others  poll GET /api/v1/jobs/{id}/rendezvous every 0.5 s until the key is there (or a rank
//           ended, or MOEBIUS_RENDEZVOUS_TIMEOUT_S passed: an error);
// then every rank calls XGCommunicatorInit with the tracker's address and its rank as task id,
// and XGCommunicatorFinalize once the model is final. The host rank 0 publishes is
// MOEBIUS_RENDEZVOUS_HOST when set, else the local address this machine uses to reach the
// server (so ranks on other machines can connect), 127.0.0.1 for a local server.
//
// Thread-safety: one per process (the collective is process-wide).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/json.h"
#include "base/status.h"
#include "train/rabit_tracker.h"

namespace moebius::cli {

struct GroupEnv {
  int rank = 0, world_size = 1;
  int64_t job_id = 0, group = 0, rendezvous_timeout_s = 300;
  std::string server, token;
};

// The group this process is a rank of, from the worker's environment; nullopt for an ordinary
// job (no MOEBIUS_WORLD_SIZE or 1); an error when the variables are inconsistent.
Result<std::optional<GroupEnv>> GroupFromEnv();

class XgbCollective {
 public:
  // Rendezvous and XGCommunicatorInit, as above. `say` gets progress lines (the job log).
  static Result<std::unique_ptr<XgbCollective>> Join(const GroupEnv& g, const std::function<void(const std::string&)>& say);
  ~XgbCollective();

  // XGCommunicatorFinalize; rank 0 then waits (up to 60 s) for every rank to tell its tracker.
  Status Leave();
  // The group's ranks as the server knows them: [{rank, job_id, worker, state}].
  Result<Json> Ranks();

 private:
  explicit XgbCollective(GroupEnv g) : g_(std::move(g)) {}
  GroupEnv g_;
  std::unique_ptr<train::RabitTracker> tracker_;
  bool joined_ = false;
};

}  // namespace moebius::cli

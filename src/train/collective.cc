#include "train/collective.h"

#include <xgboost/c_api.h>

#include "base/json.h"

namespace moebius::train {

Status JoinCollective(const std::string& tracker_host, int tracker_port, const std::string& task_id) {
  Json config{{"xgboost_communicator", "rabit"},
              {"DMLC_TRACKER_URI", tracker_host},
              {"DMLC_TRACKER_PORT", tracker_port},
              {"DMLC_TASK_ID", task_id}};
  if (XGCommunicatorInit(config.dump().c_str()) != 0)
    return Unavailable("joining XGBoost's collective at " + tracker_host + ":" + std::to_string(tracker_port) + ": " + XGBGetLastError());
  return Status::Ok();
}

int CollectiveRank() { return XGCommunicatorGetRank(); }
int CollectiveWorldSize() { return XGCommunicatorGetWorldSize(); }

Status LeaveCollective() {
  if (XGCommunicatorFinalize() != 0) return Unavailable(std::string("leaving XGBoost's collective: ") + XGBGetLastError());
  return Status::Ok();
}

}  // namespace moebius::train

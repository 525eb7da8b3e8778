// XGBoost's collective (rabit in 1.7) for distributed training (EXP-8): joining it, which
// XGCommunicatorInit does by connecting to a rabit tracker (src/train/rabit_tracker.h) that
// assigns ranks and links, and leaving it. While a process is in the collective, XGBoost syncs
// DMatrix shapes, quantile sketches, histograms and evaluation metrics with the other ranks, so
// every rank must make the same XGBoost calls in the same order until it leaves.
//
// Thread-safety: the collective is process-wide state of libxgboost: one join per process, on
// one thread.
#pragma once

#include <string>

#include "base/status.h"

namespace moebius::train {

// Joins the collective through the tracker at host:port; `task_id` decides the rank the tracker
// gives (Moebius passes its own rank, so the two agree). Blocks until every rank joined or rabit
// gave up connecting.
Status JoinCollective(const std::string& tracker_host, int tracker_port, const std::string& task_id);
// This process's rank and the world size in the collective (0 and 1 when not in one).
int CollectiveRank();
int CollectiveWorldSize();
// Leaves it (XGCommunicatorFinalize: tells the tracker "shutdown"); XGBoost runs locally again.
Status LeaveCollective();

}  // namespace moebius::train

// RabitTracker: the rendezvous point of XGBoost 1.7's rabit collective (EXP-8), written from the
// wire protocol that xgboost/tracker.py speaks, so that XGCommunicatorInit in every rank of a
// distributed training connects to it exactly as it would to the Python tracker.
//
// Wire protocol (TCP, every integer a native 32-bit int, a string its length then its bytes):
//   worker → magic 0xff99; tracker → magic 0xff99 (anything else: the connection is dropped)
//   worker → rank (-1 when it has none yet), world_size (-1: unknown), task_id, command
//   "print":    worker → a message; the tracker logs it.
//   "shutdown": the worker is done; when all world_size ranks said so, the tracker ends.
//   "start" / "recover": the tracker decides the rank (the one sent, else the one this task_id
//     had, else in a batch once every missing rank has connected: sorted by task id — numerically
//     when it is a number, as Moebius passes MOEBIUS_RANK — then by host), then sends rank,
//     parent rank, world size, the number of tree neighbours and each of them, the ring's
//     previous and next rank (-1 when none), then loops: worker → the ranks it is linked to
//     already; tracker → how many of the missing links it should connect (to ranks that wait
//     for connections) and how many it should accept, then host, port and rank of each to
//     connect to; worker → the number of errors (not 0: the loop repeats), then its listening
//     port.
// The link maps (a binary tree over ranks, and a ring that shares edges with the tree, ranks
// renumbered along the ring) are those of the Python tracker; LinkMapFor is tested against it.
//
// Thread-safety: Start runs the tracker on its own thread; port() and Wait() may be called from
// any thread; the destructor stops the thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/status.h"

namespace moebius::train {

struct RabitLinkMap {
  std::vector<std::vector<int>> tree;     // per rank: tree neighbours (parent first, then children)
  std::vector<int> parent;                // per rank; -1 for rank 0
  std::vector<std::pair<int, int>> ring;  // per rank: previous and next rank of the ring
};

// The link maps for n ranks (n >= 1), as the Python tracker's get_link_map computes them.
RabitLinkMap LinkMapFor(int n);

class RabitTracker {
 public:
  static constexpr int kMagic = 0xff99;

  // Listens on `bind_host`:`port` (0: an ephemeral port) for `world_size` workers.
  static Result<std::unique_ptr<RabitTracker>> Start(int world_size, const std::string& bind_host = "0.0.0.0", int port = 0);
  ~RabitTracker();
  RabitTracker(const RabitTracker&) = delete;
  RabitTracker& operator=(const RabitTracker&) = delete;

  int port() const { return port_; }
  // Waits until every rank said "shutdown" (Ok), the tracker failed (its error), or timeout_ms
  // passed (kUnavailable).
  Status Wait(int64_t timeout_ms);
  // What workers sent with "print", in order.
  std::vector<std::string> Messages() const;

 private:
  RabitTracker(int world_size, int fd, int port) : world_size_(world_size), listen_fd_(fd), port_(port) {}
  void Loop();
  Status Serve();

  const int world_size_;
  const int listen_fd_;
  const int port_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  mutable std::mutex mu_;
  Status result_;
  std::vector<std::string> messages_;
  std::thread thread_;
};

}  // namespace moebius::train

// The rabit tracker against XGBoost 1.7 itself: the link maps against what python3-xgboost's
// tracker computes, and a real collective (xgboost.collective in separate processes, the peer
// XGCommunicatorInit talks through) rendezvousing at our tracker and allreducing.
#include "train/rabit_tracker.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "base/json.h"

namespace moebius::train {
namespace {

std::string Capture(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

TEST(RabitLinkMap, MatchesThePythonTracker) {
  // The Python tracker's maps for n = 1..64, as JSON [tree, parent, ring] per n.
  std::string py =
      "import json\n"
      "from xgboost.tracker import RabitTracker\n"
      "t = RabitTracker('127.0.0.1', 1)\n"
      "out = {}\n"
      "for n in range(1, 65):\n"
      "    tree, parent, ring = t.get_link_map(n)\n"
      "    out[n] = [[tree[r] for r in range(n)], [parent[r] for r in range(n)], [list(ring[r]) for r in range(n)]]\n"
      "print(json.dumps(out))\n";
  std::string text = Capture("/usr/bin/python3 -c \"" + py + "\"");
  Json expected = Json::parse(text, nullptr, false);
  ASSERT_FALSE(expected.is_discarded()) << "python3-xgboost did not answer: " << text;
  for (int n = 1; n <= 64; ++n) {
    RabitLinkMap m = LinkMapFor(n);
    const Json& e = expected[std::to_string(n)];
    ASSERT_EQ(static_cast<int>(m.tree.size()), n);
    for (int r = 0; r < n; ++r) {
      EXPECT_EQ(m.tree[r], e[0][r].get<std::vector<int>>()) << "tree of rank " << r << " for n=" << n;
      EXPECT_EQ(m.parent[r], e[1][r].get<int>()) << "parent of rank " << r << " for n=" << n;
      EXPECT_EQ(m.ring[r].first, e[2][r][0].get<int>()) << "ring prev of rank " << r << " for n=" << n;
      EXPECT_EQ(m.ring[r].second, e[2][r][1].get<int>()) << "ring next of rank " << r << " for n=" << n;
    }
  }
}

TEST(RabitTracker, XgboostRanksAllreduceThroughIt) {
  constexpr int kWorld = 3;
  auto tracker = RabitTracker::Start(kWorld, "127.0.0.1");
  ASSERT_TRUE(tracker.ok()) << tracker.status().ToString();
  int port = (*tracker)->port();
  ASSERT_GT(port, 0);
  // Each rank: XGCommunicatorInit through xgboost.collective, an allreduce of rank + 1, a print
  // through the tracker, XGCommunicatorFinalize.
  std::string py =
      "import sys, numpy as np\n"
      "import xgboost.collective as c\n"
      "port, task = int(sys.argv[1]), sys.argv[2]\n"
      "with c.CommunicatorContext(DMLC_TRACKER_URI='127.0.0.1', DMLC_TRACKER_PORT=port, DMLC_TASK_ID=task):\n"
      "    x = c.allreduce(np.array([float(c.get_rank() + 1)]), c.Op.SUM)\n"
      "    c.communicator_print('hello from task ' + task)\n"
      "    print(c.get_rank(), c.get_world_size(), int(x[0]), flush=True)\n";
  std::vector<FILE*> procs;
  for (int i = 0; i < kWorld; ++i) {
    std::string cmd = "timeout 60 /usr/bin/python3 -c \"" + py + "\" " + std::to_string(port) + " " + std::to_string(i) + " 2>&1";
    procs.push_back(::popen(cmd.c_str(), "r"));
    ASSERT_NE(procs.back(), nullptr);
  }
  std::vector<std::string> outs;
  for (FILE* p : procs) {
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    EXPECT_EQ(::pclose(p), 0) << out;
    outs.push_back(out);
  }
  ASSERT_TRUE((*tracker)->Wait(30000).ok());
  // Task i got rank i (numeric task ids decide the batch order); 1 + 2 + 3 = 6 everywhere.
  for (int i = 0; i < kWorld; ++i)
    EXPECT_NE(outs[i].find(std::to_string(i) + " 3 6"), std::string::npos) << "task " << i << ": " << outs[i];
  auto msgs = (*tracker)->Messages();
  EXPECT_EQ(msgs.size(), 3u);
  for (int i = 0; i < kWorld; ++i)
    EXPECT_NE(std::find(msgs.begin(), msgs.end(), "hello from task " + std::to_string(i)), msgs.end());
}

TEST(RabitTracker, WaitTimesOutWithoutWorkers) {
  auto tracker = RabitTracker::Start(2, "127.0.0.1");
  ASSERT_TRUE(tracker.ok());
  Status st = (*tracker)->Wait(300);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(RabitTracker::Start(2, "not-an-ip").status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moebius::train

#include "train/rabit_tracker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <set>

#include "base/log.h"
#include "base/strings.h"

namespace moebius::train {
namespace {

// ---- link maps

std::vector<int> Neighbours(int rank, int n) {
  int r = rank + 1;
  std::vector<int> out;
  if (r > 1) out.push_back(r / 2 - 1);
  if (r * 2 - 1 < n) out.push_back(r * 2 - 1);
  if (r * 2 < n) out.push_back(r * 2);
  return out;
}

// A ring that walks the tree depth first from `rank`, so that most ring edges are tree edges.
// The children are visited in the order the Python tracker's set iterates them: a set of at most
// two small non-negative ints sits in a table of 8 slots, at slot value % 8, and two consecutive
// ints never collide there; so the order is by value % 8 (2r+2 before 2r+1 when 2r+2 % 8 == 0).
std::vector<int> ShareRing(const std::vector<std::vector<int>>& tree, const std::vector<int>& parent, int rank) {
  std::vector<int> children;
  for (int v : tree[rank])
    if (v != parent[rank]) children.push_back(v);
  std::sort(children.begin(), children.end(), [](int a, int b) { return (a & 7) < (b & 7); });
  std::vector<int> out{rank};
  for (size_t i = 0; i < children.size(); ++i) {
    std::vector<int> sub = ShareRing(tree, parent, children[i]);
    if (i + 1 == children.size()) std::reverse(sub.begin(), sub.end());
    out.insert(out.end(), sub.begin(), sub.end());
  }
  return out;
}

// ---- sockets

Status SendAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return Unavailable(std::string("rabit tracker: send: ") + std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status RecvAll(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t r = ::recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return Unavailable("rabit tracker: the worker closed the connection");
    if (r < 0) return Unavailable(std::string("rabit tracker: recv: ") + std::strerror(errno));
    p += r;
    n -= static_cast<size_t>(r);
  }
  return Status::Ok();
}

Status SendInt(int fd, int32_t v) { return SendAll(fd, &v, sizeof v); }

Result<int32_t> RecvInt(int fd) {
  int32_t v = 0;
  RETURN_IF_ERROR(RecvAll(fd, &v, sizeof v));
  return v;
}

Status SendStr(int fd, const std::string& s) {
  RETURN_IF_ERROR(SendInt(fd, static_cast<int32_t>(s.size())));
  return SendAll(fd, s.data(), s.size());
}

Result<std::string> RecvStr(int fd) {
  ASSIGN_OR_RETURN(int32_t n, RecvInt(fd));
  if (n < 0 || n > (1 << 20)) return InvalidArgument("rabit tracker: a string of " + std::to_string(n) + " bytes");
  std::string s(static_cast<size_t>(n), '\0');
  RETURN_IF_ERROR(RecvAll(fd, s.data(), s.size()));
  return s;
}

// One connected worker.
struct Entry {
  int fd = -1;
  std::string host;  // as the tracker sees it: where the other ranks connect to it
  int rank = -1, world_size = -1;
  std::string task_id, cmd;
  int wait_accept = 0;  // links it still expects other ranks to open
  int port = -1;        // its listening port, once it sent it
};

void Close(Entry& e) {
  if (e.fd >= 0) ::close(e.fd);
  e.fd = -1;
}

Result<Entry> Handshake(int fd, const sockaddr_storage& addr) {
  Entry e;
  e.fd = fd;
  char host[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, host, sizeof host);
  else
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, host, sizeof host);
  e.host = host;
  ASSIGN_OR_RETURN(int32_t magic, RecvInt(fd));
  if (magic != RabitTracker::kMagic) return InvalidArgument("rabit tracker: invalid magic number " + std::to_string(magic) + " from " + e.host);
  RETURN_IF_ERROR(SendInt(fd, RabitTracker::kMagic));
  ASSIGN_OR_RETURN(e.rank, RecvInt(fd));
  ASSIGN_OR_RETURN(e.world_size, RecvInt(fd));
  ASSIGN_OR_RETURN(e.task_id, RecvStr(fd));
  ASSIGN_OR_RETURN(e.cmd, RecvStr(fd));
  return e;
}

// Tells `e` its rank and links, then brokers its connections to the ranks waiting for them.
Status AssignRank(Entry& e, int rank, std::map<int, Entry>& wait_conn, const RabitLinkMap& m) {
  e.rank = rank;
  int n = static_cast<int>(m.tree.size());
  std::set<int> links(m.tree[rank].begin(), m.tree[rank].end());
  auto [prev, next] = m.ring[rank];
  RETURN_IF_ERROR(SendInt(e.fd, rank));
  RETURN_IF_ERROR(SendInt(e.fd, m.parent[rank]));
  RETURN_IF_ERROR(SendInt(e.fd, n));
  RETURN_IF_ERROR(SendInt(e.fd, static_cast<int32_t>(links.size())));
  for (int r : links) RETURN_IF_ERROR(SendInt(e.fd, r));
  for (int r : {prev, next}) {
    if (r != -1 && r != rank) {
      links.insert(r);
      RETURN_IF_ERROR(SendInt(e.fd, r));
    } else {
      RETURN_IF_ERROR(SendInt(e.fd, -1));
    }
  }
  while (true) {
    ASSIGN_OR_RETURN(int32_t ngood, RecvInt(e.fd));
    if (ngood < 0 || ngood > n) return InvalidArgument("rabit tracker: rank " + std::to_string(rank) + " reported " + std::to_string(ngood) + " links");
    std::set<int> good;
    for (int i = 0; i < ngood; ++i) {
      ASSIGN_OR_RETURN(int32_t r, RecvInt(e.fd));
      if (!links.count(r)) return InvalidArgument("rabit tracker: rank " + std::to_string(rank) + " reported a link to " + std::to_string(r) + " it should not have");
      good.insert(r);
    }
    std::vector<int> bad, connect;
    for (int r : links)
      if (!good.count(r)) bad.push_back(r);
    for (int r : bad)
      if (wait_conn.count(r)) connect.push_back(r);
    RETURN_IF_ERROR(SendInt(e.fd, static_cast<int32_t>(connect.size())));
    RETURN_IF_ERROR(SendInt(e.fd, static_cast<int32_t>(bad.size() - connect.size())));
    for (int r : connect) {
      RETURN_IF_ERROR(SendStr(e.fd, wait_conn[r].host));
      RETURN_IF_ERROR(SendInt(e.fd, wait_conn[r].port));
      RETURN_IF_ERROR(SendInt(e.fd, r));
    }
    ASSIGN_OR_RETURN(int32_t nerr, RecvInt(e.fd));
    if (nerr != 0) continue;  // it retries the links that failed
    ASSIGN_OR_RETURN(e.port, RecvInt(e.fd));
    for (int r : connect) {
      auto it = wait_conn.find(r);
      if (--it->second.wait_accept == 0) wait_conn.erase(it);
    }
    e.wait_accept = static_cast<int>(bad.size() - connect.size());
    return Status::Ok();
  }
}

// Batch order: by task id (numerically when both are numbers), then by host.
bool PendingBefore(const Entry& a, const Entry& b) {
  auto na = ParseInt64(a.task_id), nb = ParseInt64(b.task_id);
  if (na && nb && *na != *nb) return *na < *nb;
  if (!(na && nb) && a.task_id != b.task_id) return a.task_id < b.task_id;
  return a.host < b.host;
}

}  // namespace

RabitLinkMap LinkMapFor(int n) {
  RabitLinkMap raw;
  for (int r = 0; r < n; ++r) {
    raw.tree.push_back(Neighbours(r, n));
    raw.parent.push_back((r + 1) / 2 - 1);
  }
  std::vector<int> order = ShareRing(raw.tree, raw.parent, 0);
  raw.ring.resize(n);
  for (int i = 0; i < n; ++i) raw.ring[order[i]] = {order[(i + n - 1) % n], order[(i + 1) % n]};
  // Renumber along the ring: rank 0 stays, its ring successor becomes 1, and so on.
  std::vector<int> rmap(n, 0);
  int k = 0;
  for (int i = 0; i + 1 < n; ++i) {
    k = raw.ring[k].second;
    rmap[k] = i + 1;
  }
  RabitLinkMap out;
  out.tree.resize(n);
  out.parent.resize(n);
  out.ring.resize(n);
  for (int r = 0; r < n; ++r) {
    out.ring[rmap[r]] = {rmap[raw.ring[r].first], rmap[raw.ring[r].second]};
    for (int x : raw.tree[r]) out.tree[rmap[r]].push_back(rmap[x]);
    out.parent[rmap[r]] = r == 0 ? -1 : rmap[raw.parent[r]];
  }
  return out;
}

Result<std::unique_ptr<RabitTracker>> RabitTracker::Start(int world_size, const std::string& bind_host, int port) {
  if (world_size < 1 || world_size > 4096) return InvalidArgument("rabit tracker: world size must be between 1 and 4096");
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Internal(std::string("rabit tracker: socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, bind_host.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    return InvalidArgument("rabit tracker: not an IPv4 address: " + bind_host);
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 256) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    return Unavailable("rabit tracker: listening on " + bind_host + ":" + std::to_string(port) + ": " + err);
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::unique_ptr<RabitTracker> t(new RabitTracker(world_size, fd, ntohs(addr.sin_port)));
  t->thread_ = std::thread([p = t.get()] { p->Loop(); });
  return t;
}

RabitTracker::~RabitTracker() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

void RabitTracker::Loop() {
  Status st = Serve();
  if (!st.ok() && !stop_) log::Warn(st.ToString());
  std::lock_guard lock(mu_);
  result_ = st;
  done_ = true;
}

Status RabitTracker::Serve() {
  int n = world_size_;
  std::set<int> shutdown;
  std::map<int, Entry> wait_conn;  // ranks that wait for others to connect to them
  std::map<std::string, int> task_rank;
  std::vector<Entry> pending;
  std::deque<int> unassigned;
  std::optional<RabitLinkMap> links;
  struct Closer {
    std::vector<Entry>& pending;
    std::map<int, Entry>& wait;
    ~Closer() {
      for (auto& e : pending) Close(e);
      for (auto& [r, e] : wait) Close(e);
    }
  } closer{pending, wait_conn};
  while (static_cast<int>(shutdown.size()) != n) {
    pollfd p{listen_fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, 200);
    if (stop_) return Unavailable("rabit tracker: stopped with " + std::to_string(shutdown.size()) + " of " + std::to_string(n) + " ranks done");
    if (ready <= 0) continue;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval tv{60, 0};  // a worker that stops talking mid-protocol does not hang the tracker
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    auto got = Handshake(fd, addr);
    if (!got.ok()) {
      ::close(fd);
      log::Warn(got.status().ToString());
      continue;
    }
    Entry e = std::move(*got);
    if (e.cmd == "print") {
      auto msg = RecvStr(e.fd);
      Close(e);
      if (msg.ok()) {
        std::lock_guard lock(mu_);
        messages_.push_back(std::string(Trim(*msg)));
      }
      continue;
    }
    if (e.cmd == "shutdown") {
      Close(e);
      if (e.rank < 0 || e.rank >= n) return InvalidArgument("rabit tracker: shutdown from rank " + std::to_string(e.rank));
      shutdown.insert(e.rank);
      continue;
    }
    if (e.cmd != "start" && e.cmd != "recover") {
      Close(e);
      return InvalidArgument("rabit tracker: unknown command '" + e.cmd + "'");
    }
    if (!links) {
      if (e.world_size > 0) n = e.world_size;
      links = LinkMapFor(n);
      for (int r = 0; r < n; ++r) unassigned.push_back(r);
    } else if (e.world_size != -1 && e.world_size != n) {
      Close(e);
      return InvalidArgument("rabit tracker: a worker has world size " + std::to_string(e.world_size) + ", the others " + std::to_string(n));
    }
    int rank = e.rank >= 0 ? e.rank : -1;
    if (rank < 0 && e.task_id != "NULL" && task_rank.count(e.task_id)) rank = task_rank[e.task_id];
    if (rank >= n) {
      Close(e);
      return InvalidArgument("rabit tracker: rank " + std::to_string(rank) + " in a world of " + std::to_string(n));
    }
    if (rank >= 0) {
      unassigned.erase(std::remove(unassigned.begin(), unassigned.end(), rank), unassigned.end());
      RETURN_IF_ERROR(AssignRank(e, rank, wait_conn, *links));
      Close(e);
      if (e.wait_accept > 0) wait_conn[rank] = e;
      continue;
    }
    if (unassigned.empty()) {
      Close(e);
      return InvalidArgument("rabit tracker: more workers than ranks");
    }
    pending.push_back(std::move(e));
    if (pending.size() < unassigned.size()) continue;
    std::stable_sort(pending.begin(), pending.end(), PendingBefore);
    for (Entry& p : pending) {
      int r = unassigned.front();
      unassigned.pop_front();
      if (p.task_id != "NULL") task_rank[p.task_id] = r;
      RETURN_IF_ERROR(AssignRank(p, r, wait_conn, *links));
      Close(p);
      if (p.wait_accept > 0) wait_conn[r] = p;
    }
    pending.clear();
  }
  return Status::Ok();
}

Status RabitTracker::Wait(int64_t timeout_ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done_) {
    if (std::chrono::steady_clock::now() >= until) return Unavailable("rabit tracker: the ranks did not all finish within " + std::to_string(timeout_ms / 1000) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::lock_guard lock(mu_);
  return result_;
}

std::vector<std::string> RabitTracker::Messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

}  // namespace moebius::train

#include "cli/train_distributed.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "base/strings.h"
#include "cli/rest_client.h"
#include "train/collective.h"

namespace moebius::cli {
namespace {

constexpr char kTrackerKey[] = "xgboost.tracker";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The local IPv4 address this machine uses to reach `server` (a URL): a UDP "connection" sends
// nothing but makes the kernel pick the route's source address.
std::string LocalAddressToward(const std::string& server) {
  std::string rest = server;
  if (auto p = rest.find("://"); p != std::string::npos) rest = rest.substr(p + 3);
  rest = rest.substr(0, rest.find('/'));
  std::string host = rest, port = "80";
  if (auto c = rest.rfind(':'); c != std::string::npos) {
    host = rest.substr(0, c);
    port = rest.substr(c + 1);
  }
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res) return "127.0.0.1";
  std::string out = "127.0.0.1";
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
    sockaddr_in local{};
    socklen_t len = sizeof local;
    char buf[INET_ADDRSTRLEN] = {0};
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 && ::inet_ntop(AF_INET, &local.sin_addr, buf, sizeof buf))
      out = buf;
  }
  if (fd >= 0) ::close(fd);
  ::freeaddrinfo(res);
  return out;
}

Result<int64_t> EnvInt(const char* name) {
  auto v = ParseInt64(Env(name));
  if (!v) return InvalidArgument(std::string(name) + " must be an integer, got '" + Env(name) + "'");
  return *v;
}

}  // namespace

Result<std::optional<GroupEnv>> GroupFromEnv() {
  if (Env("MOEBIUS_WORLD_SIZE").empty()) return std::optional<GroupEnv>();
  GroupEnv g;
  ASSIGN_OR_RETURN(int64_t world, EnvInt("MOEBIUS_WORLD_SIZE"));
  if (world <= 1) return std::optional<GroupEnv>();
  ASSIGN_OR_RETURN(int64_t rank, EnvInt("MOEBIUS_RANK"));
  if (rank < 0 || rank >= world) return InvalidArgument("MOEBIUS_RANK " + std::to_string(rank) + " is not in a world of " + std::to_string(world));
  g.rank = static_cast<int>(rank);
  g.world_size = static_cast<int>(world);
  ASSIGN_OR_RETURN(g.job_id, EnvInt("MOEBIUS_JOB_ID"));
  ASSIGN_OR_RETURN(g.group, EnvInt("MOEBIUS_JOB_GROUP"));
  if (!Env("MOEBIUS_RENDEZVOUS_TIMEOUT_S").empty()) {
    ASSIGN_OR_RETURN(g.rendezvous_timeout_s, EnvInt("MOEBIUS_RENDEZVOUS_TIMEOUT_S"));
  }
  g.server = Env("MOEBIUS_SERVER");
  g.token = Env("MOEBIUS_TOKEN");
  if (g.server.empty()) return InvalidArgument("a rank of a distributed group needs MOEBIUS_SERVER (the worker sets it) for the rendezvous");
  return std::optional<GroupEnv>(g);
}

Result<std::unique_ptr<XgbCollective>> XgbCollective::Join(const GroupEnv& g, const std::function<void(const std::string&)>& say) {
  std::unique_ptr<XgbCollective> c(new XgbCollective(g));
  RestClient client(g.server, g.token);
  const std::string path = "/api/v1/jobs/" + std::to_string(g.job_id) + "/rendezvous";
  std::string host;
  int port = 0;
  if (g.rank == 0) {
    ASSIGN_OR_RETURN(c->tracker_, train::RabitTracker::Start(g.world_size, "0.0.0.0", 0));
    host = Env("MOEBIUS_RENDEZVOUS_HOST");
    if (host.empty()) host = LocalAddressToward(g.server);
    port = c->tracker_->port();
    RETURN_IF_ERROR(client.Put(path, Json{{"key", kTrackerKey}, {"value", host + ":" + std::to_string(port)}}).status());
    say("rank 0: rabit tracker for " + std::to_string(g.world_size) + " ranks at " + host + ":" + std::to_string(port));
  } else {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(g.rendezvous_timeout_s);
    while (true) {
      ASSIGN_OR_RETURN(Json rv, client.Get(path));
      if (rv.contains("values") && rv["values"].contains(kTrackerKey)) {
        std::string addr = rv["values"][kTrackerKey].get<std::string>();
        auto colon = addr.rfind(':');
        auto p = colon == std::string::npos ? std::nullopt : ParseInt64(addr.substr(colon + 1));
        if (!p) return Internal("the group's rendezvous holds a bad tracker address '" + addr + "'");
        host = addr.substr(0, colon);
        port = static_cast<int>(*p);
        break;
      }
      for (const Json& r : rv.value("ranks", Json::array()))
        if (r.value("state", "") != "queued" && r.value("state", "") != "running")
          return FailedPrecondition("rank " + std::to_string(r.value("rank", 0)) + " of the group already ended (" + r.value("state", "") + ")");
      if (std::chrono::steady_clock::now() >= until)
        return Unavailable("rank 0 did not publish the XGBoost tracker within " + std::to_string(g.rendezvous_timeout_s) + " s");
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    say("rank " + std::to_string(g.rank) + ": joining the rabit tracker at " + host + ":" + std::to_string(port));
  }
  RETURN_IF_ERROR(train::JoinCollective(host, port, std::to_string(g.rank)));
  c->joined_ = true;
  say("rank " + std::to_string(g.rank) + ": in XGBoost's collective as rank " + std::to_string(train::CollectiveRank()) + " of " +
      std::to_string(train::CollectiveWorldSize()));
  return c;
}

Status XgbCollective::Leave() {
  if (!joined_) return Status::Ok();
  joined_ = false;
  RETURN_IF_ERROR(train::LeaveCollective());
  if (tracker_) RETURN_IF_ERROR(tracker_->Wait(60000));
  return Status::Ok();
}

XgbCollective::~XgbCollective() {
  if (joined_) (void)train::LeaveCollective();
}

Result<Json> XgbCollective::Ranks() {
  RestClient client(g_.server, g_.token);
  ASSIGN_OR_RETURN(Json rv, client.Get("/api/v1/jobs/" + std::to_string(g_.job_id) + "/rendezvous"));
  return rv.value("ranks", Json::array());
}

}  // namespace moebius::cli

#include "cli/cli.h"

#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <filesystem>
#include <limits>
#include <fstream>
#include <set>

#include "base/strings.h"
#include "cli/archive_io.h"
#include "cli/cli_app.h"
#include "cli/credentials.h"
#include "cli/rest_client.h"
#include "cli/table_printer.h"

namespace moebius::cli {

std::string Str(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
  const Json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
  }
  return v.dump();
}

std::string MissingMetricsText(const Json& check) {
  std::string out;
  if (!check.is_object() || !check.contains("missing") || !check["missing"].is_array()) return out;
  for (const Json& m : check["missing"]) {
    if (!m.is_string()) continue;
    const std::string name = m.get<std::string>();
    out += name + ": not logged by this run";
    const Json close = check.value("close", Json::object()).value(name, Json::array());
    std::string names;
    for (const Json& c : close)
      if (c.is_string()) names += (names.empty() ? "" : ", ") + c.get<std::string>();
    out += names.empty() ? "\n" : "; close: " + names + "\n";
  }
  return out;
}

std::string Time(const Json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return "";
  std::time_t t = static_cast<std::time_t>(j[key].get<int64_t>() / 1000);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::localtime(&t));
  return buf;
}

void Emit(const Globals& g, const Json& j, const std::function<void()>& table) {
  if (g.json) std::cout << j.dump(2) << "\n";
  else table();
}

std::string ReadPassword(bool from_stdin) {
  std::string pw;
  if (!from_stdin && ::isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "Password: ");
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, pw);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  } else {
    std::getline(std::cin, pw);
  }
  while (!pw.empty() && (pw.back() == '\r' || pw.back() == '\n')) pw.pop_back();
  return pw;
}

namespace {

// Resolves server and token from flags, environment and the credentials file.
Result<RestClient*> Connect(Globals& g, std::unique_ptr<RestClient>& holder) {
  std::string server = g.server, token = g.token;
  if (server.empty()) if (const char* e = std::getenv("MOEBIUS_SERVER")) server = e;
  if (token.empty()) if (const char* e = std::getenv("MOEBIUS_TOKEN")) token = e;
  if (server.empty() || token.empty()) {
    ASSIGN_OR_RETURN(auto creds, LoadCredentials(CredentialsPath()));
    if (creds) {
      if (server.empty()) server = creds->server;
      if (token.empty()) token = creds->token;
    }
  }
  if (server.empty()) return Unauthenticated("not logged in: run `moebius login --server URL` (or set MOEBIUS_SERVER and MOEBIUS_TOKEN)");
  holder = std::make_unique<RestClient>(server, token);
  return holder.get();
}

class App final : public CommandHost {
 public:
  App() : app_("moebius: MLOps platform CLI (a client of the REST API)") {
    app_.add_option("--server", g_.server, "server URL (default: from `moebius login` or MOEBIUS_SERVER)");
    app_.add_option("--token", g_.token, "API token (default: from `moebius login` or MOEBIUS_TOKEN)");
    app_.add_flag("--json", g_.json, "print JSON instead of tables");
    app_.require_subcommand(1);
    app_.footer("Run by the same binary: `moebius server` (the control plane), `moebius worker --server URL`\n(runs jobs), `moebius audit verify --data-dir DIR`,\n"
                "`moebius permissions` (the role matrix as Markdown).");
    AddLogin();
    AddProjectCommands(*this);
    AddTaskCommands(*this);
    AddExperimentCommands(*this);
    AddRunCommands(*this);
    AddUserCommands(*this);
    AddTokenCommands(*this);
    AddDataCommands(*this);
    AddJobCommands(*this);
    AddTrainCommands(*this);
    AddEnvCommands(*this);
    AddCodeCommands(*this);
    AddStudyCommands(*this);
    CLI::App* package = AddPackageCommands(*this);
    AddPipelineCommands(*this);
    CLI::App* model = AddModelCommands(*this);
    AddTritonCommands(*this, model, package);
    AddApprovalCommands(*this);
    AddLabelCommands(*this);
    AddDeployCommands(*this);
  }

  int Run(int argc, char** argv) {
    try {
      app_.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      int code = app_.exit(e);
      return code == 0 ? 0 : 2;
    }
    if (!action_) return 2;
    Status st;
    try {
      st = action_();
    } catch (const Json::exception& e) {
      // A field the server should have sent is missing or of another type: report, don't abort.
      st = Internal(std::string("unexpected response from the server: ") + e.what());
    }
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.message().c_str());
      return 1;
    }
    return 0;
  }

 private:
  void OnRun(CLI::App* cmd, Action fn) override {
    cmd->callback([this, fn] {
      action_ = [this, fn]() -> Status {
        std::unique_ptr<RestClient> holder;
        ASSIGN_OR_RETURN(RestClient * c, Connect(g_, holder));
        return fn(*c);
      };
    });
  }

  void OnRunLocal(CLI::App* cmd, std::function<Status()> fn) override {
    cmd->callback([this, fn] { action_ = fn; });
  }

  CLI::App* Noun(const char* name, const char* help) override {
    CLI::App* n = app_.add_subcommand(name, help);
    n->fallthrough();
    return n;
  }

  CLI::App* Sub(CLI::App* parent, const char* name, const char* help) override {
    CLI::App* s = parent->add_subcommand(name, help);
    s->fallthrough();
    return s;
  }

  void AddLogin() {
    auto* login = Noun("login", "sign in and store an API token for the CLI");
    auto* username = Own<std::string>("admin");
    auto* stdin_pw = Own<bool>(false);
    login->add_option("--username,-u", *username, "user name")->capture_default_str();
    login->add_flag("--password-stdin", *stdin_pw, "read the password from standard input");
    login->callback([this, username, stdin_pw] {
      action_ = [this, username, stdin_pw]() -> Status {
        std::string server = g_.server;
        if (server.empty()) if (const char* e = std::getenv("MOEBIUS_SERVER")) server = e;
        if (server.empty()) return InvalidArgument("--server URL is required for login");
        std::string pw = ReadPassword(*stdin_pw);
        RestClient anon(server, "");
        ASSIGN_OR_RETURN(Json session, anon.Post("/api/v1/auth/login", Json{{"username", *username}, {"password", pw}}));
        RestClient authed(server, session["token"].get<std::string>());
        char host[256] = "host";
        ::gethostname(host, sizeof host - 1);
        ASSIGN_OR_RETURN(Json tok, authed.Post("/api/v1/tokens", Json{{"name", std::string("cli@") + host}}));
        (void)authed.Post("/api/v1/auth/logout", Json::object());  // the session is no longer needed
        Credentials c{anon.base_url(), *username, tok["secret"].get<std::string>(), tok["token"]["id"].get<std::string>()};
        RETURN_IF_ERROR(SaveCredentials(CredentialsPath(), c));
        std::printf("logged in to %s as %s (token saved to %s)\n", c.server.c_str(), c.username.c_str(), CredentialsPath().c_str());
        return Status::Ok();
      };
    });
    auto* logout = Noun("logout", "revoke the CLI's token and forget it");
    logout->callback([this] {
      action_ = [this]() -> Status {
        ASSIGN_OR_RETURN(auto creds, LoadCredentials(CredentialsPath()));
        if (!creds) return FailedPrecondition("not logged in");
        RestClient c(creds->server, creds->token);
        Status revoked = c.Delete("/api/v1/tokens/" + RestClient::Segment(creds->token_id)).status();
        RETURN_IF_ERROR(RemoveCredentials(CredentialsPath()));
        if (!revoked.ok()) std::fprintf(stderr, "warning: could not revoke the token on the server: %s\n", revoked.message().c_str());
        std::printf("logged out\n");
        return Status::Ok();
      };
    });
  }

  const Globals& globals() const override { return g_; }
  void Keep(std::shared_ptr<void> p) override { owned_.push_back(std::move(p)); }

  std::vector<std::shared_ptr<void>> owned_;
  CLI::App app_;
  Globals g_;
  std::function<Status()> action_;
};

}  // namespace

int RunCli(int argc, char** argv) {
  App app;
  return app.Run(argc, argv);
}

}  // namespace moebius::cli
